package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/** {@code gather(*aws, return_exceptions=True)}: failures are results, nothing is cancelled. */
public final class GatherReturnExceptions {

    /** This recipe: {@code recipes gather-return-exceptions}. */
    public static final Recipe RECIPE = Recipe.of("gather-return-exceptions",
            "asyncio.gather(*aws, return_exceptions=True)", GatherReturnExceptions.class,
            GatherReturnExceptions::run)
            .differs("awaitAll() returns nothing itself: keep the Subtask handles and read each")
            .normalise("ValueError", "IllegalArgumentException");

    private GatherReturnExceptions() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="gather-return-exceptions"
        try (var scope = StructuredTaskScope.open(Joiner.<Integer>awaitAll())) {   // never cancels
            List<Subtask<Integer>> tasks = List.of(scope.fork(() -> 1),
                    scope.fork(() -> Steps.fail("boom")), scope.fork(() -> 3));
            scope.join();
            for (int i = 0; i < tasks.size(); i++) {
                Subtask<Integer> t = tasks.get(i);
                out.println("task " + (i + 1) + ": " + switch (t.state()) {
                    case SUCCESS -> "value " + t.get();
                    case FAILED -> "exception " + t.exception().getClass().getSimpleName() + ": "
                            + t.exception().getMessage();
                    case UNAVAILABLE -> "unavailable";
                });
            }
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
