package dev.loomcookbook.executors;

import dev.loomcookbook.recipes.Recipe;
import dev.loomcookbook.tasks.Steps;
import java.io.PrintStream;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** {@code concurrent.futures.as_completed(fs)}: futures in the order they finish. */
public final class CompletionOrder {

    /** This recipe: {@code recipes futures-as-completed}. */
    public static final Recipe RECIPE = Recipe.of("futures-as-completed",
            "concurrent.futures.as_completed(fs)", CompletionOrder.class,
            CompletionOrder::run)
            .differs("take() hands out the futures in completion order, as as_completed yields")
            .anyOrder("finished after")
            .anyOrder("^as_completed gives");

    private CompletionOrder() {}

    static void run(PrintStream out) throws InterruptedException, ExecutionException {
        // @start region="futures-as-completed"
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            CompletionService<String> done = new ExecutorCompletionService<>(pool);
            done.submit(() -> Steps.fetch(out, "a", 3));
            done.submit(() -> Steps.fetch(out, "b", 1));
            done.submit(() -> Steps.fetch(out, "c", 2));
            for (int i = 0; i < 3; i++) {
                out.println("as_completed gives " + done.take().get());   // b, c, a
            }
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
