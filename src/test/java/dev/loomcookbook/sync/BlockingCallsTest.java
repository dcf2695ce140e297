package dev.loomcookbook.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockingCalls}: on virtual threads a blocking call needs no to_thread, because it frees
 * the carrier; CPU work does not, so it goes to a platform pool. Proven in a child JVM with one
 * carrier, where nothing else could hide the difference.
 */
class BlockingCallsTest {

    private static Map<String, String> oneCarrier;

    @BeforeAll
    static void runTheOneCarrierChild() throws Exception {
        oneCarrier = OneCarrier.results();
    }

    /**
     * On one carrier, the recipe's hundred blocking calls are all blocked at once (its barrier
     * opens only then): each call unmounted its virtual thread and freed the carrier.
     */
    @Test
    void aHundredBlockingCallsAreBlockedAtOnceOnOneCarrier() {
        assertThat(oneCarrier.get("to-thread").split("\\|")).containsExactly(
                "all " + BlockingCalls.CALLS + " blocking calls were blocked at once",
                "CPU work ran off the caller's thread, on the pool: true",
                "its result: 700000");
    }

    /**
     * On one carrier, CPU work handed to a platform pool with Offload.call leaves the carrier
     * free: another virtual thread runs while the work goes on (run inline, it would not).
     */
    @Test
    void cpuWorkOnAPlatformPoolLeavesTheCarrierFree() {
        assertThat(oneCarrier).containsEntry("offloaded", "during=true after=true");
        assertThat(oneCarrier).containsEntry("not-yielding", "during=false after=true");
    }
}
