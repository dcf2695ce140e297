package dev.loomcookbook.futures;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * {@code await loop.run_in_executor(pool, fn)}: from a virtual thread, run a function on another
 * executor (a platform-thread pool, a ForkJoinPool, a process pool) and wait for its result.
 *
 * <p>The wait is an ordinary blocking {@link Future#get()}: on a virtual thread it unmounts, so
 * the carrier is free for other virtual threads while the pool's threads do the CPU work.
 */
public final class Offload {

    private Offload() {}

    /**
     * Submits {@code task} to {@code pool} and waits for its result. If the waiting thread is
     * interrupted, the task is cancelled (interrupting it if it has started) before this returns.
     *
     * @throws ExecutionException if the task threw; its exception is the cause
     */
    public static <T> T call(ExecutorService pool, Callable<T> task) throws InterruptedException, ExecutionException {
        Future<T> future = pool.submit(task);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }
}
