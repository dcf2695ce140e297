package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;

/** {@code asyncio.wait_for(aw, timeout)} and {@code async with asyncio.timeout(t)}. */
public final class WaitFor {

    /** This recipe: {@code recipes wait-for}. */
    public static final Recipe RECIPE = Recipe.of("wait-for",
            "asyncio.wait_for(aw, timeout) / asyncio.timeout(t)", WaitFor.class,
            WaitFor::run)
            .differs("the clock starts at open(), not join(); the exception is a RuntimeException");

    private WaitFor() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="wait-for"
        try (var scope = StructuredTaskScope.open(Joiner.<String>anySuccessfulResultOrThrow(),
                cf -> cf.withTimeout(Duration.ofMillis(200)))) {
            scope.fork(() -> Steps.slow(out, "slow"));
            scope.join();
        } catch (StructuredTaskScope.TimeoutException e) {   // close() has ended slow by now
            out.println("timed out after 200 ms");
        }
        try (var scope = StructuredTaskScope.open(Joiner.<String>anySuccessfulResultOrThrow(),
                cf -> cf.withTimeout(Duration.ofSeconds(30)))) {
            scope.fork(() -> "fast result");
            out.println("in time: " + scope.join());
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
