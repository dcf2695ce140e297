package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/** {@code task.cancel()} on one task of a {@code TaskGroup}: the group goes on. */
public final class CancelInGroup {

    /** This recipe: {@code recipes cancel-in-group}. */
    public static final Recipe RECIPE = Recipe.of("cancel-in-group",
            "task.cancel() inside a TaskGroup", CancelInGroup.class, CancelInGroup::run)
            .differs("a scope cancels only as a whole: the task gets a nested scope (CancelToken)")
            .normalise("CancelledError", "CancellationException")
            .anyOrder("finished after");

    private CancelInGroup() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="cancel-in-group"
        var token = new CancelToken();                            // this project's helper
        try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll())) {
            Subtask<String> task = scope.fork(() -> token.run(() -> Steps.sleepADay()));
            Subtask<String> other = scope.fork(() -> Steps.fetch(out, "other", 1));
            token.cancel();                                       // ends the nested scope only
            scope.join();
            out.println("task: " + task.exception().getClass().getSimpleName());
            out.println("other: " + other.get());
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
