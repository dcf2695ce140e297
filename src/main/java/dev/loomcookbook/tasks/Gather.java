package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/** {@code asyncio.gather(*aws)}: the results in the order given, whatever order they end in. */
public final class Gather {

    /** This recipe: {@code recipes gather}. */
    public static final Recipe RECIPE = Recipe.of("gather", "asyncio.gather(*aws)", Gather.class,
            Gather::run)
            .differs("on a failure gather lets the others run on; this joiner cancels them")
            .normalise("'", "")
            .anyOrder("finished after");

    private Gather() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="gather"
        try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow())) {
            scope.fork(() -> Steps.fetch(out, "a", 3));
            scope.fork(() -> Steps.fetch(out, "b", 1));
            scope.fork(() -> Steps.fetch(out, "c", 2));
            List<String> results = scope.join().map(Subtask::get).toList();   // fork order
            out.println("results = " + results);
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
