package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;

/** {@code asyncio.create_task(coro)} and {@code await task}: fork a subtask, join the scope. */
public final class CreateTask {

    /** This recipe: {@code recipes create-task}. */
    public static final Recipe RECIPE = Recipe.of("create-task",
            "asyncio.create_task(coro) / await task", CreateTask.class, CreateTask::run)
            .differs("a task starts when main awaits; a fork starts a virtual thread at once");

    private CreateTask() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="create-task"
        try (var scope = StructuredTaskScope.open()) {
            Subtask<Integer> task = scope.fork(() -> compute(21));   // a new virtual thread
            out.println("main goes on while the task runs");
            scope.join();                                           // the await
            out.println("task result = " + task.get());
        }
        // @end
    }

    // @start region="compute"
    static int compute(int x) throws InterruptedException {
        Steps.sleep(1);                                             // await asyncio.sleep(0.1)
        return x * 2;
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
