package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;

/** {@code asyncio.as_completed(aws)}: each result as soon as its task ends. */
public final class AsCompleted {

    /** This recipe: {@code recipes as-completed}. */
    public static final Recipe RECIPE = Recipe.of("as-completed", "asyncio.as_completed(aws)",
            AsCompleted.class, AsCompleted::run)
            .differs("the JDK has no such joiner: AsCompletedJoiner (project) queues each outcome")
            .anyOrder("finished after")
            .anyOrder("^as_completed yields");

    private AsCompleted() {}

    static void run(PrintStream out) throws Exception {
        // @start region="as-completed"
        var asCompleted = new AsCompletedJoiner<String>();           // this project's Joiner
        try (var scope = StructuredTaskScope.open(asCompleted)) {
            scope.fork(() -> Steps.fetch(out, "a", 3));
            scope.fork(() -> Steps.fetch(out, "b", 1));
            scope.fork(() -> Steps.fetch(out, "c", 2));
            while (asCompleted.hasNext()) {
                out.println("as_completed yields " + asCompleted.next().get());   // b, c, a
            }
            scope.join();
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
