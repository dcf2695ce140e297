package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * "coroutine ... was never awaited": work started and never waited for. Python warns when the
 * coroutine is collected, having never run it; a scope closed without {@code join} cancels what
 * it forked and throws {@link IllegalStateException}.
 */
public final class NeverAwaited {

    /** This recipe: {@code recipes never-awaited}. */
    public static final Recipe RECIPE = Recipe.of("never-awaited",
            "\"coroutine ... was never awaited\"", NeverAwaited.class, NeverAwaited::run)
            .differs("Python never runs it and warns; fork() starts it, close() cancels it and"
                    + " throws")
            .normalise("RuntimeWarning", "IllegalStateException")
            .normalise("\\bFalse\\b", "false");

    private NeverAwaited() {}

    static void run(PrintStream out) throws InterruptedException {
        var fetched = new AtomicBoolean();
        // @start region="never-awaited"
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> fetch(fetched));
            // the mistake: no scope.join()
        } catch (IllegalStateException e) {       // close(): "Owner did not join after forking"
            out.println("mistake reported as " + e.getClass().getSimpleName());
        }
        out.println("fetch ran to the end: " + fetched.get());    // close() interrupted it
        // @end
    }

    // @start region="fetch"
    static Void fetch(AtomicBoolean fetched) throws InterruptedException {
        Steps.sleepADay();                        // a slow reply: a day
        fetched.set(true);
        return null;
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
