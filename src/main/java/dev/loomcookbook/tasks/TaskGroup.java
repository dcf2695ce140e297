package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;

/** {@code async with asyncio.TaskGroup()}: a failure cancels the siblings, then is raised. */
public final class TaskGroup {

    /** This recipe: {@code recipes task-group}. */
    public static final Recipe RECIPE = Recipe.of("task-group",
            "async with asyncio.TaskGroup() as tg", TaskGroup.class, TaskGroup::run)
            .differs("TaskGroup raises an ExceptionGroup of every failure before the cancel;"
                    + " join() the first")
            .normalise("ValueError", "IllegalArgumentException");

    private TaskGroup() {}

    static void run(PrintStream out) throws InterruptedException {
        // @formatter:off (the README shows this region as written; its print is 99 columns there)
        // @start region="task-group"
        try (var scope = StructuredTaskScope.open()) {     // awaitAllSuccessfulOrThrow
            scope.fork(() -> Steps.slow(out, "slow"));
            scope.fork(() -> Steps.fail("boom"));
            scope.join();
        } catch (StructuredTaskScope.FailedException e) {  // after close() has ended slow
            Throwable failure = e.getCause();              // the first failure
            out.println("failed: " + failure.getClass().getSimpleName() + ": " + failure.getMessage());
        }
        // @end
        // @formatter:on
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
