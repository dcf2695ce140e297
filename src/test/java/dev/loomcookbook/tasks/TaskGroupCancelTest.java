package dev.loomcookbook.tasks;

import static dev.loomcookbook.testing.Latches.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.Latches;
import dev.loomcookbook.testing.RecipeRun;
import dev.loomcookbook.testing.TaskThread;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TaskGroupCancel}: {@code Joiner.allUntil} with a condition (a quorum) ends a scope early
 * and without an error, as Python 3.15's {@code tg.cancel()} does.
 */
class TaskGroupCancelTest {

    /**
     * The first answer does not cancel; the second, which makes the quorum, does: the subtask
     * still running is interrupted, and join() returns normally.
     */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void theQuorumCancelsTheRest(ThreadFactory factory) throws Exception {
        TaskThread first = new TaskThread();
        CountDownLatch secondMayAnswer = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        try (var scope = StructuredTaskScope.open(Joiner.allUntil(TaskGroupCancel.quorum(2)),
                cf -> cf.withThreadFactory(factory))) {
            Subtask<String> a = scope.fork(() -> {
                first.enter();
                return "a";
            });
            Subtask<String> b = scope.fork(() -> {
                await(secondMayAnswer);
                return "b";
            });
            Subtask<String> c =
                    scope.fork(() -> Latches.<String>blockUntilInterrupted(interrupted));
            first.awaitEnd();                                   // a's answer has been counted
            assertThat(scope.isCancelled()).as("one answer is no quorum").isFalse();
            assertThat(interrupted.getCount()).isOne();
            secondMayAnswer.countDown();
            List<Subtask<String>> all = scope.join().toList();
            assertThat(scope.isCancelled()).isTrue();
            assertThat(all).containsExactly(a, b, c);
            assertThat(all).extracting(Subtask::state).containsExactly(Subtask.State.SUCCESS,
                    Subtask.State.SUCCESS, Subtask.State.UNAVAILABLE);
            await(interrupted);
        }
    }

    /**
     * A failure does not count toward the quorum and, unlike in a TaskGroup, cancels nothing:
     * join() returns the failed subtask with the others.
     */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void aFailureNeitherCountsNorCancels(ThreadFactory factory) throws Exception {
        TaskThread failing = new TaskThread();
        TaskThread answering = new TaskThread();
        CountDownLatch lastMayEnd = new CountDownLatch(1);
        try (var scope = StructuredTaskScope.open(Joiner.allUntil(TaskGroupCancel.quorum(2)),
                cf -> cf.withThreadFactory(factory))) {
            Subtask<String> failed = scope.fork(() -> {
                failing.enter();
                throw new IllegalStateException("boom");
            });
            scope.fork(() -> {
                answering.enter();
                return "a";
            });
            Subtask<String> last = scope.fork(() -> {
                await(lastMayEnd);
                return "late";
            });
            failing.awaitEnd();
            answering.awaitEnd();
            assertThat(scope.isCancelled()).isFalse();
            lastMayEnd.countDown();                             // the second success: the quorum
            scope.join();
            assertThat(failed.state()).isEqualTo(Subtask.State.FAILED);
            assertThat(last.get()).isEqualTo("late");
        }
    }

    /** The recipe: a and b answer, c is cancelled, and the answers come in fork order. */
    @Test
    void recipePrintsTheQuorum() {
        List<String> lines = RecipeRun.lines(TaskGroupCancel.RECIPE);
        assertThat(lines.subList(0, 2)).containsExactlyInAnyOrder("a finished after 1 step(s)",
                "b finished after 2 step(s)");
        assertThat(lines.subList(2, lines.size())).containsExactly("c was cancelled",
                "answers: [a, b]");
    }
}
