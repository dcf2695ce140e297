package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/** {@code asyncio.wait(aws, return_when=FIRST_COMPLETED)}: go on when the first one ends. */
public final class WaitFirstCompleted {

    /** This recipe: {@code recipes wait-first-completed}. */
    public static final Recipe RECIPE = Recipe.of("wait-first-completed",
            "asyncio.wait(aws, return_when=FIRST_COMPLETED)", WaitFirstCompleted.class,
            WaitFirstCompleted::run)
            .differs("the scope cancels the pending task itself; wait() leaves it running")
            .normalise("^pending: slow, still running$", "pending: slow, UNAVAILABLE")
            .anyOrder("was cancelled");

    private WaitFirstCompleted() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="wait-first-completed"
        try (var scope = StructuredTaskScope.open(Joiner.<String>allUntil(done -> true))) {
            Subtask<String> slow = scope.fork(() -> Steps.slow(out, "slow"));
            Subtask<String> fast = scope.fork(() -> "fast result");
            scope.join();                    // the first to complete cancels the scope
            out.println("done: " + fast.get());
            out.println("pending: slow, " + slow.state());      // UNAVAILABLE: interrupted
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
