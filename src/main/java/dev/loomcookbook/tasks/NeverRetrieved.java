package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * "Task exception was never retrieved": a fire-and-forget task fails and nobody looks. A thread's
 * failure goes to its uncaught exception handler; a future's waits, silently, to be asked for.
 */
public final class NeverRetrieved {

    /** This recipe: {@code recipes never-retrieved}. */
    public static final Recipe RECIPE = Recipe.of("never-retrieved",
            "\"Task exception was never retrieved\"", NeverRetrieved.class,
            NeverRetrieved::run)
            .differs("the handler runs as the thread ends; a Future never asked for is lost"
                    + " unlogged")
            .normalise("ValueError", "IllegalArgumentException");

    private NeverRetrieved() {}

    static void run(PrintStream out) throws Exception {
        // @start region="never-retrieved"
        Thread.UncaughtExceptionHandler handler = (thread, e) -> {   // loop's exception handler
            out.println("handler: " + thread.getName() + " failed: " + describe(e));
        };
        Thread task = Thread.ofVirtual().name("fire-and-forget").uncaughtExceptionHandler(handler)
                .start(() -> Steps.fail("boom"));   // without a handler: a trace on System.err
        task.join();                                // (for the recipe's order of lines)
        Future<?> kept;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            kept = executor.submit(() -> Steps.fail("kept"));         // no handler runs for it
        }                                                             // close() waits for it
        out.println("retrieved: " + describe(kept.exceptionNow()));  // task.exception()
        // @end
    }

    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
