package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;

/**
 * A task group cancelled from outside: cancelling the task that runs {@code async with
 * TaskGroup()} cancels every task in the group (Python 3.15 also has {@code tg.cancel()}).
 */
public final class CancelFromOutside {

    /** This recipe: {@code recipes cancel-from-outside}. */
    public static final Recipe RECIPE = Recipe.of("cancel-from-outside",
            "group_task.cancel(): a TaskGroup cancelled from outside",
            CancelFromOutside.class, CancelFromOutside::run)
            .differs("there is no scope.cancel(): interrupt the owner in join(); close() cancels"
                    + " the rest")
            .anyOrder("was cancelled$");

    private CancelFromOutside() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="cancel-from-outside"
        var started = new CountDownLatch(2);
        Thread groupTask = Thread.ofVirtual().start(() -> group(out, started));   // create_task
        started.await();
        groupTask.interrupt();                    // group_task.cancel(): its join() is interrupted
        groupTask.join();                         // await group_task
        out.println("group task ended");
        // @end
    }

    // @start region="group"
    static void group(PrintStream out, CountDownLatch started) {
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> work(out, "a", started));
            scope.fork(() -> work(out, "b", started));
            scope.join();
        } catch (InterruptedException e) {       // close() has cancelled a and b by now
            out.println("the group was cancelled from outside");
        }
    }
    // @end

    static String work(PrintStream out, String name, CountDownLatch started)
            throws InterruptedException {
        started.countDown();
        return Steps.slow(out, name);
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
