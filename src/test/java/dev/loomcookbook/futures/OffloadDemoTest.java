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
        assertThat(run.out()).contains("run_in_executor").contains("max lag").contains("p99 lag")
                .contains("model = latency + rounds x count()")
                .contains("timed on the thread that ran it");
        assertThat(run.out().lines().filter(
                l -> l.matches("\\s+(inline|threads|processes)\\s+[\\d.]+ (µs|ms|s)\\s+.*")))
                .hasSize(3);
    }

    /** With no heartbeat tick in a run, the lag columns show '-' rather than a made-up 0 ns. */
    @Test
    void noTicksShowNoLag() {
        CliRun run = CliRun.of(new OffloadDemo(),
                "--requests", "2", "--work", "1000", "--latency", "1ms", "--heartbeat", "10s");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()
                .filter(l -> l.matches("\\s+(inline|threads|processes)\\s+.*\\s+0\\s+0\\s+-\\s+-")))
                .hasSize(3);
        assertThat(run.out()).contains("the heartbeat never ticked").doesNotContain("0 ns");
    }

    /** A zero heartbeat period is a usage error with one clear line. */
    @Test
    void zeroHeartbeatIsAUsageError() {
        CliRun run = CliRun.of(new OffloadDemo(), "--heartbeat", "0ms");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(
                "error: Invalid value for option '--heartbeat': must be from 1 ms to 10 s, but was 0 ns");
    }

    /** A heartbeat under 1 ms (which would busy-loop) or over 10 s is a usage error. */
    @Test
    void heartbeatOutOfBoundsIsAUsageError() {
        for (String period : new String[] {"1ns", "999us", "1h"}) {
            CliRun run = CliRun.of(new OffloadDemo(), "--heartbeat", period);
            assertThat(run.exitCode()).as(period).isEqualTo(2);
            assertThat(run.err().lines().findFirst().orElseThrow()).startsWith(
                    "error: Invalid value for option '--heartbeat': must be from 1 ms to 10 s");
        }
    }

    /** A latency over 1 min, or more than 10^10 iterations in all, is a usage error. */
    @Test
    void tooLongRunsAreUsageErrors() {
        CliRun latency = CliRun.of(new OffloadDemo(), "--latency", "2m");
        assertThat(latency.exitCode()).isEqualTo(2);
        assertThat(latency.err().lines().findFirst()).hasValue(
                "error: Invalid value for option '--latency': must be from 0 to 1 min, but was 120 s");
        CliRun total = CliRun.of(new OffloadDemo(), "--requests", "10000", "--work", "1000000000");
        assertThat(total.exitCode()).isEqualTo(2);
        assertThat(total.err().lines().findFirst()).hasValue(
                "error: --requests x --work must be at most 10,000,000,000, but was 10,000,000,000,000");
    }

    /** Rounds: how often each computing thread runs count(), rounding up. */
    @Test
    void roundsRoundUp() {
        assertThat(OffloadDemo.rounds(32, 2)).isEqualTo(16);
        assertThat(OffloadDemo.rounds(33, 2)).isEqualTo(17);
        assertThat(OffloadDemo.rounds(1, 16)).isEqualTo(1);
    }
}
