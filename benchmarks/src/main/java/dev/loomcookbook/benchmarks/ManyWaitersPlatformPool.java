package dev.loomcookbook.benchmarks;

import java.util.concurrent.CountDownLatch;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Many waiters on a bounded platform pool: the {@link ManyWaiters} workload (each task sleeps
 * {@code sleepMs} in its own timed wait) on a fixed pool of {@code poolSize} platform threads, the
 * way a {@code ThreadPoolExecutor(max_workers=200)} would run it.
 *
 * <p>Why: to show honestly what a bounded pool does with waiting work: only {@code poolSize} tasks
 * wait at once, so a batch takes about {@code waiters / poolSize * sleepMs} (10k: 5 s, 100k:
 * 50 s). The 1M size is not run: it would take about 500 s per batch and says nothing new. One
 * platform thread per task is not an option either: a million OS threads do not fit.
 *
 * <p>The pool is started once per trial (warm); each operation submits every task and waits on
 * a latch until all have finished; the count of finished tasks is returned.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:exec@benchmarks}, or JMH's {@code Main ManyWaitersPlatformPool}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Benchmark)
public class ManyWaitersPlatformPool {

    @Param({"10000", "100000"})
    public int waiters;

    @Param("100")
    public long sleepMs;

    @Param("200")
    public int poolSize;

    private ExecutorService pool;

    @Setup
    public void startPool() {
        pool = Executors.newFixedThreadPool(poolSize);
    }

    @TearDown
    public void stopPool() {
        pool.close();
    }

    @Benchmark
    public long platformPool() throws InterruptedException {
        LongAdder finished = new LongAdder();
        CountDownLatch done = new CountDownLatch(waiters);
        for (int i = 0; i < waiters; i++) {
            pool.execute(() -> {
                ManyWaiters.sleep(sleepMs);
                finished.increment();
                done.countDown();
            });
        }
        done.await();
        return finished.sum();
    }
}
