package dev.loomcookbook.tasks.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import org.junit.jupiter.api.Test;

/** The {@code scheduler} demo: a pipeline's timeline and final states, rejected graphs, bad input. */
class SchedulerDemoTest {

    /** The whole pipeline succeeds and every step shows up in the live timeline and the final table. */
    @Test
    void pipelineSucceeds() {
        CliRun run = CliRun.of(new SchedulerDemo(), "--unit", "1ms");
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String step : new String[] {"fetch-deps", "lint", "compile", "unit-tests", "javadoc", "package", "publish"}) {
            assertThat(run.out()).containsPattern("start\\s+" + step).containsPattern("end\\s+" + step + "\\s+SUCCEEDED");
        }
        assertThat(run.out()).contains("app.jar (240 passed, 0 warnings)").contains("published app.jar");
    }

    /** --fail: the failed step's dependents are reported skipped, independent steps still succeed. */
    @Test
    void failedStepSkipsItsDependents() {
        CliRun run = CliRun.of(new SchedulerDemo(), "--unit", "1ms", "--fail", "javadoc");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("javadoc\\s+FAILED").containsPattern("package\\s+SKIPPED")
                .contains("not started: 'javadoc' failed").containsPattern("publish\\s+SKIPPED")
                .containsPattern("unit-tests\\s+SUCCEEDED").containsPattern("lint\\s+SUCCEEDED");
    }

    /** --broken cycle: the graph is rejected before anything runs, with the cycle printed. */
    @Test
    void cycleIsRejectedBeforeRunning() {
        CliRun run = CliRun.of(new SchedulerDemo(), "--broken", "cycle");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("rejected before anything ran: cycle: fetch-deps -> package -> unit-tests -> compile -> fetch-deps")
                .doesNotContain("start ");
    }

    /** --broken unknown and duplicate name the problem. */
    @Test
    void unknownAndDuplicateAreRejected() {
        assertThat(CliRun.of(new SchedulerDemo(), "--broken", "unknown").out())
                .contains("unknown dependency: 'compile' depends on 'codegen'");
        assertThat(CliRun.of(new SchedulerDemo(), "--broken", "duplicate").out())
                .contains("duplicate task name: 'lint'");
    }

    /** An unknown step for --fail or an unknown policy is a usage error. */
    @Test
    void badInputIsAUsageError() {
        CliRun fail = CliRun.of(new SchedulerDemo(), "--fail", "nope");
        assertThat(fail.exitCode()).isEqualTo(2);
        assertThat(fail.err().lines().findFirst().orElseThrow()).startsWith("error: unknown step 'nope' for --fail");
        CliRun policy = CliRun.of(new SchedulerDemo(), "--policy", "sometimes");
        assertThat(policy.exitCode()).isEqualTo(2);
        assertThat(policy.err()).startsWith("error: Invalid value for option '--policy'");
    }
}
