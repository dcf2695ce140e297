package dev.loomcookbook.tasks;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code Task.cancel()} for one piece of work inside a {@code StructuredTaskScope}, which can only
 * cancel as a whole: {@link #run} gives the work its own nested scope and races it against the
 * cancel request, so {@link #cancel()} interrupts this work and nothing else.
 *
 * <p>{@link #cancel(String)} is {@code task.cancel(msg)}: an interrupt carries no message, so the
 * token keeps the reason, for the work ({@link #reason()}) and for whoever waits for it (the
 * message of the {@link CancellationException} that {@link #run} throws).
 */
public final class CancelToken {

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicReference<String> reason = new AtomicReference<>();

    /**
     * Requests cancellation; the work is interrupted if it is still running (like
     * {@code task.cancel()}).
     */
    public void cancel() {
        requested.countDown();
    }

    /**
     * As {@link #cancel()}, with a reason ({@code task.cancel(msg)}); when cancelled more than
     * once, the first reason given is kept.
     */
    public void cancel(String reason) {
        this.reason.compareAndSet(null, Objects.requireNonNull(reason, "reason"));
        requested.countDown();
    }

    /**
     * The reason given to {@link #cancel(String)}, if any: what the work reads when it is
     * interrupted ({@code CancelledError.args} in Python).
     */
    public Optional<String> reason() {
        return Optional.ofNullable(reason.get());
    }

    /**
     * Runs {@code work} until it completes or {@link #cancel()} is called, whichever comes first.
     * Returns its value, rethrows its exception, or throws {@link CancellationException} (Python's
     * {@code CancelledError}) if it was cancelled first, with the {@linkplain #reason() reason} as
     * its message, or "cancelled" when none was given.
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
                case UNAVAILABLE -> throw new CancellationException(reason().orElse("cancelled"));
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
