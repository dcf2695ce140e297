package dev.loomcookbook.sync;

import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * {@code asyncio.BoundedSemaphore(n)}: a counting semaphore that refuses a release which would
 * raise its permits above the {@code n} it started with.
 *
 * <p>This class is the project's own: the JDK has no bounded semaphore. {@link Semaphore#release()}
 * adds a permit whatever the count, so a release too many (a double release on an error path)
 * silently lets one more thread in for good. Here that release throws instead, and changes
 * nothing, as Python's raises {@code ValueError}. The check and the increment are one
 * compare-and-set, so concurrent releases can never push the permits past the bound.
 *
 * <p>Like {@code new Semaphore(n)}, acquisition is not fair: a thread arriving when a permit is
 * free may take it ahead of threads already waiting. Permits belong to no thread: any thread
 * may release, as in Python.
 */
public final class BoundedSemaphore {

    /** The message of a refused release, Python's own words. */
    static final String TOO_MANY = "BoundedSemaphore released too many times";

    private final Sync sync;

    /**
     * A semaphore with {@code permits} permits, which is also the most it will ever hold.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public BoundedSemaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be at least 0, but was " + permits);
        }
        this.sync = new Sync(permits);
    }

    /** Takes a permit, waiting while there is none ({@code await sem.acquire()}). */
    public void acquire() throws InterruptedException {
        sync.acquireSharedInterruptibly(1);
    }

    /** Takes a permit if one is free now; never waits. */
    public boolean tryAcquire() {
        return sync.tryAcquireShared(1) >= 0;
    }

    /**
     * Gives a permit back ({@code sem.release()}).
     *
     * @throws IllegalStateException if every permit is already free: a release too many, which
     *     leaves the semaphore unchanged
     */
    public void release() {
        sync.releaseShared(1);
    }

    /** How many permits are free now. */
    public int availablePermits() {
        return sync.permits();
    }

    /** The number of permits it started with: the most it can hold. */
    public int bound() {
        return sync.bound;
    }

    @Override
    public String toString() {
        return "BoundedSemaphore[" + availablePermits() + " of " + bound() + " free]";
    }

    /** The state is the number of free permits, between 0 and {@code bound}. */
    private static final class Sync extends AbstractQueuedSynchronizer {

        private final int bound;

        Sync(int bound) {
            this.bound = bound;
            setState(bound);
        }

        int permits() {
            return getState();
        }

        @Override
        protected int tryAcquireShared(int acquires) {
            while (true) {
                int free = getState();
                int left = free - acquires;
                if (left < 0 || compareAndSetState(free, left)) {
                    return left;
                }
            }
        }

        @Override
        protected boolean tryReleaseShared(int releases) {
            while (true) {
                int free = getState();
                if (free + releases > bound) {
                    throw new IllegalStateException(TOO_MANY);
                }
                if (compareAndSetState(free, free + releases)) {
                    return true;
                }
            }
        }
    }
}
