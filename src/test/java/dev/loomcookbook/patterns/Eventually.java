package dev.loomcookbook.patterns;

import dev.loomcookbook.inspect.ThreadDump;
import dev.loomcookbook.testing.Latches;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that other threads make true: polled every millisecond, failing after
 * 30 s. A safety net against hangs, never a timing guess: the test asserts only once the condition
 * holds.
 */
final class Eventually {

    private Eventually() {}

    /** Waits until {@code condition} holds; fails, naming {@code what}, after 30 s. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Latches.awaitUntil(what, Duration.ofSeconds(30), condition);
    }

    /**
     * Waits until {@code count} threads of this JVM (virtual ones included, read from a thread
     * dump) are parked with a frame of each of {@code methods} on their stack, for example
     * {@code java.util.concurrent.Semaphore.acquire} (a frame matches a method whose name starts
     * so, as lambdas are named {@code lambda$call$0}).
     */
    static void awaitParkedIn(int count, String... methods) throws InterruptedException {
        await(count + " threads parked in " + String.join(" and ", methods),
                () -> parkedIn(methods) == count);
    }

    /** The threads parked now with a frame of each of {@code methods} on their stack. */
    static long parkedIn(String... methods) {
        return ThreadDump.ofThisJvm().containers().stream()
                .flatMap(c -> c.threads().stream())
                .filter(t -> t.state().startsWith("WAITING") || t.state().startsWith("TIMED"))
                .filter(t -> Arrays.stream(methods).allMatch(method -> t.stack().stream()
                        .anyMatch(frame -> frame.contains(method))))
                .count();
    }
}
