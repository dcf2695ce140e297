package dev.loomcookbook.sync;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waiting in the tests of this package until a condition holds, never for a time: each wait
 * ends as soon as its condition holds, and fails after 30 s (a safety net, not a guess). For a
 * latch, {@code testing.Latches.await}.
 */
final class Waits {

    private static final long LIMIT_SECONDS = 30;

    private Waits() {}

    /** Waits until {@code condition} holds, checking it again every 0.1 ms. */
    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + LIMIT_SECONDS + " s: " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /**
     * Waits until {@code thread} is parked (waiting, with or without a timeout) inside
     * {@code type.method}, for example {@code untilParkedIn(t, BoundedSemaphore.class, "acquire")}.
     */
    static void untilParkedIn(Thread thread, Class<?> type, String method) {
        until(thread + " parks in " + type.getSimpleName() + "." + method, () -> {
            Thread.State state = thread.getState();
            return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                    && Arrays.stream(thread.getStackTrace())
                            .anyMatch(frame -> frame.getClassName().equals(type.getName())
                                    && frame.getMethodName().equals(method));
        });
    }
}
