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
 *
 * <p>Two differences from Python. The pool's thread does not see the caller's {@link ScopedValue}
 * bindings, as {@code run_in_executor} does not copy the context (only {@code asyncio.to_thread}
 * does): to carry one, bind it again inside the task, as the {@code contextvars} recipe shows.
 * And when the waiting thread is interrupted, the task is cancelled and its thread interrupted,
 * while Python's executor thread runs its function to the end after the awaiting task is
 * cancelled.
 */
public final class Offload {

    private Offload() {}

    /**
     * Submits {@code task} to {@code pool} and waits for its result. If the waiting thread is
     * interrupted, the task is cancelled (interrupting it if it has started) before this returns.
     *
     * @throws ExecutionException if the task threw; its exception is the cause
     */
    public static <T> T call(ExecutorService pool, Callable<T> task)
            throws InterruptedException, ExecutionException {
        Future<T> future = pool.submit(task);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }
}
