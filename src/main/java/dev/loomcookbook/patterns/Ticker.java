package dev.loomcookbook.patterns;

import java.time.Duration;

/**
 * A clock that can also wait, so that code measuring time ({@link TokenBucket}, the backoff of
 * {@link RetryPolicy}) can be tested against a clock a test moves by hand, with no real waiting and
 * no timing guess. {@link #system()} is the real one: {@link System#nanoTime()} and
 * {@link Thread#sleep(Duration)}.
 */
public interface Ticker {

    /** Now, in nanoseconds from an arbitrary origin, as {@link System#nanoTime()} counts. */
    long nanoTime();

    /** Waits {@code nanos} nanoseconds of this clock's time (none when not positive). */
    void sleep(long nanos) throws InterruptedException;

    /** The real clock: {@link System#nanoTime()} and {@link Thread#sleep(Duration)}. */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}

/** {@link Ticker#system()}. */
enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        if (nanos > 0) {
            Thread.sleep(Duration.ofNanos(nanos));
        }
    }
}
