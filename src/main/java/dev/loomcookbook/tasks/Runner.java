package dev.loomcookbook.tasks;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code asyncio.Runner} (and {@code asyncio.run(main())}) with Ctrl-C, the project's: runs a
 * program's main work on the calling thread so that Ctrl-C interrupts it, lets its cleanup run
 * (finally blocks, try-with-resources, a scope's {@code close}), and waits for it to end before the
 * JVM exits.
 *
 * <pre>{@code
 * try (var runner = new Runner()) {
 *     runner.run(() -> serve());
 * } catch (InterruptedException e) {
 *     System.out.println("cancelled by Ctrl-C");   // then the JVM exits with status 130
 * }
 * }</pre>
 *
 * <p>The JDK has no supported way to handle SIGINT itself ({@code sun.misc.Signal} is not a
 * supported API). On SIGINT (and on SIGTERM and SIGHUP) the JVM runs its shutdown hooks and exits
 * with status 128 + the signal's number (130 for SIGINT); the threads still running just stop,
 * and their finally blocks never run. This class's hook does what asyncio's SIGINT handler does to
 * the main task: it interrupts the thread inside {@link #run} (the JDK's form of cancellation),
 * then waits for that thread to end, at most the grace period, so that the code after {@code run}
 * (a catch block, the end of {@code main}) runs too. A work that ignores the interrupt cannot hold
 * the JVM: after the grace period it exits all the same (asyncio: a second Ctrl-C). A hook cannot
 * tell SIGINT from SIGTERM or from {@code System.exit} on another thread: all of them cancel the
 * work.
 *
 * <p>While a Ctrl-C is being handled the JVM is shutting down: do not call {@code System.exit}
 * then (it would block until the grace period ends).
 */
public final class Runner implements AutoCloseable {

    /** How long a Ctrl-C waits for the interrupted work to end, unless given. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final Duration grace;
    private final Thread hook;
    private final Object lock = new Object();
    private Thread running;     // the thread inside run(), or null; guarded by lock
    private boolean closed;     // guarded by lock

    /** A runner whose Ctrl-C waits at most {@link #DEFAULT_GRACE} for the work to end. */
    public Runner() {
        this(DEFAULT_GRACE);
    }

    /**
     * A runner whose Ctrl-C waits at most {@code grace} for the interrupted work to end.
     *
     * @throws IllegalArgumentException if {@code grace} is zero or negative
     * @throws IllegalStateException if the JVM is already shutting down
     */
    public Runner(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("the grace period must be positive: " + grace);
        }
        this.grace = grace;
        this.hook = new Thread(this::onShutdown, "runner-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Runs {@code main} on this thread and returns what it returns; a Ctrl-C meanwhile interrupts
     * it, so it typically ends with {@link InterruptedException}, which is rethrown (asyncio:
     * {@code KeyboardInterrupt}).
     *
     * @throws IllegalStateException if this runner is closed or already running a work
     */
    public <T> T run(Callable<T> main) throws Exception {
        Objects.requireNonNull(main, "main");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("this Runner is closed");
            }
            if (running != null) {
                throw new IllegalStateException("this Runner runs one work at a time; "
                        + running.getName() + " is running one");
            }
            running = Thread.currentThread();
        }
        try {
            return main.call();
        } finally {
            synchronized (lock) {
                running = null;
            }
        }
    }

    /**
     * What a Ctrl-C does to the work inside {@link #run}: interrupts it, without waiting. Returns
     * false, and does nothing, when no work is running.
     */
    public boolean cancel() {
        synchronized (lock) {
            if (running == null) {
                return false;
            }
            running.interrupt();
            return true;
        }
    }

    /** Removes the Ctrl-C hook: a Ctrl-C from now on ends the JVM without waiting for anything. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs, or has run, and ends on its own.
        }
    }

    /** The shutdown hook; package-private for the tests. */
    Thread hook() {
        return hook;
    }

    private void onShutdown() {
        Thread main;
        synchronized (lock) {
            main = running;
            if (main != null) {
                main.interrupt();
            }
        }
        if (main == null) {
            return;
        }
        try {
            main.join(grace);
        } catch (InterruptedException e) {
            // Nobody interrupts a shutdown hook; if somebody does, let the JVM exit.
        }
    }
}
