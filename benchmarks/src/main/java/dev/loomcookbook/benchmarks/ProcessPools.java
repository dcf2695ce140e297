package dev.loomcookbook.benchmarks;

import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.pooling.ProcessPool;
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
}
