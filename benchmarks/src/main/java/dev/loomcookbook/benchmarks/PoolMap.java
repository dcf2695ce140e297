package dev.loomcookbook.benchmarks;

import dev.loomcookbook.pooling.ProcessPool;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * {@code ProcessPool.map} over many trivial items ({@code x -> x + 1}) on a warm pool of one
 * worker per core, at CPython's chunk sizes 1, 100 and 1000: the time of one whole map.
 *
 * <p>Why: a process pool's fixed cost per message (serializing, two pipes, two processes' thread
 * wake-ups) dwarfs a trivial item; {@code chunksize} spreads it over many items, which is the
 * lesson of {@code Executor.map(fn, items, chunksize=N)}. At chunk size 1 this measures the
 * round trip with two workers pipelined; at 1000, mostly the per-item work of encoding and
 * decoding. The items and results are {@code Integer}s, which the pool sends in a compact form
 * (records would be serialized, and cost more per item). Every result is summed and the sum is
 * checked and returned, so no work can be skipped. The pool is created once per trial and warmed
 * by one map, so no measured map includes a JVM start.
 *
 * <p>The comparison with CPython's {@code ProcessPoolExecutor.map} runs through
 * {@link Comparison} ({@code benchmarks/python/pool_map.py}, cases {@code map-1}, {@code map-100},
 * {@code map-1000}), timed the same way on both sides.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(JmhSettings.FORKS) // JVM flags: JmhSettings.JVM_ARGS
@State(Scope.Benchmark)
public class PoolMap {

    /** Items per map (CPython's comparison: 100,000). */
    @Param("100000")
    public int mapItems;

    /** Items per message. */
    @Param({"1", "100", "1000"})
    public int chunksize;

    private ProcessPool pool;
    private List<Integer> items;

    @Setup
    public void startPool() throws Exception {
        pool = ProcessPools.create(Runtime.getRuntime().availableProcessors());
        items = ProcessPools.items(mapItems);
        ProcessPools.mapSum(pool, items, chunksize); // warm: workers up, their JIT going
    }

    @TearDown
    public void stopPool() {
        pool.close();
    }

    /** One map over all the items; the sum of its results. */
    @Benchmark
    public long map() throws Exception {
        return ProcessPools.mapSum(pool, items, chunksize);
    }
}
