package dev.loomcookbook.benchmarks;

import dev.loomcookbook.common.CpuWork;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
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
 * CPU fan-out: the book's pooling workload, {@code count(item)} for items 1..{@code tasks}, run
 * sequentially and on every kind of pool; the time of one whole batch.
 *
 * <p>Why: this is the question the pooling script asks. In CPython threads give nothing (the GIL)
 * and processes help; on the JVM platform threads, the ForkJoinPool, parallel streams and virtual
 * threads all use every core, and the process pool pays for serialization and pipes. The report
 * divides the sequential time by each pool's time (the speed-up) and prints the core count next
 * to it: that is the physical limit.
 *
 * <p>Traps avoided: {@link CpuWork#count} is a kernel the JIT cannot fold (its time is linear in
 * {@code iterations}) and every result is summed and returned. Virtual threads run CPU work on
 * as many carriers as there are cores, so with 10 tasks they measure the scheduler spreading
 * work, not starvation: nothing else is waiting for a carrier. Pools are created in the trial
 * setup, so they are warm (threads started, child JVMs started and their JIT warmed by the
 * warmup iterations); creating a pool is not part of the measured time.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:exec@benchmarks} (everything), or with JMH's own
 * options, e.g. {@code ./mvnw -q test-compile exec:exec@benchmarks -Dbenchmarks.args="jmh CpuFanOut -p iterations=1000000"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(JmhSettings.FORKS) // JVM flags: JmhSettings.JVM_ARGS
@State(Scope.Benchmark)
public class CpuFanOut {

    /** Items 1..tasks, like the book's ten. */
    @Param("10")
    public int tasks;

    /** Loop length of one {@code count(item)}: the book's 10,000,000. */
    @Param("10000000")
    public long iterations;

    private ExecutorService pool5;
    private ExecutorService poolCores;
    private ForkJoinPool forkJoin;
    private ExecutorService processPool5;
    private ExecutorService processPoolCores;

    @Setup
    public void startPools() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        pool5 = Executors.newFixedThreadPool(5);
        poolCores = Executors.newFixedThreadPool(cores);
        forkJoin = new ForkJoinPool(cores);
        processPool5 = ProcessPools.create(5);
        processPoolCores = ProcessPools.create(cores);
        // Wait until the child JVMs are up, so that no measured batch includes their start.
        fanOut(processPool5);
        fanOut(processPoolCores);
    }

    @TearDown
    public void stopPools() {
        pool5.close();
        poolCores.close();
        forkJoin.close();
        processPool5.close();
        processPoolCores.close();
    }

    @Benchmark
    public long sequential() {
        long sum = 0;
        for (int item = 1; item <= tasks; item++) {
            sum += CpuWork.count(item, iterations);
        }
        return sum;
    }

    @Benchmark
    public long platformPool5() throws Exception {
        return fanOut(pool5);
    }

    @Benchmark
    public long platformPoolCores() throws Exception {
        return fanOut(poolCores);
    }

    @Benchmark
    public long forkJoinPool() throws Exception {
        return fanOut(forkJoin);
    }

    @Benchmark
    public long parallelStream() {
        long n = iterations;
        return LongStream.rangeClosed(1, tasks).parallel().map(item -> CpuWork.count(item, n))
                .sum();
    }

    @Benchmark
    public long virtualThreads() throws Exception {
        try (ExecutorService perTask = Executors.newVirtualThreadPerTaskExecutor()) {
            return fanOut(perTask);
        }
    }

    /** A warm pool of 5 child JVMs: each task and result is serialized through a pipe. */
    @Benchmark
    public long processPool5() throws Exception {
        return fanOut(processPool5);
    }

    /** A warm pool of one child JVM per core. */
    @Benchmark
    public long processPoolCores() throws Exception {
        return fanOut(processPoolCores);
    }

    /** Submits count(1..tasks) and sums the results. */
    long fanOut(ExecutorService executor) throws InterruptedException, ExecutionException {
        List<Future<Long>> futures = new ArrayList<>(tasks);
        for (int item = 1; item <= tasks; item++) {
            futures.add(executor.submit(countTask(item, iterations)));
        }
        long sum = 0;
        for (Future<Long> f : futures) {
            sum += f.get();
        }
        return sum;
    }

    /** Serializable, so the same task runs in a thread or in a child JVM. */
    static Callable<Long> countTask(long item, long iterations) {
        return ProcessPools.countTask(item, iterations);
    }
}
