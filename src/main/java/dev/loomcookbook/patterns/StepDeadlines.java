package dev.loomcookbook.patterns;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;

/**
 * A step timeout inside an overall deadline: three steps of 1 s at most each, all within 1.5 s,
 * nested as {@code async with asyncio.timeout()} blocks nest. (The overall deadline falls half a
 * second after the second step's timeout and half a second before the third's: a margin that
 * no stall of a busy machine closes.)
 */
public final class StepDeadlines {

    /** This recipe: {@code recipes step-timeout}. */
    public static final Recipe RECIPE = Recipe.of("step-timeout",
            "async with asyncio.timeout(t), nested: a step timeout in a deadline",
            StepDeadlines.class, StepDeadlines::run)
            .differs("a scope's deadline is fixed at open(); asyncio's can be moved with"
                    + " reschedule()");

    private StepDeadlines() {}

    static void run(PrintStream out) throws Exception {
        try (var site = EmbeddedSite.start("shop")) {
            site.page("/cart", "3 items\n").hang("/recommendations").hang("/reviews");
            // @start region="step-timeout"
            try (var overall = StructuredTaskScope.open(Joiner.awaitAllSuccessfulOrThrow(),
                    cf -> cf.withTimeout(Duration.ofMillis(1500)))) {
                overall.fork(() -> {
                    for (String path : List.of("/cart", "/recommendations", "/reviews")) {
                        out.println(path + ": " + step(site.uri(path), Duration.ofSeconds(1)));
                    }
                    return null;
                });
                overall.join();
            } catch (StructuredTaskScope.TimeoutException e) {
                out.println("overall deadline of 1500 ms passed: the step in flight was cancelled");
            }
            // @end
            site.awaitHangUps(2, Duration.ofSeconds(10));
            out.println("the site saw " + site.hangUps() + " clients hang up");
        }
    }

    // @start region="step"
    /** One step, in its own scope with its own timeout: the inner {@code asyncio.timeout}. */
    static String step(URI page, Duration timeout) throws InterruptedException {
        try (var scope = StructuredTaskScope.open(Joiner.<String>anySuccessfulResultOrThrow(),
                cf -> cf.withTimeout(timeout))) {
            scope.fork(() -> HttpGet.get(page).body().strip());
            return scope.join();
        } catch (StructuredTaskScope.TimeoutException e) {    // this step's own timeout only,
            return "skipped, no answer within " + timeout.toMillis() + " ms"; // the overall one
        }                                                     // interrupts join() instead
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
