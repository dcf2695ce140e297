package dev.loomcookbook.pooling;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.common.CpuWork;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** newFixedThreadPool(n) and ForkJoinPool(n) run n CPU tasks at the same time (no GIL). */
class ThreadPoolParallelismTest {

    /** A fixed pool of 2 and a ForkJoinPool of parallelism 2. */
    static Stream<Arguments> pools() {
        return Stream.of(
                Arguments.argumentSet("newFixedThreadPool(2)",
                        (Supplier<ExecutorService>) () -> Executors.newFixedThreadPool(2)),
                Arguments.argumentSet("ForkJoinPool(2)",
                        (Supplier<ExecutorService>) () -> new ForkJoinPool(2)));
    }

    /** Two CPU tasks are running at once: a spinning barrier for two trips only if both are on a thread together. */
    @ParameterizedTest
    @MethodSource("pools")
    void twoCpuTasksRunAtOnce(Supplier<ExecutorService> poolFactory) throws Exception {
        // Spinning, not blocking: a blocked ForkJoinPool worker could be compensated by a spare thread,
        // so a blocking barrier would trip even on a pool of parallelism 1.
        SpinBarrier barrier = new SpinBarrier(2);
        List<Future<Boolean>> tasks = new ArrayList<>();
        try (ExecutorService pool = poolFactory.get()) {
            for (int i = 0; i < 2; i++) {
                long item = i;
                tasks.add(pool.submit(() -> {
                    CpuWork.count(item, 100_000);
                    return barrier.await();
                }));
            }
            for (Future<Boolean> task : tasks) {
                assertThat(task.get(60, SECONDS)).as("both tasks were running at once").isTrue();
            }
        }
    }

    /** Counts arrivals and spins (computing, never blocking) until all parties arrived or a 30 s safety net passes. */
    private record SpinBarrier(int parties, AtomicInteger arrived) {
        SpinBarrier(int parties) {
            this(parties, new AtomicInteger());
        }

        boolean await() {
            arrived.incrementAndGet();
            long giveUp = System.nanoTime() + SECONDS.toNanos(30);
            while (arrived.get() < parties) {
                if (System.nanoTime() - giveUp > 0) {
                    return false;
                }
                Thread.onSpinWait();
            }
            return true;
        }
    }
}
