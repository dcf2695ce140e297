package dev.loomcookbook.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link YieldToOthers}: Thread.yield() is asyncio.sleep(0) where it matters, on a scheduler whose
 * every carrier is busy. Proven in a child JVM with one carrier, the asyncio loop's situation.
 */
class YieldToOthersTest {

    private static Map<String, String> oneCarrier;

    @BeforeAll
    static void runTheOneCarrierChild() throws Exception {
        oneCarrier = OneCarrier.results();
        assertThat(oneCarrier).containsEntry("parallelism", "1");
    }

    /** On one carrier compute() yields between chunks: a waiting virtual thread runs meanwhile. */
    @Test
    void computeLetsAnotherVirtualThreadRunAtItsYields() {
        assertThat(oneCarrier).containsEntry("yielding", "during=true after=true");
    }

    /**
     * On one carrier, the same CPU work without a yield holds the carrier: the other virtual
     * thread runs only once it has ended, as a coroutine that never awaits stops the loop.
     */
    @Test
    void cpuWorkWithoutAYieldHoldsTheOnlyCarrier() {
        assertThat(oneCarrier).containsEntry("not-yielding", "during=false after=true");
    }

    /** The recipe's own run says the same on one carrier as on several. */
    @Test
    void theRecipeHoldsOnOneCarrier() {
        assertThat(oneCarrier).containsEntry("sleep-zero",
                "the heartbeat ran while compute() was still working: true");
    }

    /** compute() told to stop at once does no chunk of work at all. */
    @Test
    void computeChecksBeforeEachChunk() {
        assertThat(YieldToOthers.compute(() -> true)).isZero();
    }
}
