package dev.loomcookbook.futures;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * Runs a task on its own thread and completes a {@link CompletableFuture} with its outcome: the
 * Java form of a coroutine that was handed an {@code asyncio.Future} and calls
 * {@code future.set_result(...)} (or {@code set_exception}) on it.
 */
public final class Completer {

    private Completer() {}

    /**
     * Starts {@code body} on a new thread from {@code factory}. Its result completes
     * {@code future}; an exception it throws completes it exceptionally. Cancelling the future
     * interrupts the thread, so the work stops instead of running on for nobody (in asyncio a
     * later {@code set_result} on a cancelled future raises {@code InvalidStateError}; here
     * {@code complete} just returns false).
     *
     * @return the started thread, so that the caller can join it
     */
    public static <T> Thread start(ThreadFactory factory, CompletableFuture<T> future,
            Callable<? extends T> body) {
        Thread thread = factory.newThread(() -> {
            try {
                future.complete(body.call());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        if (thread == null) {
            throw new RejectedExecutionException("the thread factory refused to create a thread");
        }
        var _ = future.whenComplete((value, error) -> {
            if (future.isCancelled()) {
                thread.interrupt();
            }
        });
        thread.start();
        return thread;
    }
}
