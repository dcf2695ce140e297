package dev.loomcookbook.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link BoundedSemaphore}: asyncio.BoundedSemaphore, which refuses a release too many. */
class BoundedSemaphoreTest {

    /** A release when every permit is free throws, with Python's message, and changes nothing. */
    @Test
    void aReleaseTooManyThrowsAndChangesNothing() throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(2);
        sem.acquire();
        sem.release();
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class)
                .hasMessage("BoundedSemaphore released too many times");
        assertThat(sem.availablePermits()).isEqualTo(2);
        assertThat(OverRelease.holdersAtOnce(sem::tryAcquire)).isEqualTo(2);
    }

    /** The JDK's Semaphore, by contrast, takes the release too many and lets one more in. */
    @Test
    void theJdkSemaphoreAcceptsAReleaseTooMany() throws Exception {
        Semaphore sem = new Semaphore(2);
        sem.acquire();
        sem.release();
        sem.release();
        assertThat(OverRelease.holdersAtOnce(sem::tryAcquire)).isEqualTo(3);
    }

    /** Each release after an acquire gives a permit back, up to the bound. */
    @Test
    void releasesAfterAcquiresRestoreThePermits() throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(3);
        sem.acquire();
        sem.acquire();
        assertThat(sem.availablePermits()).isEqualTo(1);
        sem.release();
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(3);
        assertThat(sem.bound()).isEqualTo(3);
    }

    /**
     * Twice as many threads as permits release at once, through a barrier: exactly as many
     * releases succeed as permits were taken, the rest throw, and the count never passes the bound.
     */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void concurrentReleasesNeverPassTheBound(ThreadFactory factory) throws Exception {
        int permits = 4;
        BoundedSemaphore sem = new BoundedSemaphore(permits);
        for (int i = 0; i < permits; i++) {
            sem.acquire();
        }
        CyclicBarrier start = new CyclicBarrier(2 * permits);
        AtomicInteger released = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> tasks = new ArrayList<>();
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(factory)) {
            for (int i = 0; i < 2 * permits; i++) {
                tasks.add(threads.submit(() -> {
                    start.await();
                    try {
                        sem.release();
                        released.incrementAndGet();
                    } catch (IllegalStateException e) {
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
        }
        for (Future<?> task : tasks) {
            task.get(); // a task that failed otherwise fails the test with its own exception
        }
        assertThat(released).hasValue(permits);
        assertThat(refused).hasValue(permits);
        assertThat(sem.availablePermits()).isEqualTo(permits);
    }

    /** With no permit free, acquire() waits; a release lets it through. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void acquireWaitsUntilARelease(ThreadFactory factory) throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        sem.acquire();
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(factory)) {
            AtomicReference<Thread> waiter = new AtomicReference<>();
            Future<?> acquired = threads.submit(() -> {
                waiter.set(Thread.currentThread());
                sem.acquire();
                return null;
            });
            Waits.until("the waiter has started", () -> waiter.get() != null);
            Waits.untilParkedIn(waiter.get(), BoundedSemaphore.class, "acquire");
            assertThat(acquired).isNotDone();
            sem.release();
            acquired.get();
        }
        assertThat(sem.availablePermits()).isZero();
    }

    /** A waiter that is interrupted throws InterruptedException and takes no permit. */
    @Test
    void anInterruptedWaiterTakesNoPermit() throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        sem.acquire();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                sem.acquire();
            } catch (InterruptedException e) {
                failure.set(e);
            }
        });
        Waits.untilParkedIn(waiter, BoundedSemaphore.class, "acquire");
        waiter.interrupt();
        waiter.join();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    /** tryAcquire() takes a free permit and answers false, without waiting, when none is free. */
    @Test
    void tryAcquireNeverWaits() {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        assertThat(sem.tryAcquire()).isTrue();
        assertThat(sem.tryAcquire()).isFalse();
        assertThat(sem.availablePermits()).isZero();
    }

    /** Zero permits is a semaphore that can never be released; a negative count is refused. */
    @Test
    void permitsMustNotBeNegative() {
        assertThatThrownBy(() -> new BoundedSemaphore(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permits must be at least 0, but was -1");
        assertThatThrownBy(new BoundedSemaphore(0)::release)
                .isInstanceOf(IllegalStateException.class);
    }
}
