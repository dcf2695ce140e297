package dev.loomcookbook.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import org.junit.jupiter.api.Test;

/** The event-loop demo runs the book's chain and explains the lag; bad input is a usage error. */
class EventLoopDemoTest {

    /** A short run prints the calls, the summary table and the teaching point, and exits 0. */
    @Test
    void shortRunPrintsTheChainAndTheLag() {
        CliRun run = CliRun.of(new EventLoopDemo(), "--duration", "300ms", "--delay", "20ms", "--max-block", "50ms",
                "--heartbeat", "10ms", "--seed", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("loop.call_later(1, task_B, end_time, loop)").contains("task_A called")
                .contains("seed 1").contains("heartbeats due during a blocking call").contains("The loop stopped at")
                .contains("Teaching point: a callback that blocks");
    }

    /** A zero heartbeat is a usage error: exit 2 with one clear line. */
    @Test
    void zeroHeartbeatIsAUsageError() {
        CliRun run = CliRun.of(new EventLoopDemo(), "--heartbeat", "0s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue("error: --heartbeat must be more than 0");
    }

    /** A negative delay is refused by the parser: exit 2, no stack trace. */
    @Test
    void negativeDelayIsAUsageError() {
        CliRun run = CliRun.of(new EventLoopDemo(), "--delay", "-1s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: Invalid value for option '--delay'").doesNotContain("\tat ");
    }
}
