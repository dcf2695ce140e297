package dev.loomcookbook.tasks;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/**
 * {@code Task.cancel()} for one piece of work inside a {@code StructuredTaskScope}, which can only
 * cancel as a whole: {@link #run} gives the work its own nested scope and races it against the
 * cancel request, so {@link #cancel()} interrupts this work and nothing else.
 */
public final class CancelToken {

    private final CountDownLatch requested = new CountDownLatch(1);

    /** Requests cancellation; the work is interrupted if it is still running (like {@code task.cancel()}). */
    public void cancel() {
        requested.countDown();
    }

    /**
     * Runs {@code work} until it completes or {@link #cancel()} is called, whichever comes first.
     * Returns its value, rethrows its exception, or throws {@link CancellationException} (Python's
     * {@code CancelledError}) if it was cancelled first.
     */
    public <T> T run(Callable<T> work) throws Exception {
        // The first of the two to complete cancels the other.
        try (var scope = StructuredTaskScope.open(Joiner.<Object>allUntil(done -> true))) {
            Subtask<T> task = scope.fork(work);
            scope.fork(() -> {
                requested.await();
                return null;
            });
            scope.join();
            return switch (task.state()) {
                case SUCCESS -> task.get();
                case FAILED -> throw rethrown(task.exception());
                case UNAVAILABLE -> throw new CancellationException("cancelled");
            };
        }
    }

    private static Exception rethrown(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return (Exception) t;
    }
}
