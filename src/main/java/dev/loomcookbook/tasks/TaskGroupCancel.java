package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code tg.cancel()} (Python 3.15): end a task group early, without an error, once its goal is
 * met; here, once two of three replicas have answered (a quorum).
 */
public final class TaskGroupCancel {

    /** This recipe: {@code recipes task-group-cancel}. */
    public static final Recipe RECIPE = Recipe.of("task-group-cancel", "TaskGroup.cancel() (3.15)",
            TaskGroupCancel.class, TaskGroupCancel::run)
            .differs("Joiner.allUntil decides as each subtask completes; before 3.15 Python"
                    + " raises an exception")
            .normalise("'", "")
            .anyOrder("finished after");

    private TaskGroupCancel() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="task-group-cancel"
        List<String> answers;
        try (var scope = StructuredTaskScope.open(Joiner.allUntil(quorum(2)))) {
            scope.fork(() -> Steps.fetch(out, "a", 1));
            scope.fork(() -> Steps.fetch(out, "b", 2));
            scope.fork(() -> Steps.slow(out, "c"));           // cancelled once a and b answered
            answers = scope.join()                            // returns: no exception to catch
                    .filter(s -> s.state() == Subtask.State.SUCCESS).map(Subtask::get).toList();
        }                                                     // close() waits for c to end
        out.println("answers: " + answers);
        // @end
    }

    // @start region="quorum"
    /** True for the subtask whose success makes {@code n}: the scope is then cancelled. */
    static Predicate<Subtask<? extends String>> quorum(int n) {
        var answered = new AtomicInteger();                   // called on the subtasks' threads
        return s -> s.state() == Subtask.State.SUCCESS && answered.incrementAndGet() == n;
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
