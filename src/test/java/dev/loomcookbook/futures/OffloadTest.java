package dev.loomcookbook.futures;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Offload.call is run_in_executor: the function runs on the pool's threads, the caller waits. */
class OffloadTest {

    /** The pools CPU work is offloaded to: a fixed platform pool and a ForkJoinPool. */
    static Stream<Arguments> pools() {
        return Stream.of(
                Arguments.argumentSet("fixed platform pool", (Supplier<ExecutorService>) () -> Executors.newFixedThreadPool(2)),
                Arguments.argumentSet("ForkJoinPool", (Supplier<ExecutorService>) () -> new ForkJoinPool(2)));
    }

    /** Called from a virtual thread, the offloaded CPU work runs on a platform (non-virtual) pool thread. */
    @ParameterizedTest
    @MethodSource("pools")
    void offloadRunsCpuWorkOnPlatformThreads(Supplier<ExecutorService> poolFactory) throws Exception {
        AtomicReference<Boolean> callerIsVirtual = new AtomicReference<>();
        AtomicReference<Boolean> workIsVirtual = new AtomicReference<>();
        AtomicReference<Thread> worker = new AtomicReference<>();
        CpuTask task = new CpuTask(3, 100_000);

        long result;
        try (ExecutorService pool = poolFactory.get();
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> call = callers.submit(() -> {
                callerIsVirtual.set(Thread.currentThread().isVirtual());
                return Offload.call(pool, () -> {
                    workIsVirtual.set(Thread.currentThread().isVirtual());
                    worker.set(Thread.currentThread());
                    return task.call();
                });
            });
            result = call.get(30, SECONDS);
        }

        assertThat(callerIsVirtual).as("the caller is a virtual thread").hasValue(true);
        assertThat(workIsVirtual).as("the CPU work ran on a platform thread").hasValue(false);
        assertThat(result).isEqualTo(task.expected());
    }
}
