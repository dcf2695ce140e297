package dev.loomcookbook.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The tests' latch helpers: bounded waits, a safety net against hangs, never a timing guess. */
public final class Latches {

    private Latches() {}

    /** Waits for {@code latch}; fails if it is not released within 30 s. */
    public static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("latch not released within 30 s");
        }
    }

    /**
     * Waits until {@code condition}, which other threads make true, holds: polled every
     * millisecond; fails, naming {@code what}, after {@code patience}.
     */
    public static void awaitUntil(String what, Duration patience, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + patience.toSeconds() + " s: " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Blocks until interrupted, then counts down {@code interrupted} and rethrows. */
    // It never returns: T lets it stand as the body of a Callable<T> of any type.
    @SuppressWarnings("TypeParameterUnusedInFormals")
    public static <T> T blockUntilInterrupted(CountDownLatch interrupted)
            throws InterruptedException {
        try {
            new CountDownLatch(1).await();
            throw new AssertionError("unreachable");
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
    }
}
