package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/** {@code asyncio.wait(aws)} (ALL_COMPLETED): every task ends, failed or not. */
public final class WaitAllCompleted {

    /** This recipe: {@code recipes wait-all-completed}. */
    public static final Recipe RECIPE = Recipe.of("wait-all-completed",
            "asyncio.wait(aws) (return_when=ALL_COMPLETED)", WaitAllCompleted.class,
            WaitAllCompleted::run)
            .differs("open() alone (awaitAllSuccessfulOrThrow) would cancel a and c when b fails")
            .anyOrder("finished after");

    private WaitAllCompleted() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="wait-all-completed"
        try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll())) {
            Subtask<String> a = scope.fork(() -> Steps.fetch(out, "a", 1));
            Subtask<String> b = scope.fork(() -> Steps.fail("b failed"));
            Subtask<String> c = scope.fork(() -> Steps.fetch(out, "c", 2));
            scope.join();                    // waits for every subtask, failed or not
            out.println("a: " + a.state() + ", b: " + b.state() + " (" + b.exception().getMessage()
                    + "), c: " + c.state());
            long done = List.of(a, b, c).stream()
                    .filter(t -> t.state() != Subtask.State.UNAVAILABLE).count();
            out.println("done: " + done + ", pending: " + (3 - done));
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
