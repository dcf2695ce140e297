package dev.loomcookbook.futures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import org.junit.jupiter.api.Test;

/** The offload demo runs every way and prints the measurements; bad input is a usage error. */
class OffloadDemoTest {

    /** A tiny run prints one measured row per way, with correct results (else it exits 1). */
    @Test
    void measuresEveryWay() {
        CliRun run = CliRun.of(new OffloadDemo(),
                "--requests", "4", "--work", "1000", "--latency", "1ms", "--heartbeat", "1ms");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("run_in_executor").contains("max lag").contains("p99 lag");
        assertThat(run.out().lines().filter(l -> l.matches("\\s+(inline|threads|processes)\\s+[\\d.]+ (µs|ms|s)\\s+.*"))).hasSize(3);
    }

    /** A zero heartbeat period is a usage error with one clear line. */
    @Test
    void zeroHeartbeatIsAUsageError() {
        CliRun run = CliRun.of(new OffloadDemo(), "--heartbeat", "0ms");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue("error: --heartbeat must be longer than 0");
    }
}
