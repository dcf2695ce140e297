package dev.loomcookbook.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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

    /** On one carrier Thread.sleep(0) yields too: a waiting virtual thread runs meanwhile. */
    @Test
    void sleepZeroYieldsToo() {
        assertThat(oneCarrier).containsEntry("sleeping-zero", "during=true after=true");
    }

    /**
     * Thread.sleep(0) is where an interrupt is noticed, as an await is where a cancellation is:
     * it throws InterruptedException; Thread.yield() returns with the interrupt still pending.
     */
    @Test
    @SuppressWarnings("ThreadPriorityCheck") // what Thread.yield() does is the point of the test
    void sleepZeroNoticesAnInterruptAndYieldDoesNot() throws Exception {
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread thread = Thread.ofVirtual().start(() -> {
            Thread.currentThread().interrupt();
            Thread.yield();
            boolean stillPending = Thread.currentThread().isInterrupted();
            try {
                Thread.sleep(0);
                outcome.set("sleep(0) returned");
            } catch (InterruptedException e) {
                outcome.set("yield() left it pending: " + stillPending + "; sleep(0) threw");
            }
        });
        thread.join();
        assertThat(outcome).hasValue("yield() left it pending: true; sleep(0) threw");
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
