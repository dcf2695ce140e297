package dev.loomcookbook.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.testing.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code tasks} demo: the book's three tasks, the example list, and bad input. */
class TasksDemoTest {

    /** The lines the run printed, without their {@code [  12 ms]} stamps. */
    private static List<String> runLines(CliRun run) {
        return run.out().lines().filter(l -> l.matches(" {4}\\[ *\\d+ ms] .*"))
                .map(l -> l.substring(l.indexOf("] ") + 2)).toList();
    }

    /** The three tasks print all 29 steps, the original's three final values and the wall-time line. */
    @Test
    void threeTasksPrintEveryStepAndTheFinalValues() {
        CliRun run = CliRun.of(new TasksDemo(), "--pause", "1ms");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = runLines(run);
        assertThat(lines.stream().filter(l -> l.startsWith("Asyncio.Task: Compute factorial("))
                .count()).isEqualTo(9);
        assertThat(lines.stream().filter(l -> l.startsWith("Asyncio.Task: Compute fibonacci("))
                .count()).isEqualTo(10);
        assertThat(lines.stream()
                .filter(l -> l.startsWith("Asyncio.Task: Compute binomial_coefficient(")).count())
                .isEqualTo(10);
        assertThat(lines).contains("factorial(10) = 3628800", "fibonacci(10) = 55",
                "binomial_coefficient(20, 10) = 184756");
        assertThat(run.out()).contains("wall time:").contains("about 10 pauses").contains("not 29");   // output only
    }

    /** The three tasks are inside a pause at once: a latch for three opens only when all three are paused together. */
    @Test
    void threeTasksPauseAtOnce() {
        CountDownLatch allPaused = new CountDownLatch(3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Set<Thread> paused = ConcurrentHashMap.newKeySet();
        TasksDemo demo = new TasksDemo(duration -> {
            peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                if (paused.add(Thread.currentThread())) {   // each task's first pause waits for the other two
                    allPaused.countDown();
                    if (!allPaused.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError(
                                "the three tasks were not paused at once within 30 s");
                    }
                }
            } finally {
                inside.decrementAndGet();
            }
        });
        CliRun run = CliRun.of(demo, "--pause", "0s");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(paused).hasSize(3);
        assertThat(peak).hasValue(3);
    }

    /** Each task's steps appear in its own order, whatever the interleaving. */
    @Test
    void eachTaskStepsInOrder() {
        CliRun run = CliRun.of(new TasksDemo(), "--pause", "0s");
        var factorialSteps =
                runLines(run).stream().filter(l -> l.startsWith("Asyncio.Task: Compute factorial("))
                        .map(l -> l.replaceAll("\\D", "")).toList();
        assertThat(factorialSteps).containsExactly("2", "3", "4", "5", "6", "7", "8", "9", "10");
    }

    /** --example list names every example and exits 0. */
    @Test
    void exampleListNamesEveryExample() {
        CliRun list = CliRun.of(new TasksDemo(), "--example", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(new TasksDemo().examples())
                .allSatisfy(name -> assertThat(list.out()).contains(name));
    }

    /** The root 'list' command names every example under the demo, as "--example NAME". */
    @Test
    void rootListNamesEveryExample() {
        CliRun rootList = CliRun.root("list");
        assertThat(new TasksDemo().examples()).allSatisfy(
                name -> assertThat(rootList.out()).containsPattern("(?m)[ ,]" + name + "(,|$)"));
    }

    /** The examples include the three tasks and the main asyncio task operations. */
    @Test
    void examplesIncludeTheMainOnes() {
        assertThat(new TasksDemo().examples()).contains("three-tasks", "gather", "as-completed",
                "task-group");
    }

    /** --example all runs every example and the three tasks, each exiting cleanly. */
    @Test
    void allExamplesRun() {
        CliRun run = CliRun.of(new TasksDemo(), "--pause", "0s", "--example", "all");
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (var e : TasksDemo.EXAMPLES.subList(1, TasksDemo.EXAMPLES.size())) {
            assertThat(run.out()).contains("--- " + e.name() + ": ");
        }
        assertThat(run.out()).contains("factorial(10) = 3628800");
    }

    /** An unknown example is a usage error: exit 2 and one line naming it. */
    @Test
    void unknownExampleIsAUsageError() {
        CliRun run = CliRun.of(new TasksDemo(), "--example", "gather,nope");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(
                "error: unknown example 'nope' (run 'tasks --example list' to see them)");
        assertThat(run.out()).isEmpty();
    }

    /** A negative pause is a usage error. */
    @Test
    void negativePauseIsAUsageError() {
        CliRun run = CliRun.of(new TasksDemo(), "--pause", "-1s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: Invalid value for option '--pause'");
    }

    /** Options that would be silently ignored are usage errors: exit 2, one line, nothing run. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--example=,        | error: --example needs a name for each entry (run 'tasks --example list' to see them)",
        "--example=gather,  | error: --example needs a name for each entry (run 'tasks --example list' to see them)",
        "--example=list,gather | error: 'list' must be alone in --example, but was given with gather",
        "--example=all,queue | error: 'all' must be alone in --example, but was given with queue",
        "--example=gather,gather | error: --example names 'gather' twice",
        "--example=gather --pause=5ms | error: --pause applies only to the book's three tasks ('three-tasks'); "
                + "the examples use fixed 100 ms steps",
        "--example=list --pause=1s | error: --pause applies only to the book's three tasks ('three-tasks'); "
                + "the examples use fixed 100 ms steps",
        "--pause=61s        | error: Invalid value for option '--pause': must be from 0 to 1 min, but was 61.0 s",
    })
    void conflictingOptionsAreUsageErrors(String args, String firstLine) {
        CliRun run = CliRun.of(new TasksDemo(), args.strip().split(" "));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(firstLine);
        assertThat(run.out()).isEmpty();
    }

    /** --pause with the three tasks among the examples is honoured: it is printed as their pause. */
    @Test
    void pauseWithTheThreeTasksIsHonoured() {
        CliRun run = CliRun.of(new TasksDemo(), "--pause", "2ms", "--example",
                "three-tasks,create-task");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("pausing 2.00 ms per step").contains("--- create-task: ");
    }

    /** The three tasks run in a scope named "three-tasks", the name a thread dump (pstree) shows. */
    @Test
    void threeTasksScopeIsNamed() {
        DumpOnFirstLine out = new DumpOnFirstLine("] Asyncio.Task: Compute");
        int code = Cli.run(new TasksDemo(), new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                "--pause", "0s");
        assertThat(code).isZero();
        assertThat(out.containerNames()).contains(ThreeTasks.SCOPE_NAME);
    }
}
