package dev.loomcookbook.coroutines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.coroutines.StateMachine.Hop;
import dev.loomcookbook.testing.CliRun;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

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
                .contains("Start State called\n").contains("...stop computation...\n").contains(summary);
        assertThat(run.out().split("\\.\\.\\.evaluating\\.\\.\\.", -1)).hasSize(hops.size());
    }

    /** Many machines print one summary table, not a line per machine. */
    @Test
    void manyMachinesPrintOnlyASummary() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--seed", "1", "--pause", "0ms", "--machines", "500");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("500 machines at once").contains("500 machines finished in")
                .doesNotContain("machine 0:");
        assertThat(run.out().lines().count()).as("lines printed").isLessThan(60);
    }

    /** A few machines also list each machine's chain, in machine order. */
    @Test
    void fewMachinesListEachChain() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--seed", "1", "--pause", "0ms", "--machines", "3");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsSubsequence("machine 0: Start State -> ", "machine 1: ", "machine 2: ");
    }

    /** A bad pause is a usage error: exit 2 and one line naming the option. */
    @Test
    void badPauseIsAUsageError() {
        CliRun run = CliRun.of(new CoroutinesDemo(), "--pause", "soon");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: Invalid value for option '--pause'");
        assertThat(run.out()).isEmpty();
    }
}
