package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code asyncio.run(main())} and {@code asyncio.Runner} with Ctrl-C: SIGINT cancels the main work,
 * its cleanup runs, nothing is left running. The recipe presses Ctrl-C with a stand-in (a JVM that
 * receives SIGINT exits); {@code CtrlC --wait} waits for a real one, after which the JVM exits
 * with status 130.
 */
public final class CtrlC {

    /** This recipe: {@code recipes ctrl-c}. */
    public static final Recipe RECIPE = Recipe.of("ctrl-c",
            "asyncio.run(main()) / asyncio.Runner and Ctrl-C", CtrlC.class, CtrlC::run)
            .differs("SIGINT runs shutdown hooks, then exits 130; Runner's (project) hook"
                    + " interrupts main")
            .anyOrder("^[ab]: ");

    private CtrlC() {}

    /** The recipe: a stand-in presses Ctrl-C once both workers are working. */
    static void run(PrintStream out) throws Exception {
        var working = new CountDownLatch(2);
        try (var runner = new Runner()) {
            Thread key = Thread.ofVirtual().name("ctrl-c-stand-in").start(() -> {
                try {
                    working.await();
                    runner.cancel();                      // what the Ctrl-C hook does first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            main(out, runner, working);
            key.join();
        }
    }

    // @start region="ctrl-c"
    static void untilCtrlC(PrintStream out) throws Exception {
        try (var runner = new Runner()) {                 // asyncio.Runner: a shutdown hook
            main(out, runner, new CountDownLatch(2));
        }                                                 // after Ctrl-C the JVM exits with 130
    }

    static void main(PrintStream out, Runner runner, CountDownLatch working) throws Exception {
        var running = new AtomicInteger();
        try {
            runner.run(() -> serve(out, working, running));   // asyncio.run(serve())
        } catch (InterruptedException e) {                // KeyboardInterrupt
            out.println("run ended by Ctrl-C");
        }
        out.println("workers still running: " + running.get());
    }

    static Void serve(PrintStream out, CountDownLatch working, AtomicInteger running)
            throws InterruptedException {
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> worker(out, "a", working, running));
            scope.fork(() -> worker(out, "b", working, running));
            scope.join();                           // Ctrl-C interrupts this; close() cancels a, b
        } catch (InterruptedException e) {
            out.println("main was cancelled");
            throw e;
        }
        return null;
    }

    static Void worker(PrintStream out, String name, CountDownLatch working, AtomicInteger running)
            throws InterruptedException {
        running.incrementAndGet();
        try (var _ = new Connection(out, name)) {             // closed on the way out
            out.println(name + ": working");
            working.countDown();
            Thread.sleep(Duration.ofDays(1));
            return null;
        } finally {
            running.decrementAndGet();
            out.println(name + ": finally runs");
        }
    }
    // @end

    /** A resource that says when it is closed. */
    record Connection(PrintStream out, String name) implements AutoCloseable {
        @Override
        public void close() {
            out.println(name + ": connection closed");
        }
    }

    /** {@code CtrlC}: the recipe; {@code CtrlC --wait}: waits for a real Ctrl-C. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            run(System.out);
        } else if (args.length == 1 && args[0].equals("--wait")) {
            System.out.println("press Ctrl-C");
            untilCtrlC(System.out);
        } else {
            System.err.println("usage: CtrlC [--wait]   (--wait: wait for a real Ctrl-C)");
            System.exit(2);
        }
    }
}
