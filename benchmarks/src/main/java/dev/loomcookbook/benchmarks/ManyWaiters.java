package dev.loomcookbook.benchmarks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Many waiters on virtual threads: start {@code waiters} tasks (10k, 100k, 1M), each blocking in
 * its own {@code Thread.sleep(sleepMs)}, and wait until all have ended; one virtual thread per
 * task, like one asyncio task per {@code await asyncio.sleep(...)}.
 *
 * <p>Why: this is asyncio's home ground (a million coroutines that mostly wait). The ideal time is
 * the sleep itself; everything above it is the cost of creating, parking, timing out and unparking
 * the waiters. {@link ManyWaitersPlatformPool} runs the same workload on a bounded platform pool.
 * Memory: the full run adds {@code -prof gc} (bytes allocated per operation); peak RSS comes
 * from a fresh process per size ({@link SideBySide} {@code sleepers}, next to CPython asyncio).
 *
 * <p>Each operation is one whole batch ({@code SingleShotTime}): a per-task executor is opened,
 * every waiter is started, and closing the executor waits for all of them. The returned count of
 * finished waiters proves they all ran. Sleeping threads use no carrier, so this does not measure
 * carrier starvation; the two carriers are busy only while threads are created and woken.
 *
 * <p>At 1M waiters the cost is mostly garbage collection: every sleeping virtual thread's stack
 * lives in the heap and survives, so each young collection copies all of them (G1 logged about 6 s
 * of pauses for one 1M batch on a loaded 2-core machine). {@link #virtualThreadsLargeYoungGen}
 * runs the identical workload with {@code -Xmn2g}, a young generation large enough that no
 * collection happens during the batch: same code, one JVM option.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:exec@benchmarks}, or JMH's {@code Main ManyWaiters -prof gc}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Benchmark)
public class ManyWaiters {

    @Param({"10000", "100000", "1000000"})
    public int waiters;

    /** Each waiter's own timed wait. */
    @Param("100")
    public long sleepMs;

    @Benchmark
    public long virtualThreads() {
        LongAdder finished = new LongAdder();
        try (ExecutorService perTask = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < waiters; i++) {
                perTask.execute(() -> {
                    sleep(sleepMs);
                    finished.increment();
                });
            }
        }
        return finished.sum();
    }

    /** The same workload in a JVM with {@code -Xmn2g}: no young collection during a batch. */
    @Benchmark
    @Fork(value = 1,
            jvmArgsAppend = {"--enable-preview", "--sun-misc-unsafe-memory-access=allow", "-Xmn2g"})
    public long virtualThreadsLargeYoungGen() {
        return virtualThreads();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
