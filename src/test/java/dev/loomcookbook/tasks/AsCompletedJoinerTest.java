package dev.loomcookbook.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.RecipeRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link AsCompletedJoiner}: asyncio.as_completed, with the completion order forced by latches. */
class AsCompletedJoinerTest {

    /** Bounded wait for a completion: a safety net against hangs, never a timing guess. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("latch not released within 30 s");
        }
    }

    /** Subtasks are handed out in the order they complete, not the order they were forked. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void yieldsInCompletionOrder(ThreadFactory factory) throws Exception {
        CountDownLatch releaseA = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        var asCompleted = new AsCompletedJoiner<String>();
        List<String> order = new ArrayList<>();
        List<Integer> forkIndexes = new ArrayList<>();
        try (var scope =
                StructuredTaskScope.open(asCompleted, cf -> cf.withThreadFactory(factory))) {
            scope.fork(() -> {
                await(releaseA);
                return "a";
            });
            scope.fork(() -> {
                await(releaseB);
                return "b";
            });
            scope.fork(() -> "c");
            // c can complete at once; a only after c was handed out; b only after a was.
            var first = asCompleted.next(WAIT);
            releaseA.countDown();
            var second = asCompleted.next(WAIT);
            releaseB.countDown();
            var third = asCompleted.next(WAIT);
            for (var c : List.of(first, second, third)) {
                order.add(c.get());
                forkIndexes.add(c.forkIndex());
            }
            assertThat(asCompleted.hasNext()).isFalse();
            scope.join();
        }
        assertThat(order).containsExactly("c", "a", "b");
        assertThat(forkIndexes).containsExactly(2, 0, 1);
    }

    /** A failed subtask is handed over like a result: get() rethrows its exception, and nothing is cancelled. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void failureIsHandedOverNotCancelling(ThreadFactory factory) throws Exception {
        CountDownLatch failureSeen = new CountDownLatch(1);
        var asCompleted = new AsCompletedJoiner<String>();
        try (var scope =
                StructuredTaskScope.open(asCompleted, cf -> cf.withThreadFactory(factory))) {
            scope.fork(() -> {
                throw new IllegalStateException("boom");
            });
            scope.fork(() -> {
                await(failureSeen);   // still running after the failure: the scope was not cancelled
                return "survivor";
            });
            var failed = asCompleted.next(WAIT);
            assertThat(failed.state()).isEqualTo(Subtask.State.FAILED);
            assertThatThrownBy(failed::get).isInstanceOf(IllegalStateException.class)
                    .hasMessage("boom");
            failureSeen.countDown();
            assertThat(asCompleted.next(WAIT).get()).isEqualTo("survivor");
            scope.join();
            assertThat(scope.isCancelled()).isFalse();
        }
    }

    /** next(timeout) with nothing completed throws TimeoutException and leaves the subtask running. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void nextWithTimeoutThrowsWhenNothingCompletes(ThreadFactory factory) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        var asCompleted = new AsCompletedJoiner<String>();
        try (var scope =
                StructuredTaskScope.open(asCompleted, cf -> cf.withThreadFactory(factory))) {
            scope.fork(() -> {
                await(release);   // cannot complete before the timeout below
                return "late";
            });
            assertThatThrownBy(() -> asCompleted.next(Duration.ofMillis(1)))
                    .isInstanceOf(TimeoutException.class);
            assertThat(asCompleted.hasNext()).isTrue();
            release.countDown();
            assertThat(asCompleted.next(WAIT).get()).isEqualTo("late");
            scope.join();
        }
    }

    /** Asking for more than was forked is an error, not a hang. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void nextAfterTheLastThrows(ThreadFactory factory) throws Exception {
        var asCompleted = new AsCompletedJoiner<String>();
        try (var scope =
                StructuredTaskScope.open(asCompleted, cf -> cf.withThreadFactory(factory))) {
            scope.fork(() -> "only");
            assertThat(asCompleted.next().get()).isEqualTo("only");
            assertThatThrownBy(asCompleted::next).isInstanceOf(NoSuchElementException.class);
            scope.join();
        }
    }

    /**
     * Each completion carries the very subtask fork() returned (3.13's as_completed yields the
     * original tasks), so the owner knows which one completed.
     */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void handsOverTheOriginalSubtasks(ThreadFactory factory) throws Exception {
        CountDownLatch releaseFirst = new CountDownLatch(1);
        var asCompleted = new AsCompletedJoiner<String>();
        try (var scope =
                StructuredTaskScope.open(asCompleted, cf -> cf.withThreadFactory(factory))) {
            Subtask<String> first = scope.fork(() -> {
                await(releaseFirst);
                return "first";
            });
            Subtask<String> second = scope.fork(() -> "second");
            var done = asCompleted.next(WAIT);                 // second: first waits for it
            releaseFirst.countDown();
            var then = asCompleted.next(WAIT);
            assertThat(done.subtask()).isSameAs(second);
            assertThat(then.subtask()).isSameAs(first);
            assertThat(done.subtask().state()).isEqualTo(Subtask.State.SUCCESS);
            scope.join();
        }
    }

    /** The recipe: each square is handed over with the task it came from. */
    @Test
    void asCompletedTasksRecipeNamesEachTask() {
        assertThat(RecipeRun.lines(AsCompletedTasks.RECIPE))
                .containsExactlyInAnyOrder("as_completed yields the task for 1: 1",
                        "as_completed yields the task for 2: 4",
                        "as_completed yields the task for 3: 9");
    }
}
