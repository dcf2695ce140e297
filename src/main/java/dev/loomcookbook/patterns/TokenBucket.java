package dev.loomcookbook.patterns;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket, the project's own rate limiter: it holds at most {@code burst} tokens, gains one
 * every {@code per / permits}, and each request takes one, so that over any stretch of time
 * {@code t} it lets through at most {@code burst + permits * t / per} requests, however many
 * threads ask. The JDK has no rate limiter (Guava's {@code RateLimiter} is the usual library one);
 * asyncio has none either, so Python code writes this same loop over {@code asyncio.sleep}.
 *
 * <p>Tokens are not counted one by one: the bucket keeps the moment until which its tokens are
 * spent ({@code spentUntil}). Taking a token moves that moment on by one interval; a token is
 * there when the moment is less than {@code burst} intervals ahead of now. This is the token bucket
 * in the form known as GCRA, exact in whole nanoseconds.
 *
 * <p>Safe for any number of threads. Waiters are not served in order: when a token comes due,
 * every waiter wakes and one of them takes it. Time is read from a {@link Ticker}, so tests move
 * it by hand.
 */
public final class TokenBucket {

    private final long interval;
    private final long burstNanos;
    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private long spentUntil;

    /**
     * A full bucket of {@code burst} tokens that gains {@code permits} tokens every {@code per},
     * on the real clock.
     *
     * @throws IllegalArgumentException if {@code permits} or {@code burst} is less than 1, or
     *     {@code per} is not positive or shorter than {@code permits} nanoseconds
     */
    public TokenBucket(int permits, Duration per, int burst) {
        this(permits, per, burst, Ticker.system());
    }

    /** As {@link #TokenBucket(int, Duration, int)}, on {@code ticker}'s clock. */
    public TokenBucket(int permits, Duration per, int burst, Ticker ticker) {
        Objects.requireNonNull(per, "per");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1: " + permits);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1: " + burst);
        }
        if (per.isNegative() || per.toNanos() < permits) {
            throw new IllegalArgumentException("per must be at least one nanosecond a permit: "
                    + per);
        }
        this.interval = per.toNanos() / permits;
        this.burstNanos = Math.multiplyExact(interval, (long) burst);
        this.spentUntil = ticker.nanoTime();
    }

    /**
     * Takes a token, waiting until one is there; returns the time it was taken, as the ticker
     * read it.
     *
     * @throws InterruptedException if interrupted while waiting; no token is taken then
     */
    public long acquire() throws InterruptedException {
        while (true) {
            long wait;
            lock.lock();
            try {
                long now = ticker.nanoTime();
                wait = waitFor(now);
                if (wait <= 0) {
                    take(now);
                    return now;
                }
            } finally {
                lock.unlock();
            }
            ticker.sleep(wait);
        }
    }

    /** Takes a token if one is there now, without waiting; {@code true} if it took one. */
    public boolean tryAcquire() {
        lock.lock();
        try {
            long now = ticker.nanoTime();
            if (waitFor(now) > 0) {
                return false;
            }
            take(now);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Nanoseconds from {@code now} until a token is there; not positive if one is there now. */
    private long waitFor(long now) {
        return spentUntil + interval - burstNanos - now;
    }

    private void take(long now) {
        spentUntil = Math.max(spentUntil - now, 0) + now + interval;
    }
}
