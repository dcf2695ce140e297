package dev.loomcookbook.tasks;

import static dev.loomcookbook.tasks.RequestContext.REQUEST_ID;

import dev.loomcookbook.futures.Offload;
import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/** {@code contextvars.ContextVar}: what tasks, threads and pools see of the context. */
public final class ContextVars {

    /** This recipe: {@code recipes contextvars}. */
    public static final Recipe RECIPE = Recipe.of("contextvars", "contextvars.ContextVar",
            ContextVars.class, ContextVars::run)
            .differs("a ScopedValue is bound for a call, never set; no pool thread inherits it");

    private ContextVars() {}

    static void run(PrintStream out) throws Exception {
        // @start region="contextvars"
        try (ExecutorService pool = Executors.newFixedThreadPool(1)) {
            ScopedValue.where(REQUEST_ID, "req-42").call(() -> {
                try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow())) {
                    scope.fork(() -> handle("task 1"));             // subtasks inherit it
                    scope.fork(() -> handle("task 2"));
                    scope.join().map(Subtask::get).forEach(out::println);
                }
                Thread plain =
                        Thread.ofPlatform().start(() -> out.println(handle("a plain thread")));
                plain.join();
                String id = REQUEST_ID.get();                       // to_thread copies: rebind it
                out.println(Offload.call(pool,
                        () -> ScopedValue.where(REQUEST_ID, id).call(() -> handle("to_thread"))));
                out.println(Offload.call(pool, () -> handle("run_in_executor")));
                return null;
            });
        }
        // @end
    }

    // @start region="handle"
    static String handle(String who) {
        return who + " sees " + REQUEST_ID.orElse("(unbound)");
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
