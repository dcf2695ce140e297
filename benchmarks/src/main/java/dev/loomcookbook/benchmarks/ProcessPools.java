package dev.loomcookbook.benchmarks;

import dev.loomcookbook.common.CpuWork;
import java.io.Serializable;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;

/** Tasks a process pool can ship to a child JVM (serializable), and the pool for the comparison. */
final class ProcessPools {

    private ProcessPools() {}

    /** A process pool of {@code workers} child JVMs; null while this build has none. */
    static ExecutorService create(int workers) {
        return null;
    }

    /** The book's {@code count(item)} as a serializable task. */
    static Callable<Long> countTask(long item, long iterations) {
        return (Callable<Long> & Serializable) () -> CpuWork.count(item, iterations);
    }

    /** A trivial serializable task: returns 42. */
    static Callable<Long> trivialTask() {
        return (Callable<Long> & Serializable) () -> SideBySide.answer;
    }
}
