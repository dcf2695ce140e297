package dev.loomcookbook.futures;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.pooling.ProcessPool;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Offload.call is run_in_executor: the function runs on the pool's threads (or processes), the caller waits. */
class OffloadTest {

    /** A pool and every thread it has created, so a test can tell its threads from any other. */
    record RecordingPool(ExecutorService pool, Set<Thread> threads) {}

    /** The pools CPU work is offloaded to: a fixed platform pool and a ForkJoinPool, each recording its threads. */
    static Stream<Arguments> pools() {
        Supplier<RecordingPool> fixed = () -> {
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            return new RecordingPool(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r);
                threads.add(t);
                return t;
            }), threads);
        };
        Supplier<RecordingPool> forkJoin = () -> {
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            return new RecordingPool(new ForkJoinPool(2, p -> {
                Thread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                threads.add(t);
                return (java.util.concurrent.ForkJoinWorkerThread) t;
            }, null, false), threads);
        };
        return Stream.of(Arguments.argumentSet("fixed platform pool", fixed),
                Arguments.argumentSet("ForkJoinPool", forkJoin));
    }

    /** Called from a virtual thread, the offloaded CPU work runs on a platform thread of that pool. */
    @ParameterizedTest
    @MethodSource("pools")
    void offloadRunsCpuWorkOnThePoolsPlatformThreads(Supplier<RecordingPool> poolFactory)
            throws Exception {
        AtomicReference<Boolean> callerIsVirtual = new AtomicReference<>();
        AtomicReference<Thread> worker = new AtomicReference<>();
        CpuTask task = new CpuTask(3, 100_000);
        RecordingPool recording = poolFactory.get();

        long result;
        try (ExecutorService pool = recording.pool();
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> call = callers.submit(() -> {
                callerIsVirtual.set(Thread.currentThread().isVirtual());
                return Offload.call(pool, () -> {
                    worker.set(Thread.currentThread());
                    return task.call();
                });
            });
            result = call.get(30, SECONDS);
        }

        assertThat(callerIsVirtual).as("the caller is a virtual thread").hasValue(true);
        assertThat(recording.threads()).as("the CPU work ran on a thread of the pool")
                .contains(worker.get());
        assertThat(worker.get().isVirtual()).as("a platform thread").isFalse();
        assertThat(result).isEqualTo(task.expected());
    }

    /** Offload.call(new ProcessPool(n), task) runs the task in another process, a child of this one. */
    @Test
    void offloadToAProcessPoolRunsTheTaskInAChildProcess() throws Exception {
        long me = ProcessHandle.current().pid();
        long[] pidAndParent;
        try (ProcessPool pool = new ProcessPool(1);
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            pidAndParent = callers.submit(() -> Offload.call(pool,
                    (ProcessPool.Task<long[]>) () -> new long[] {
                        ProcessHandle.current().pid(),
                        ProcessHandle.current().parent().orElseThrow().pid()}))
                    .get(30, SECONDS);
        }
        assertThat(pidAndParent[0]).as("the task's PID").isNotEqualTo(me);
        assertThat(pidAndParent[1]).as("the task's parent PID").isEqualTo(me);
    }
}
