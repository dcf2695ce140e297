package dev.loomcookbook.patterns;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Ticker} whose time moves only when a test calls {@link #advance}: a thread in
 * {@link #sleep} waits until the time it asked for has been reached, or it is interrupted. The
 * test sees how many threads sleep ({@link #sleepers()}), so it can wait until they all have gone
 * back to sleep instead of guessing how long that takes.
 */
final class ManualTicker implements Ticker {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private final Condition sleeping = lock.newCondition();
    private long now = 1_000_000_000L;                      // any origin: not zero on purpose
    private int sleepers;

    @Override
    public long nanoTime() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long until = now + nanos;
            sleepers++;
            sleeping.signalAll();
            try {
                while (now - until < 0) {
                    moved.await();
                }
            } finally {
                sleepers--;
                sleeping.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Moves time on by {@code step}, waking the sleepers whose time has come. */
    void advance(Duration step) {
        lock.lock();
        try {
            now += step.toNanos();
            moved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Threads sleeping now. */
    int sleepers() {
        lock.lock();
        try {
            return sleepers;
        } finally {
            lock.unlock();
        }
    }

    /** Waits (at most 30 s, then fails) until {@code count} threads sleep at once. */
    void awaitSleepers(int count) throws InterruptedException {
        long left = TimeUnit.SECONDS.toNanos(30);
        lock.lock();
        try {
            while (sleepers != count) {
                if (left <= 0) {
                    throw new AssertionError(sleepers + " threads sleep, not " + count);
                }
                left = sleeping.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }
}
