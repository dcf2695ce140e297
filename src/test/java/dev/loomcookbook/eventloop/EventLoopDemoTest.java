package dev.loomcookbook.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import org.junit.jupiter.api.Test;

/** The event-loop demo runs the book's chain and explains the lag; bad input is a usage error. */
class EventLoopDemoTest {

    /** A short run prints the calls, the summary table and the teaching point, and exits 0. */
    @Test
    void shortRunPrintsTheChainAndTheLag() {
        CliRun run = CliRun.of(new EventLoopDemo(), "--duration", "300ms", "--delay", "20ms",
                "--max-block", "50ms",
                "--heartbeat", "10ms", "--seed", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("loop.call_later(1, task_B, end_time, loop)")
                .contains("task_A called")
                .contains("seed 1").contains("heartbeats due during a blocking call")
                .contains("The loop stopped at")
                .contains("Teaching point: a callback that blocks");
    }

    /** A zero heartbeat is a usage error: exit 2 with one clear line. */
    @Test
    void zeroHeartbeatIsAUsageError() {
        CliRun run = CliRun.of(new EventLoopDemo(), "--heartbeat", "0s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(
                "error: Invalid value for option '--heartbeat': must be from 1 ms to 10 s, but was 0 ns");
    }

    /** Durations beyond their bounds (a run of hours, a busy loop of 1 ns calls) are usage errors. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "--duration=11m  | error: Invalid value for option '--duration': must be from 1 ms to 10 min, but was 660 s",
        "--delay=1ns     | error: Invalid value for option '--delay': must be from 1 ms to 1 min, but was 1 ns",
        "--delay=2m      | error: Invalid value for option '--delay': must be from 1 ms to 1 min, but was 120 s",
        "--max-block=1h  | error: Invalid value for option '--max-block': must be from 0 to 1 min, but was 3600 s",
        "--heartbeat=11s | error: Invalid value for option '--heartbeat': must be from 1 ms to 10 s, but was 11.0 s",
    })
    void durationsOutOfBoundsAreUsageErrors(String arg, String firstLine) {
        CliRun run = CliRun.of(new EventLoopDemo(), arg.strip());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(firstLine);
        assertThat(run.out()).isEmpty();
    }

    /** A negative delay is refused by the parser: exit 2, no stack trace. */
    @Test
    void negativeDelayIsAUsageError() {
        CliRun run = CliRun.of(new EventLoopDemo(), "--delay", "-1s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: Invalid value for option '--delay'")
                .doesNotContain("\tat ");
    }
}
