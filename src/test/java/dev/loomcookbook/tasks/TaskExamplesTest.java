package dev.loomcookbook.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each {@code tasks --example NAME}, run in-process: it exits 0 and prints its claim. */
class TaskExamplesTest {

    private static String run(String example) {
        CliRun run = CliRun.of(new TasksDemo(), "--example", example);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("--- " + example + ": ").contains("  Python:").contains("  Java 25:");
        return run.out();
    }

    /** create_task: the subtask runs on a virtual thread while the owner goes on; join then get gives the value. */
    @Test
    void createTask() {
        assertThat(run("create-task")).contains("runs on a virtual thread: true")
                .contains("main goes on while the task runs").contains("=> task.get() = 42");
    }

    /** gather: results come back in fork order. */
    @Test
    void gather() {
        assertThat(run("gather")).contains("=> results = [a, b, c]");
    }

    /** gather(return_exceptions=True): the failure sits in its place among the values. */
    @Test
    void gatherReturnExceptions() {
        assertThat(run("gather-return-exceptions"))
                .contains("subtask 2: FAILED IllegalArgumentException('boom')")
                .contains("=> results = [1, IllegalArgumentException('boom'), 3]");
    }

    /** wait(FIRST_COMPLETED): the fast one is done, the slow one is left unfinished and interrupted. */
    @Test
    void waitFirstCompleted() {
        assertThat(run("wait-first-completed")).contains("fast: SUCCESS 'fast result'").contains("slow: UNAVAILABLE")
                .contains("=> done = [fast], pending = [slow]; slow was interrupted: true");
    }

    /** wait(ALL_COMPLETED): every task ends, the one after the failure included. */
    @Test
    void waitAllCompleted() {
        assertThat(run("wait-all-completed")).contains("a: SUCCESS, b: FAILED (b), c: SUCCESS")
                .contains("=> done = 3 of 3, pending = 0");
    }

    /** wait_for: the scope's timeout raises StructuredTaskScope.TimeoutException and interrupts; a fast task returns. */
    @Test
    void waitFor() {
        assertThat(run("wait-for")).contains("join threw StructuredTaskScope.TimeoutException")
                .contains("slow() was interrupted: true").contains("fast() = 'fast result'");
    }

    /** as_completed: every task is yielded once (the order itself is proven by AsCompletedJoinerTest). */
    @Test
    void asCompleted() {
        String out = run("as-completed");
        assertThat(out).contains("as_completed yields a (forked as #1)").contains("as_completed yields b (forked as #2)")
                .contains("as_completed yields c (forked as #3)");
        Matcher m = Pattern.compile("=> yielded \\[(\\w), (\\w), (\\w)]").matcher(out);
        assertThat(m.find()).as("the yielded line").isTrue();
        assertThat(java.util.List.of(m.group(1), m.group(2), m.group(3))).containsExactlyInAnyOrder("a", "b", "c");
    }

    /** TaskGroup: the failure reaches join as FailedException and the sibling is interrupted. */
    @Test
    void taskGroup() {
        assertThat(run("task-group")).contains("join threw FailedException, cause java.lang.IllegalArgumentException: boom")
                .contains("slow() was interrupted: true");
    }

    /** Task.cancel: in both forms only the cancelled task ends early; the other finishes. */
    @Test
    void cancel() {
        assertThat(run("cancel")).contains("(a) executor: task.state() = CANCELLED, other.get() = other")
                .contains("(b) nested scope: task FAILED with CancellationException, other SUCCESS = other");
    }

    /** shield: the waiting subtask is interrupted, the work outlives the scope and completes. */
    @Test
    void shield() {
        assertThat(run("shield")).contains("the waiting subtask was interrupted: true")
                .contains("scope closed; save() done yet: false").contains("=> after saver.close(): save() completed: true");
    }

    /** Semaphore: all ten finish and never more than three are inside at once (a broken limit shows a peak over 3). */
    @Test
    void semaphore() {
        String out = run("semaphore");
        Matcher m = Pattern.compile("=> 10 finished; peak inside the semaphore: (\\d+) \\(limit 3\\)").matcher(out);
        assertThat(m.find()).as("the result line").isTrue();
        assertThat(Integer.parseInt(m.group(1))).isLessThanOrEqualTo(3);
    }

    /** Queue: every item produced is consumed exactly once. */
    @Test
    void queue() {
        assertThat(run("queue")).contains("=> consumed 6 items, total = 21");
    }

    /** contextvars: subtasks see the ScopedValue; a plain thread and the code outside do not. */
    @Test
    void contextvars() {
        assertThat(run("contextvars")).contains("subtask 1 sees req-42").contains("subtask 2 sees req-42")
                .contains("a plain new thread sees (unbound)").contains("the caller, after the call sees (unbound)");
    }

    /** Every example has a test here: the list and the tests above do not drift apart. */
    @Test
    void everyExampleIsCovered() {
        var tested = java.util.Arrays.stream(TaskExamplesTest.class.getDeclaredMethods())
                .filter(mt -> mt.isAnnotationPresent(Test.class)).map(mt -> mt.getName().toLowerCase())
                .toList();
        for (var example : TaskExamples.all()) {
            assertThat(tested).as("a test for " + example.name()).contains(example.name().replace("-", "").toLowerCase());
        }
    }
}
