package dev.loomcookbook.tasks.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.TaskThread;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link TaskGraph}: dependency order, concurrency, validation and failure policies, from recorded events. */
class TaskGraphTest {

    private static final List<String> NONE = List.of();

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("latch not released within 30 s");
        }
    }

    /** Blocks until interrupted, after saying it started. */
    private static String blockUntilInterrupted(CountDownLatch started)
            throws InterruptedException {
        started.countDown();
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    private static ScheduleReport<String> run(TaskGraph<String> graph, FailurePolicy policy,
            ThreadFactory factory)
            throws InterruptedException {
        return graph.run(policy, factory, e -> {});
    }

    /** A build-like diamond: no task starts before every prerequisite has ended (by event sequence). */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void noTaskStartsBeforeItsPrerequisitesEnd(ThreadFactory factory) throws Exception {
        TaskGraph<String> graph = TaskGraph.<String>builder()
                .task("fetch", NONE, in -> "deps")
                .task("lint", NONE, in -> "clean")
                .task("compile", List.of("fetch"), in -> "classes")
                .task("test", List.of("compile"), in -> "passed")
                .task("docs", List.of("compile"), in -> "pages")
                .task("package", List.of("test", "docs", "lint"), in -> "jar")
                .build();
        ScheduleReport<String> report = run(graph, FailurePolicy.CONTINUE, factory);

        assertThat(report.allSucceeded()).isTrue();
        Map<String, Long> startSeq = new HashMap<>();
        Map<String, Long> endSeq = new HashMap<>();
        for (ScheduleEvent e : report.events()) {
            (e.kind() == ScheduleEvent.Kind.START ? startSeq : endSeq).put(e.task(), e.sequence());
        }
        assertThat(startSeq.keySet()).containsExactlyInAnyOrderElementsOf(graph.names());
        for (String task : graph.names()) {
            for (String p : graph.prerequisitesOf(task)) {
                assertThat(startSeq.get(task)).as(task + " starts after " + p + " ends")
                        .isGreaterThan(endSeq.get(p));
            }
        }
    }

    /** Independent tasks run at the same time: a barrier for two only trips if both are running at once. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void independentTasksOverlap(ThreadFactory factory) throws Exception {
        CyclicBarrier bothRunning = new CyclicBarrier(3);   // test, docs and lint together
        TaskGraph<String> graph = TaskGraph.<String>builder()
                .task("compile", NONE, in -> "classes")
                .task("lint", NONE, in -> {
                    bothRunning.await(30, TimeUnit.SECONDS);
                    return "clean";
                })
                .task("test", List.of("compile"), in -> {
                    bothRunning.await(30, TimeUnit.SECONDS);
                    return "passed";
                })
                .task("docs", List.of("compile"), in -> {
                    bothRunning.await(30, TimeUnit.SECONDS);
                    return "pages";
                })
                .build();
        ScheduleReport<String> report = run(graph, FailurePolicy.CONTINUE, factory);
        assertThat(report.outcomes().values()).allSatisfy(o -> assertThat(o.state())
                .as(o.name() + " " + o.failure()).isEqualTo(TaskState.SUCCEEDED));
    }

    /** A task receives its prerequisites' values by name; the report has every value by name. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void resultsFlowByName(ThreadFactory factory) throws Exception {
        TaskGraph<Integer> graph = TaskGraph.<Integer>builder()
                .task("two", NONE, in -> 2)
                .task("three", NONE, in -> 3)
                .task("product", List.of("two", "three"), in -> in.get("two") * in.get("three"))
                .build();
        ScheduleReport<Integer> report = graph.run(FailurePolicy.CONTINUE, factory, e -> {});
        assertThat(report.results()).containsExactly(Map.entry("two", 2), Map.entry("three", 3),
                Map.entry("product", 6));
    }

    private static TaskGraph<Boolean> whereGraph() {
        return TaskGraph.<Boolean>builder()
                .task("where", NONE, in -> Thread.currentThread().isVirtual()).build();
    }

    /** Without a thread factory, tasks run on virtual threads. */
    @Test
    void runsOnVirtualThreadsByDefault() throws Exception {
        assertThat(whereGraph().run(FailurePolicy.CONTINUE).results()).containsEntry("where", true);
    }

    /** With a thread factory, tasks run on its threads (here platform threads). */
    @Test
    void runsOnTheGivenFactorysThreads() throws Exception {
        assertThat(whereGraph().run(FailurePolicy.CONTINUE, Thread.ofPlatform().factory(), e -> {})
                .results())
                .containsEntry("where", false);
    }

    /** A cycle is rejected by build(), before any task runs, and the message prints the cycle. */
    @Test
    void cycleIsRejectedAndPrinted() {
        AtomicInteger ran = new AtomicInteger();
        TaskGraph.Builder<String> builder = TaskGraph.<String>builder()
                .task("start", NONE, in -> "x" + ran.incrementAndGet())
                .task("a", List.of("start", "b"), in -> "a" + ran.incrementAndGet())
                .task("b", List.of("c"), in -> "b" + ran.incrementAndGet())
                .task("c", List.of("a"), in -> "c" + ran.incrementAndGet());
        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidGraphException.Cycle.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cycle: a -> b -> c -> a")
                .satisfies(e -> assertThat(((InvalidGraphException.Cycle) e).cycle())
                        .containsExactly("a", "b", "c", "a"));
        assertThat(ran).hasValue(0);
    }

    /** A task that depends on itself is the smallest cycle. */
    @Test
    void selfDependencyIsACycle() {
        assertThatThrownBy(
                () -> TaskGraph.<String>builder().task("loop", List.of("loop"), in -> "").build())
                .isInstanceOf(InvalidGraphException.Cycle.class)
                .hasMessageStartingWith("cycle: loop -> loop");
    }

    /** A prerequisite that is not a task is rejected, naming both the task and the missing name. */
    @Test
    void unknownDependencyIsRejected() {
        assertThatThrownBy(() -> TaskGraph.<String>builder()
                .task("compile", List.of("fetch", "codegen"), in -> "")
                .task("fetch", NONE, in -> "")
                .build())
                .isInstanceOf(InvalidGraphException.UnknownDependency.class)
                .hasMessage(
                        "unknown dependency: 'compile' depends on 'codegen', which is not a task");
    }

    /** Two tasks with one name are rejected, naming it. */
    @Test
    void duplicateNameIsRejected() {
        assertThatThrownBy(() -> TaskGraph.<String>builder()
                .task("lint", NONE, in -> "")
                .task("compile", NONE, in -> "")
                .task("lint", NONE, in -> "")
                .build())
                .isInstanceOf(InvalidGraphException.DuplicateName.class)
                .hasMessage("duplicate task name: 'lint'");
    }

    /** CONTINUE: the failed task's dependents (transitively) are skipped; an independent task still runs after it. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void dependentsOfAFailedTaskAreSkipped(ThreadFactory factory) throws Exception {
        TaskThread compile = new TaskThread();
        TaskGraph<String> graph = TaskGraph.<String>builder()
                .task("compile", NONE, in -> {
                    compile.enter();
                    throw new IllegalStateException("syntax error");
                })
                .task("test", List.of("compile"), in -> "passed")
                .task("package", List.of("test"), in -> "jar")
                .task("lint", NONE, in -> {
                    compile.awaitEnd();   // still running after compile's failure is recorded (and would be cancelled)
                    return "clean";
                })
                .task("report", List.of("lint"), in -> "lint report")
                .build();
        ScheduleReport<String> report = run(graph, FailurePolicy.CONTINUE, factory);

        assertThat(report.state("compile")).isEqualTo(TaskState.FAILED);
        assertThat(report.outcome("compile").failure()).hasMessage("syntax error");
        assertThat(report.state("test")).isEqualTo(TaskState.SKIPPED);
        assertThat(report.outcome("test").reason()).isEqualTo("'compile' failed");
        assertThat(report.state("package")).isEqualTo(TaskState.SKIPPED);
        assertThat(report.outcome("package").reason()).isEqualTo("'test' was skipped");
        assertThat(report.state("lint")).isEqualTo(TaskState.SUCCEEDED);
        assertThat(report.state("report")).isEqualTo(TaskState.SUCCEEDED);
        assertThat(report.events())
                .noneMatch(e -> e.task().equals("test") || e.task().equals("package"));
    }

    /** CANCEL: a failure interrupts the running tasks; tasks not started are cancelled, the failed one's dependents skipped. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void cancelPolicyInterruptsRunningTasks(ThreadFactory factory) throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        TaskGraph<String> graph = TaskGraph.<String>builder()
                .task("slow", NONE, in -> blockUntilInterrupted(slowStarted))
                .task("after-slow", List.of("slow"), in -> "never")
                .task("compile", NONE, in -> {
                    await(slowStarted);
                    throw new IllegalStateException("syntax error");
                })
                .task("test", List.of("compile"), in -> "never")
                .build();
        ScheduleReport<String> report = run(graph, FailurePolicy.CANCEL, factory);

        assertThat(report.state("compile")).isEqualTo(TaskState.FAILED);
        assertThat(report.state("slow")).isEqualTo(TaskState.INTERRUPTED);
        assertThat(report.outcome("slow").failure()).isInstanceOf(InterruptedException.class);
        assertThat(report.state("after-slow")).isEqualTo(TaskState.CANCELLED);
        assertThat(report.state("test")).isEqualTo(TaskState.SKIPPED);
    }

    /** The same graph under CONTINUE: nothing is interrupted, so the blocked task must be released to end. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void continuePolicyInterruptsNothing(ThreadFactory factory) throws Exception {
        TaskThread compile = new TaskThread();
        TaskGraph<String> graph = TaskGraph.<String>builder()
                .task("slow", NONE, in -> {
                    compile.awaitEnd();   // ends only after compile's failure is recorded (and would be cancelled)
                    return "done";
                })
                .task("after-slow", List.of("slow"), in -> "ran")
                .task("compile", NONE, in -> {
                    compile.enter();
                    throw new IllegalStateException("syntax error");
                })
                .build();
        ScheduleReport<String> report = run(graph, FailurePolicy.CONTINUE, factory);
        assertThat(report.state("slow")).isEqualTo(TaskState.SUCCEEDED);
        assertThat(report.state("after-slow")).isEqualTo(TaskState.SUCCEEDED);
    }
}
