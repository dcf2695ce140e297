package dev.loomcookbook.benchmarks;

import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.pooling.MapResults;
import dev.loomcookbook.pooling.ProcessPool;
import java.util.List;
import java.util.concurrent.Callable;

/** Tasks a process pool can ship to a child JVM (serializable lambdas), and the pool itself. */
final class ProcessPools {

    private ProcessPools() {}

    /** A process pool of {@code workers} child JVMs with the pool's default worker options. */
    static ProcessPool create(int workers) {
        return new ProcessPool(workers);
    }

    /** The book's {@code count(item)} as a serializable task. */
    static Callable<Long> countTask(long item, long iterations) {
        ProcessPool.Task<Long> task = () -> CpuWork.count(item, iterations);
        return task;
    }

    /** A trivial serializable task: returns 42 (a static field, so nothing can fold it). */
    static Callable<Long> trivialTask() {
        ProcessPool.Task<Long> task = () -> SideBySide.answer;
        return task;
    }

    /** The map benchmarks' trivial function, CPython's {@code plus_one}. */
    static ProcessPool.TaskFunction<Integer, Integer> plusOne() {
        return x -> x + 1;
    }

    /** The items 0..n-1. */
    static List<Integer> items(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().toList();
    }

    /**
     * Maps {@link #plusOne()} over {@code items} at {@code chunksize} and returns the sum of the
     * results, checked: n(n+1)/2 for the items 0..n-1.
     */
    static long mapSum(ProcessPool pool, List<Integer> items, int chunksize) throws Exception {
        long sum = 0;
        MapResults<Integer> results = pool.map(plusOne(), items, chunksize);
        while (results.hasNext()) {
            sum += results.next();
        }
        long n = items.size();
        if (sum != n * (n + 1) / 2) {
            throw new AssertionError("wrong sum " + sum);
        }
        return sum;
    }
}
