package dev.loomcookbook.futures;

import dev.loomcookbook.common.CpuWork;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * One request's CPU work, the book's {@code count(item)} with a chosen loop length, as a task
 * any executor can run. It is {@link Serializable} so that a process pool can send it to a child
 * JVM, as Python pickles the function and its arguments for a {@code ProcessPoolExecutor}.
 */
public record CpuTask(long item, long iterations) implements Callable<Long>, Serializable {

    @Override
    public Long call() {
        return CpuWork.count(item, iterations);
    }

    /** The result {@link #call()} returns. */
    public long expected() {
        return item * iterations;
    }
}
