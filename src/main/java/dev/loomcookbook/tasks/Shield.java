package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.StructuredTaskScope;

/** {@code asyncio.shield(aw)}: the waiter is cancelled, the work it waits for is not. */
public final class Shield {

    /** This recipe: {@code recipes shield}. */
    public static final Recipe RECIPE = Recipe.of("shield", "asyncio.shield(aw)", Shield.class,
            Shield::run)
            .differs("no shield: run the work outside the scope (an executor that outlives it)")
            .normalise("ValueError", "IllegalArgumentException")
            .normalise("\\bFalse\\b", "false");

    private Shield() {}

    static void run(PrintStream out) throws Exception {
        CountDownLatch groupDone = new CountDownLatch(1);    // save() waits for it, to outlive the group
        // @start region="shield"
        try (ExecutorService saver = Executors.newVirtualThreadPerTaskExecutor()) {   // outside
            Future<String> save = saver.submit(() -> save(out, groupDone));
            try (var scope = StructuredTaskScope.open()) {
                scope.fork(() -> handler(out, save));
                scope.fork(() -> Steps.fail("client went away"));
                scope.join();
            } catch (StructuredTaskScope.FailedException e) {
                out.println("group failed: " + e.getCause().getMessage());
            }
            groupDone.countDown();
            out.println("save done yet: " + save.isDone());
            out.println("save result: " + save.get());       // saver.close() would wait too
        }
        // @end
    }

    // @start region="handler"
    static String handler(PrintStream out, Future<String> save) throws Exception {
        try {
            return save.get();                      // only this wait is interrupted
        } catch (InterruptedException e) {
            out.println("handler was cancelled; save goes on");
            throw e;
        }
    }
    // @end

    static String save(PrintStream out, CountDownLatch groupDone) throws InterruptedException {
        groupDone.await();
        Steps.sleep(1);
        out.println("save finished");
        return "saved";
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
