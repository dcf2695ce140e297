package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code task.cancel()}: cancel one task and let the others go on. */
public final class Cancel {

    /** This recipe: {@code recipes cancel}. */
    public static final Recipe RECIPE = Recipe.of("cancel", "task.cancel()", Cancel.class,
            Cancel::run)
            .differs("cancel(true) interrupts the task's thread; CancelledError is the interrupt")
            .anyOrder("finished after");

    private Cancel() {}

    static void run(PrintStream out) throws Exception {
        // @start region="cancel"
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> task = executor.submit(() -> Steps.sleepADay());
            Future<String> other = executor.submit(() -> Steps.fetch(out, "other", 1));
            task.cancel(true);                             // interrupts that thread only
            out.println("task: " + task.state());          // CANCELLED
            out.println("other: " + other.get());
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
