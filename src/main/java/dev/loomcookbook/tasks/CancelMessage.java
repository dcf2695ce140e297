package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/** {@code task.cancel(msg)}: the task and whoever awaits it learn why it was cancelled. */
public final class CancelMessage {

    /** This recipe: {@code recipes cancel-message}. */
    public static final Recipe RECIPE = Recipe.of("cancel-message", "task.cancel(msg)",
            CancelMessage.class, CancelMessage::run)
            .differs("an interrupt has no message, nor has Future.cancel:"
                    + " CancelToken (project) keeps it")
            .normalise("CancelledError", "CancellationException");

    private CancelMessage() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="cancel-message"
        var token = new CancelToken();                                // this project's helper
        try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll())) {
            Subtask<String> task = scope.fork(() -> token.run(() -> download(out, token)));
            token.cancel("client went away");                         // task.cancel(msg)
            scope.join();
            Throwable e = task.exception();                           // what await task raises
            out.println("await task raised: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
        // @end
    }

    // @start region="download"
    static String download(PrintStream out, CancelToken token) throws InterruptedException {
        try {
            return Steps.sleepADay();
        } catch (InterruptedException e) {                            // it carries no message
            out.println("download was cancelled: " + token.reason().orElse("(no reason)"));
            throw e;
        }
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
