package dev.loomcookbook.coroutines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.coroutines.StateMachine.Hop;
import dev.loomcookbook.testing.CliRun;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The coroutines demo, run in-process with no pause. */
class CoroutinesDemoTest {

    /** One machine prints the script's title, its progress lines and the transition summary for its seed. */
    @Test
    void printsTheScriptsOutputForTheSeed() throws InterruptedException {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--seed", "42", "--pause", "0ms");
        assertThat(run.exitCode()).isZero();
        List<Hop> hops = StateMachine.run(StateMachine.randomFor(42), Duration.ZERO, line -> {});
        String summary = "Resume of the Transition :\n"
                + String.join("\n", hops.stream().map(Hop::line).toList()) + "\n";
        assertThat(run.out()).startsWith("Finite State Machine simulation with Asyncio Coroutine")
                .contains("Start State called\n").contains("...stop computation...\n")
                .contains(summary);
        assertThat(run.out().split("\\.\\.\\.evaluating\\.\\.\\.", -1)).hasSize(hops.size());
    }

    /** Many machines print one summary table, not a line per machine. */
    @Test
    void manyMachinesPrintOnlyASummary() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--seed", "1", "--pause", "0ms", "--machines",
                "500");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("500 machines at once").contains("500 machines finished in")
                .doesNotContain("machine 0:");
        assertThat(run.out().lines().count()).as("lines printed").isLessThan(60);
    }

    /** A few machines also list each machine's chain, in machine order. */
    @Test
    void fewMachinesListEachChain() {
        CliRun run =
                CliRun.of(new CoroutinesDemo(), "--seed", "1", "--pause", "0ms", "--machines", "3");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsSubsequence("machine 0: Start State -> ", "machine 1: ",
                "machine 2: ");
    }

    /** A bad pause is a usage error: exit 2 and one line naming the option. */
    @Test
    void badPauseIsAUsageError() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--pause", "soon");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: Invalid value for option '--pause'");
        assertThat(run.out()).isEmpty();
    }

    /** More machines than the cap is a usage error whose one line names the bound. */
    @Test
    void tooManyMachinesIsAUsageError() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--machines", "1000001");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(
                "error: Invalid value for option '--machines': must be from 1 to 1,000,000, but was 1000001\n");
        assertThat(run.out()).isEmpty();
    }

    /** A pause longer than a minute is a usage error whose one line names the bound. */
    @Test
    void tooLongPauseIsAUsageError() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--pause", "61s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(
                "error: Invalid value for option '--pause': must be from 0 to 1 min, but was 61.0 s\n");
        assertThat(run.out()).isEmpty();
    }

    /** The help states both bounds. */
    @Test
    void helpStatesTheBounds() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).as("the help, on one line")
                .contains("Range: 1 to 1,000,000.").contains("Range: 0 to 1 min.");
    }

    /** With no pause at all, the wall time is all overhead, and the output says so rather than crediting the pauses. */
    @Test
    void noPauseReportsThatOverheadDominated() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--seed", "3", "--pause", "0ms", "--machines",
                "20");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Overhead dominated:")
                .doesNotContain("The pauses dominated");
    }

    /** The verdict credits the pauses when they are most of the wall time, and the overhead otherwise. */
    @Test
    void verdictComparesPausesWithWallTime() {
        long ms = 1_000_000;
        assertThat(CoroutinesDemo.verdict(1000 * ms, 900 * ms, 10))
                .startsWith("The pauses dominated")
                .contains("100 ms of overhead");
        assertThat(CoroutinesDemo.verdict(36_000 * ms, 650 * ms, 1_000_000))
                .startsWith("Overhead dominated")
                .contains("1,000,000 virtual threads").contains("(650 ms)");
    }

    /** Every line of a run with long chains, and of the help, fits in 120 columns. */
    @Test
    void outputFitsTheWidth() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--seed", "7", "--pause", "0ms", "--machines",
                "10");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("machine 9:");
        assertThat(run.out().lines())
                .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(120));
    }

    /** A wrapped chain keeps every state, in order, and no line is wider than asked. */
    @Test
    void wrapKeepsTheChainWithinTheWidth() {
        String path =
                String.join(" -> ", Collections.nCopies(30, "State 2")) + " -> End State (30 hops)";
        String wrapped = CoroutinesDemo.wrap("  machine 1: ", path, 60);
        assertThat(wrapped.lines()).hasSizeGreaterThan(1)
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(60));
        assertThat(wrapped.strip().replaceAll("\\s*\\R\\s*", " ")).isEqualTo("machine 1: " + path);
    }

    /** The summary line says what the demo shows; the Python concept has its own column in 'list'. */
    @Test
    void summaryDoesNotRepeatThePythonConcept() {
        String summary = new CommandLine(new CoroutinesDemo()).getCommandSpec().usageMessage()
                .description()[0];
        assertThat(summary).doesNotContain(new CoroutinesDemo().pythonConcept())
                .contains("state machine");
    }
}
