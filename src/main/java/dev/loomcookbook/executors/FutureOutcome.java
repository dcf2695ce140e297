package dev.loomcookbook.executors;

import dev.loomcookbook.recipes.Recipe;
import dev.loomcookbook.tasks.Steps;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code Future.result()}, {@code exception()}, {@code done()}: a finished future's outcome. */
public final class FutureOutcome {

    /** This recipe: {@code recipes future-exception}. */
    public static final Recipe RECIPE = Recipe.of("future-exception",
            "Future.exception() / result() / done()", FutureOutcome.class,
            FutureOutcome::run)
            .differs("exceptionNow() throws for a success, where exception() returns None")
            .normalise("ValueError", "IllegalArgumentException");

    private FutureOutcome() {}

    static void run(PrintStream out) {
        // @start region="future-exception"
        Future<Integer> ok;
        Future<Integer> bad;
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            ok = pool.submit(() -> 42);
            bad = pool.submit(() -> Steps.fail("boom"));
        }                                                        // close() waits for both
        out.println("ok: " + ok.state() + " " + ok.resultNow()); // result()
        Throwable e = bad.exceptionNow();                        // exception()
        out.println("bad: " + bad.state() + " " + e.getClass().getSimpleName() + ": "
                + e.getMessage());
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
