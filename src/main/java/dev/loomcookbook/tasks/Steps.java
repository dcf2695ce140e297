package dev.loomcookbook.tasks;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The simulated I/O of the recipes, as their Python twins write it: {@code fetch} waits some steps
 * of 100 ms ({@code await asyncio.sleep(0.1 * steps)}), {@code slow} waits a day, so only a
 * cancellation ends it, and says so.
 */
public final class Steps {

    /** One step of simulated I/O, {@code asyncio.sleep(0.1)} in the twins. */
    public static final Duration STEP = Duration.ofMillis(100);

    private Steps() {}

    /** Waits {@code steps} steps. */
    public static void sleep(int steps) throws InterruptedException {
        Thread.sleep(STEP.multipliedBy(steps));
    }

    /** Waits {@code steps} steps, prints that {@code name} finished, and returns {@code name}. */
    public static String fetch(PrintStream out, String name, int steps)
            throws InterruptedException {
        sleep(steps);
        out.println(name + " finished after " + steps + " step(s)");
        return name;
    }

    /**
     * Waits a day unless interrupted; when interrupted (the JDK's form of cancellation), prints
     * {@code "<name> was cancelled"} and rethrows, as the twins do with {@code CancelledError}.
     */
    public static String slow(PrintStream out, String name) throws InterruptedException {
        try {
            Thread.sleep(Duration.ofDays(1));
            return name + " slept a whole day";
        } catch (InterruptedException e) {
            out.println(name + " was cancelled");
            throw e;
        }
    }

    /** Waits a day: a task that only a cancellation ends. */
    public static String sleepADay() throws InterruptedException {
        Thread.sleep(Duration.ofDays(1));
        return "slept a whole day";
    }

    /** Throws {@link IllegalArgumentException}, the twins' {@code ValueError}. */
    // It never returns: T lets a lambda that only fails stand where a Callable<T> is expected.
    @SuppressWarnings("TypeParameterUnusedInFormals")
    public static <T> T fail(String message) {
        throw new IllegalArgumentException(message);
    }
}
