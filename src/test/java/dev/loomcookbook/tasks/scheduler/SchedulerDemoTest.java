package dev.loomcookbook.tasks.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.tasks.DumpOnFirstLine;
import dev.loomcookbook.testing.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code scheduler} demo: a pipeline's timeline and final states, rejected graphs, bad input. */
class SchedulerDemoTest {

    /** The whole pipeline succeeds with exit 0 and prints the package's and the publish step's results. */
    @Test
    void pipelineSucceeds() {
        CliRun run = CliRun.of(new SchedulerDemo(), "--unit", "1ms");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("app.jar (240 passed, 0 warnings)")
                .contains("published app.jar");
    }

    /** Every step of the pipeline shows up in the live timeline, starting and ending SUCCEEDED. */
    @ParameterizedTest
    @ValueSource(strings = {"fetch-deps", "lint", "compile", "unit-tests", "javadoc", "package",
        "publish"})
    void everyStepIsInTheTimeline(String step) {
        CliRun run = CliRun.of(new SchedulerDemo(), "--unit", "1ms");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("start\\s+" + step)
                .containsPattern("end\\s+" + step + "\\s+SUCCEEDED");
    }

    /** --fail: the failed step's dependents are reported skipped, independent steps still succeed. */
    @Test
    void failedStepSkipsItsDependents() {
        CliRun run = CliRun.of(new SchedulerDemo(), "--unit", "1ms", "--fail", "javadoc");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("javadoc\\s+FAILED")
                .containsPattern("package\\s+SKIPPED")
                .contains("'javadoc' failed")
                .contains("javadoc failed on purpose (--fail javadoc), as asked: exit code 0.")
                .containsPattern("publish\\s+SKIPPED")
                .containsPattern("unit-tests\\s+SUCCEEDED").containsPattern("lint\\s+SUCCEEDED");
    }

    /** --broken cycle: the graph is rejected before anything runs, with the cycle printed. */
    @Test
    void cycleIsRejectedBeforeRunning() {
        CliRun run = CliRun.of(new SchedulerDemo(), "--broken", "cycle");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("rejected before anything ran:")
                .contains("  cycle: fetch-deps -> package -> unit-tests -> compile -> fetch-deps")
                .doesNotContain("start ");
    }

    /** --broken unknown and duplicate are rejected before running, naming the problem. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "unknown   | unknown dependency: 'compile' depends on 'codegen'",
        "duplicate | duplicate task name: 'lint'",
    })
    void unknownAndDuplicateAreRejected(String broken, String problem) {
        CliRun run = CliRun.of(new SchedulerDemo(), "--broken", broken);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains(problem).doesNotContain("start ");
    }

    /** An unknown step for --fail is a usage error naming it. */
    @Test
    void unknownFailStepIsAUsageError() {
        CliRun fail = CliRun.of(new SchedulerDemo(), "--fail", "nope");
        assertThat(fail.exitCode()).isEqualTo(2);
        assertThat(fail.err().lines().findFirst().orElseThrow()).startsWith(
                "error: Invalid value for option '--fail': unknown step 'nope' (steps: fetch-deps,");
    }

    /** An unknown --policy is a usage error. */
    @Test
    void unknownPolicyIsAUsageError() {
        CliRun policy = CliRun.of(new SchedulerDemo(), "--policy", "sometimes");
        assertThat(policy.exitCode()).isEqualTo(2);
        assertThat(policy.err()).startsWith("error: Invalid value for option '--policy'");
    }

    /** --broken with an option it would ignore is a usage error naming that option; nothing runs. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--broken=cycle --fail=lint          | --fail",
        "--broken=cycle --policy=cancel      | --policy",
        "--broken=unknown --unit=1ms         | --unit",
        "--broken=duplicate --policy=continue --fail=lint | --fail, --policy",
    })
    void brokenWithIgnoredOptionsIsAUsageError(String args, String named) {
        CliRun run = CliRun.of(new SchedulerDemo(), args.strip().split(" +"));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(
                "error: --broken rejects the graph before anything runs, so it cannot be combined with "
                        + named);
        assertThat(run.out()).isEmpty();
    }

    /** A unit over 10 s (the run would take minutes) is a usage error. */
    @Test
    void unitOverTenSecondsIsAUsageError() {
        CliRun run = CliRun.of(new SchedulerDemo(), "--unit", "1h");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(
                "error: Invalid value for option '--unit': must be from 0 to 10 s, but was 3600 s");
    }

    /** The steps run in a scope named "TaskGraph", the name a thread dump (pstree) shows. */
    @Test
    void schedulerScopeIsNamed() {
        DumpOnFirstLine out = new DumpOnFirstLine("start ");
        int code = Cli.run(new SchedulerDemo(), new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                "--unit", "0s");
        assertThat(code).isZero();
        assertThat(out.containerNames()).contains(TaskGraph.SCOPE_NAME);
    }
}
