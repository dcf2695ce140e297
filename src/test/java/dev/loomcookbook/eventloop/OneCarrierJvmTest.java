package dev.loomcookbook.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The carrier-loop child JVM never outlives its parent. */
class OneCarrierJvmTest {

    /** When its stdin reaches EOF (the parent closed it, or died), the child halts, even mid-spin of a long --busy. */
    @Test
    void childExitsWhenItsStdinCloses() throws Exception {
        Process child = new ProcessBuilder(
                OneCarrierJvm.command(2, Duration.ofMillis(1), Duration.ofMinutes(2)))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            child.getOutputStream().close();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child exited").isTrue();
            assertThat(child.exitValue()).isEqualTo(OneCarrierJvm.PARENT_GONE);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }
}
