package dev.loomcookbook.patterns;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.TimeUnit;

/**
 * Hedged requests, the project's own: the first try starts at once; each next one starts when the
 * one before has not answered within the delay, or at once when it failed; the first success wins
 * and every other try is cancelled, a running one interrupted and a waiting one never started.
 * Neither the JDK nor asyncio has it; in Python it is a loop over
 * {@code asyncio.wait(tasks, timeout=delay, return_when=FIRST_COMPLETED)}.
 *
 * <p>The tries run in a {@link StructuredTaskScope} with
 * {@link Joiner#anySuccessfulResultOrThrow()}: the scope is the hedge. When {@link #call} returns
 * or throws, no try is still running.
 */
public final class Hedge {

    private final Duration delay;

    private Hedge(Duration delay) {
        this.delay = delay;
    }

    /**
     * A hedge that starts the next try {@code delay} after the one before started.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Hedge after(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        return new Hedge(delay);
    }

    /** The delay before the next try. */
    public Duration delay() {
        return delay;
    }

    /**
     * Runs {@code tries} as hedged requests and returns the first success.
     *
     * @throws IllegalArgumentException if {@code tries} is empty
     * @throws StructuredTaskScope.FailedException if every try failed, with the first failure as
     *     its cause
     * @throws InterruptedException if the calling thread was interrupted (every try is then
     *     cancelled)
     */
    public <T> T call(List<? extends Callable<? extends T>> tries) throws InterruptedException {
        if (tries.isEmpty()) {
            throw new IllegalArgumentException("a hedge needs at least one try");
        }
        int n = tries.size();
        var started = new CountDownLatch[n];
        var failed = new CountDownLatch[n];
        for (int i = 0; i < n; i++) {
            started[i] = new CountDownLatch(1);
            failed[i] = new CountDownLatch(1);
        }
        try (var scope = StructuredTaskScope.open(Joiner.<T>anySuccessfulResultOrThrow())) {
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<? extends T> next = Objects.requireNonNull(tries.get(i), "try");
                scope.fork(() -> {
                    if (index > 0) {                 // the one before started, then: a failure,
                        started[index - 1].await();  // or no answer within the delay
                        failed[index - 1].await(delay.toNanos(), TimeUnit.NANOSECONDS);
                    }
                    if (Thread.interrupted()) {      // cancelled meanwhile: never start
                        throw new InterruptedException();
                    }
                    started[index].countDown();
                    try {
                        return next.call();
                    } catch (InterruptedException e) {
                        throw e;                     // cancelled: nothing more starts for it
                    } catch (Throwable t) {
                        if (!Thread.currentThread().isInterrupted()) {
                            failed[index].countDown();   // failed: the next one starts at once
                        }
                        throw t;
                    }
                });
            }
            return scope.join();
        }
    }
}
