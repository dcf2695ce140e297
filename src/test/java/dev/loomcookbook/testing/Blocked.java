package dev.loomcookbook.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;

/**
 * Waiting, without a timing guess, until a thread is blocked where a test needs it: parked on a
 * {@link java.util.concurrent.locks.Condition} inside a given method. Only a condition wait
 * counts, so a thread that is merely queued for a lock is not taken for one already waiting.
 */
public final class Blocked {

    /** Bounded wait: a safety net against hangs, never a timing guess. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A task started on its own thread, and its outcome. */
    public record Started<T>(Thread thread, CompletableFuture<T> result) {}

    private Blocked() {}

    /** Starts {@code work} on a new thread from {@code factory}. */
    public static <T> Started<T> start(ThreadFactory factory, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = factory.newThread(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        thread.start();
        return new Started<>(thread, result);
    }

    /**
     * Waits (at most 30 s, then fails) until {@code thread} waits on a condition inside
     * {@code type.method}, for example {@code awaitIn(t, JoinableQueue.class, "take")}.
     */
    public static void awaitIn(Thread thread, Class<?> type, String method)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!waitsIn(thread, type.getName(), method)) {
            if (!thread.isAlive()) {
                throw new AssertionError(thread + " ended before it blocked in " + method);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(thread + " did not block in " + type.getSimpleName()
                        + "." + method + " within " + WAIT.toSeconds() + " s; it is at "
                        + Arrays.toString(thread.getStackTrace()));
            }
            Thread.sleep(1);
        }
    }

    private static boolean waitsIn(Thread thread, String type, String method) {
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        StackTraceElement[] stack = thread.getStackTrace();
        boolean inCondition = Arrays.stream(stack).anyMatch(f -> f.getClassName()
                .endsWith("$ConditionObject") && f.getMethodName().startsWith("await"));
        boolean inMethod = Arrays.stream(stack).anyMatch(f -> f.getClassName().equals(type)
                && f.getMethodName().equals(method));
        return inCondition && inMethod;
    }
}
