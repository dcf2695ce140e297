package dev.loomcookbook.patterns;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * Retry with exponential backoff and full jitter, within one overall deadline: the project's own
 * (the JDK has none; Python code uses a loop like this one, or a library such as tenacity).
 *
 * <p>After failed try {@code n} the policy waits a random time in {@code [0, window(n)]}, where
 * the window doubles with each try from {@code base} up to the cap ("full jitter": clients that
 * failed together do not come back together). A failure that is not
 * {@linkplain #retryOn(Predicate) retryable}, the last try's failure, and an interrupt end the
 * retries; the failure thrown carries the earlier ones as suppressed exceptions.
 *
 * <p>With a {@linkplain #withDeadline(Duration) deadline}, the tries run in a
 * {@link StructuredTaskScope} beside a subtask that waits out the deadline; whichever ends first
 * ends the other, so the deadline interrupts whatever is running when it passes, a try in flight
 * or a backoff, as {@code async with asyncio.timeout(t)} cancels the task; then {@link #call}
 * throws {@link TimeoutException}. The deadline and the backoffs are waited out on the policy's
 * {@link Ticker}, the real clock unless a test gives it one it moves by hand.
 *
 * <p>A policy is immutable: each {@code with...} method returns a new one.
 */
public final class RetryPolicy {

    /** One try; {@code number} counts from 1. */
    @FunctionalInterface
    public interface Attempt<T> {
        /** Runs try {@code number}; a thrown exception is a failed try. */
        T run(int number) throws Exception;
    }

    /** Told of each failed try that will be retried, before its backoff. */
    @FunctionalInterface
    public interface Listener {
        /** Try {@code number} failed with {@code failure}; the next comes after {@code backoff}. */
        void retrying(int number, Exception failure, Duration backoff);
    }

    /** The longest window when there is no cap, so that doubling never overflows. */
    private static final Duration LONGEST = Duration.ofDays(1);

    private final Duration base;
    private final Duration cap;
    private final int tries;
    private final Duration deadline;
    private final DoubleSupplier jitter;
    private final Predicate<? super Exception> retryable;
    private final Listener listener;
    private final Ticker ticker;

    private RetryPolicy(Duration base, Duration cap, int tries, Duration deadline,
            DoubleSupplier jitter, Predicate<? super Exception> retryable, Listener listener,
            Ticker ticker) {
        this.base = base;
        this.cap = cap;
        this.tries = tries;
        this.deadline = deadline;
        this.jitter = jitter;
        this.retryable = retryable;
        this.listener = listener;
        this.ticker = ticker;
    }

    /**
     * At most {@code tries} tries, the backoff window starting at {@code base} and doubling, with
     * no cap and no deadline; full jitter; {@link IOException}s are retried, nothing else.
     *
     * @throws IllegalArgumentException if {@code base} is not positive or {@code tries} is less
     *     than 1
     */
    public static RetryPolicy exponential(Duration base, int tries) {
        requirePositive(base, "base");
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1: " + tries);
        }
        return new RetryPolicy(base, null, tries, null,
                () -> ThreadLocalRandom.current().nextDouble(), e -> e instanceof IOException,
                (n, failure, backoff) -> {}, Ticker.system());
    }

    /** This policy with backoff windows no longer than {@code cap}. */
    public RetryPolicy withCap(Duration cap) {
        requirePositive(cap, "cap");
        return new RetryPolicy(base, cap, tries, deadline, jitter, retryable, listener, ticker);
    }

    /**
     * This policy with one deadline over all its tries and backoffs, counted from {@link #call}.
     */
    public RetryPolicy withDeadline(Duration deadline) {
        requirePositive(deadline, "deadline");
        return new RetryPolicy(base, cap, tries, deadline, jitter, retryable, listener, ticker);
    }

    /**
     * This policy drawing its jitter from {@code unitRandom}, a source of numbers in
     * {@code [0, 1]}: the backoff is that fraction of the window ({@code () -> 1.0} is no jitter).
     */
    public RetryPolicy withJitter(DoubleSupplier unitRandom) {
        Objects.requireNonNull(unitRandom, "unitRandom");
        return new RetryPolicy(base, cap, tries, deadline, unitRandom, retryable, listener, ticker);
    }

    /** This policy retrying the failures {@code retryable} accepts, instead of IOExceptions. */
    public RetryPolicy retryOn(Predicate<? super Exception> retryable) {
        Objects.requireNonNull(retryable, "retryable");
        return new RetryPolicy(base, cap, tries, deadline, jitter, retryable, listener, ticker);
    }

    /** This policy telling {@code listener} of each retry. */
    public RetryPolicy onRetry(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        return new RetryPolicy(base, cap, tries, deadline, jitter, retryable, listener, ticker);
    }

    /** This policy waiting out its backoffs on {@code ticker}. */
    public RetryPolicy withTicker(Ticker ticker) {
        Objects.requireNonNull(ticker, "ticker");
        return new RetryPolicy(base, cap, tries, deadline, jitter, retryable, listener, ticker);
    }

    /**
     * The backoff window after failed try {@code number}: {@code base * 2^(number - 1)}, at most
     * the cap (and, with no cap, at most a day).
     */
    public Duration window(int number) {
        if (number < 1) {
            throw new IllegalArgumentException("tries count from 1: " + number);
        }
        Duration limit = cap == null ? LONGEST : cap;
        Duration window = base;
        for (int i = 1; i < number && window.compareTo(limit) < 0; i++) {
            window = window.multipliedBy(2);
        }
        return window.compareTo(limit) > 0 ? limit : window;
    }

    /**
     * Runs {@code attempt} until a try succeeds, and returns its result.
     *
     * @throws TimeoutException if the deadline passed first (the try or backoff then running was
     *     interrupted)
     * @throws InterruptedException if the calling thread was interrupted
     * @throws Exception the failure of the last try, when it was not retryable or no try was
     *     left, with the earlier failures suppressed
     */
    public <T> T call(Attempt<T> attempt) throws Exception {
        Objects.requireNonNull(attempt, "attempt");
        if (deadline == null) {
            return tryUntilDone(attempt);
        }
        // The first of the two to end cancels the other.
        try (var scope = StructuredTaskScope.open(Joiner.<Object>allUntil(ended -> true))) {
            Subtask<T> tried = scope.fork(() -> tryUntilDone(attempt));
            scope.fork(() -> {
                ticker.sleep(deadline.toNanos());
                return null;
            });
            scope.join();
            return switch (tried.state()) {
                case SUCCESS -> tried.get();
                case FAILED -> {
                    if (tried.exception() instanceof Exception failure) {
                        throw failure;
                    }
                    throw (Error) tried.exception();
                }
                default -> throw new TimeoutException("no success within the deadline of "
                        + deadline.toMillis() + " ms");
            };
        }
    }

    // The attempt's own exception is left out by identity: addSuppressed refuses it.
    @SuppressWarnings("ReferenceEquality")
    private <T> T tryUntilDone(Attempt<T> attempt) throws Exception {
        List<Exception> earlier = new ArrayList<>();
        for (int number = 1;; number++) {
            try {
                return attempt.run(number);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                boolean last = number == tries || Thread.currentThread().isInterrupted();
                if (last || !retryable.test(e)) {
                    earlier.stream().filter(f -> f != e).forEach(e::addSuppressed);
                    throw e;
                }
                earlier.add(e);
                Duration backoff = backoff(number);
                listener.retrying(number, e, backoff);
                ticker.sleep(backoff.toNanos());
            }
        }
    }

    private Duration backoff(int number) {
        double fraction = jitter.getAsDouble();
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalStateException("jitter must be in [0, 1]: " + fraction);
        }
        return Duration.ofNanos((long) (window(number).toNanos() * fraction));
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
