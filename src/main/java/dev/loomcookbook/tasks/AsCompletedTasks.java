package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;

/**
 * {@code async for task in asyncio.as_completed(tasks)} (Python 3.13): the original tasks, each as
 * soon as it is done, so the loop knows which one it got.
 */
public final class AsCompletedTasks {

    /** This recipe: {@code recipes as-completed-tasks}. */
    public static final Recipe RECIPE = Recipe.of("as-completed-tasks",
            "async for task in asyncio.as_completed(tasks) (3.13)", AsCompletedTasks.class,
            AsCompletedTasks::run)
            .differs("yields fork()'s own subtask, outcome attached: Subtask.get() must wait for"
                    + " join()")
            .anyOrder("^as_completed yields");

    private AsCompletedTasks() {}

    static void run(PrintStream out) throws Exception {
        // @start region="as-completed-tasks"
        var asCompleted = new AsCompletedJoiner<Integer>();          // this project's Joiner
        try (var scope = StructuredTaskScope.open(asCompleted)) {
            Map<Subtask<? extends Integer>, Integer> inputs = new HashMap<>();
            for (int n : List.of(3, 1, 2)) {
                inputs.put(scope.fork(() -> square(n)), n);
            }
            while (asCompleted.hasNext()) {
                var done = asCompleted.next();                       // 1, then 2, then 3
                out.println("as_completed yields the task for " + inputs.get(done.subtask())
                        + ": " + done.get());
            }
            scope.join();
        }
        // @end
    }

    // @start region="square"
    static int square(int n) throws InterruptedException {
        Steps.sleep(n);                                              // n steps of 100 ms
        return n * n;
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
