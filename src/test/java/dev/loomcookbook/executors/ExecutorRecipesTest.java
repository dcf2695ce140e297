package dev.loomcookbook.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.RecipeRun;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Gatherers;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The concurrent.futures recipes on threads: each claim, proven without timing. */
class ExecutorRecipesTest {

    /** map: results in input order up to the slow item, then the timeout, which interrupts it. */
    @Test
    void mapYieldsInOrderThenTimesOutAtTheSlowItem() {
        assertThat(RecipeRun.lines(ExecutorMap.RECIPE)).containsExactly("result 1", "result 4",
                "result 9", "timed out waiting for result 4", "map done");
    }

    /** mapConcurrent keeps input order even when a later item finishes first. */
    @Test
    void mapConcurrentKeepsInputOrder() {
        CountDownLatch secondDone = new CountDownLatch(1);
        List<Integer> results = IntStream.rangeClosed(1, 2).boxed()
                .gather(Gatherers.mapConcurrent(2, x -> {
                    try {
                        if (x == 1) {
                            assertThat(secondDone.await(30, TimeUnit.SECONDS)).isTrue();
                        } else {
                            secondDone.countDown();
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    return x * 10;
                }))
                .toList();
        assertThat(results).containsExactly(10, 20);
    }

    /** mapConcurrent(2) runs two at once (a barrier of two trips) and never more. */
    @Test
    void mapConcurrentRunsUpToItsLimitAtOnce() {
        CyclicBarrier pair = new CyclicBarrier(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> results = IntStream.rangeClosed(1, 6).boxed()
                .gather(Gatherers.mapConcurrent(2, x -> {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    try {
                        pair.await(30, TimeUnit.SECONDS);
                        return x;
                    } catch (Exception e) {
                        throw new AssertionError("two items were not running at once", e);
                    } finally {
                        inside.decrementAndGet();
                    }
                }))
                .toList();
        assertThat(results).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(most).hasValue(2);
    }

    /** A completion service hands futures out in the order they complete, not submission order. */
    @Test
    void completionServiceTakesInCompletionOrder() throws Exception {
        CountDownLatch bDone = new CountDownLatch(1);
        CountDownLatch cDone = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            CompletionService<String> done = new ExecutorCompletionService<>(pool);
            done.submit(() -> {
                cDone.await();
                return "a";
            });
            done.submit(() -> "b");
            assertThat(done.take().get()).isEqualTo("b");
            bDone.countDown();
            done.submit(() -> {
                bDone.await();
                return "c";
            });
            assertThat(done.take().get()).isEqualTo("c");
            cDone.countDown();
            assertThat(done.take().get()).isEqualTo("a");
        }
    }

    /** FIRST_EXCEPTION: firstFailed returns the failed future, or null when none failed. */
    @Test
    void firstFailedFindsTheFailureOrNone() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            CompletionService<String> done = new ExecutorCompletionService<>(pool);
            done.submit(() -> "ok");
            Future<String> failing = done.submit(() -> {
                throw new IllegalStateException("boom");
            });
            assertThat(WaitModes.firstFailed(done, 2)).isSameAs(failing);
            done.submit(() -> "ok again");
            assertThat(WaitModes.firstFailed(done, 1)).isNull();
        }
    }

    /** exceptionNow() throws for a future that succeeded, where Python's exception() is None. */
    @Test
    void exceptionNowThrowsForASuccess() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(1)) {
            Future<Integer> ok = pool.submit(() -> 42);
            assertThat(ok.get()).isEqualTo(42);
            assertThatThrownBy(ok::exceptionNow).isInstanceOf(IllegalStateException.class);
        }
        assertThat(RecipeRun.lines(FutureOutcome.RECIPE)).containsExactly("ok: SUCCESS 42",
                "bad: FAILED IllegalArgumentException: boom");
    }

    /** The initializing thread factory runs once per worker thread, before its tasks. */
    @Test
    void initializerRunsOncePerWorkerThread() {
        assertThat(RecipeRun.lines(PoolInitializer.RECIPE)).containsExactly(
                "two connections: true", "initializer ran 2 times");
    }

    /** cancel(false) on a running task marks it cancelled although it runs on: the JDK trap. */
    @Test
    void cancelFalseMarksARunningTaskCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(1)) {
            Future<?> running = pool.submit(() -> {
                started.countDown();
                release.await();
                return finished.incrementAndGet();
            });
            started.await();
            assertThat(running.cancel(false)).isTrue();
            assertThat(running.isCancelled()).isTrue();
            release.countDown();
        }
        assertThat(finished).hasValue(1);
    }

    /** Draining the queue cancels the three queued jobs and lets the running one finish. */
    @Test
    void drainingTheQueueCancelsOnlyTheQueuedJobs() {
        assertThat(RecipeRun.lines(ShutdownCancelFutures.RECIPE)).containsExactly(
                "running job: finished", "cancelled: 3");
    }
}
