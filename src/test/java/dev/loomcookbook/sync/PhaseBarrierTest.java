package dev.loomcookbook.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.RecipeRun;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link PhaseBarrier}: a CyclicBarrier is asyncio.Barrier, with three differences. */
class PhaseBarrierTest {

    /** The run's lines: every round's work, then its barrier action, then the next round's work. */
    @Test
    void eachRoundEndsWithTheActionBeforeTheNextBegins() throws Exception {
        List<String> lines = RecipeRun.lines(PhaseBarrier.RECIPE);
        int round1 = lines.indexOf("round 1: all 3 finished");
        int round2 = lines.indexOf("round 2: all 3 finished");
        assertThat(lines).hasSize(2 * PhaseBarrier.WORKERS + 2);
        assertThat(lines.subList(0, round1)).containsExactlyInAnyOrder(
                "a finished round 1", "b finished round 1", "c finished round 1");
        assertThat(lines.subList(round1 + 1, round2)).containsExactlyInAnyOrder(
                "a finished round 2", "b finished round 2", "c finished round 2");
        assertThat(round2).isEqualTo(lines.size() - 1);
    }

    /** Two of three workers wait, parked, at the barrier; only the third lets them on. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void noWorkerPassesUntilTheLastArrives(ThreadFactory factory) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(3);
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(factory)) {
            List<Future<Integer>> early = IntStream.range(0, 2)
                    .mapToObj(i -> threads.submit(() -> barrier.await())).toList();
            Waits.until("two wait at the barrier", () -> barrier.getNumberWaiting() == 2);
            assertThat(early).noneMatch(Future::isDone);
            barrier.await();
            for (Future<Integer> f : early) {
                f.get();
            }
        }
        assertThat(barrier.getNumberWaiting()).as("the barrier is ready for the next round")
                .isZero();
    }

    /** await() counts down: the first to arrive gets parties - 1, the last 0 (Python: 0, 1, 2). */
    @Test
    void arrivalIndicesCountDown() throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(3);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> first = threads.submit(() -> barrier.await());
            Waits.until("the first waits", () -> barrier.getNumberWaiting() == 1);
            Future<Integer> second = threads.submit(() -> barrier.await());
            Waits.until("the second waits", () -> barrier.getNumberWaiting() == 2);
            int last = barrier.await();
            assertThat(List.of(first.get(), second.get(), last)).containsExactly(2, 1, 0);
        }
    }

    /**
     * An interrupted waiter breaks the barrier for everyone (a cancelled Python waiter just
     * leaves): the other waiter fails, so does every later arrival, until reset().
     */
    @Test
    void anInterruptedWaiterBreaksTheBarrierForAll() throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(3);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> other = threads.submit(() -> barrier.await());
            Waits.until("one waits", () -> barrier.getNumberWaiting() == 1);
            Future<Integer> interrupted = threads.submit(() -> barrier.await());
            Waits.until("two wait", () -> barrier.getNumberWaiting() == 2);
            interrupted.cancel(true);
            assertThatThrownBy(other::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(BrokenBarrierException.class);
            assertThat(barrier.isBroken()).isTrue();
            assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class);
            barrier.reset();
            assertThat(barrier.isBroken()).isFalse();
        }
    }

    /** reset() is Python's reset(): the waiter gets the broken-barrier error; it works again. */
    @Test
    void resetBreaksTheWaitersAndLeavesTheBarrierUsable() throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> waiter = threads.submit(() -> barrier.await());
            Waits.until("one waits", () -> barrier.getNumberWaiting() == 1);
            barrier.reset();
            assertThatThrownBy(waiter::get).hasCauseInstanceOf(BrokenBarrierException.class);
            assertThat(barrier.isBroken()).isFalse();
            Future<Integer> next = threads.submit(() -> barrier.await());
            barrier.await();
            next.get();
        }
    }
}
