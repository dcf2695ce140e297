package dev.loomcookbook.sync;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;

/**
 * {@code asyncio.Event}: tasks wait until one {@code set()} lets them all go. The JDK's form is
 * a {@link CountDownLatch} of one: {@code countDown()} is {@code set()}, {@code await()} is
 * {@code wait()}, {@code getCount() == 0} is {@code is_set()}. A latch opens once and stays
 * open: there is no {@code clear()}, so a flag that goes up and down again takes a new latch
 * each round (or a {@code Phaser}).
 */
public final class StartSignal {

    /** This recipe: {@code recipes event}. */
    public static final Recipe RECIPE = Recipe.of("event", "asyncio.Event()", StartSignal.class,
            StartSignal::run)
            .differs("a CountDownLatch opens once: no clear(), make a new latch for the next round")
            .normalise("\\bTrue\\b", "true")
            .normalise("\\bFalse\\b", "false")
            .anyOrder(" goes$");

    private StartSignal() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="event"
        CountDownLatch go = new CountDownLatch(1);                   // asyncio.Event()
        try (var scope = StructuredTaskScope.open()) {
            for (String name : List.of("a", "b", "c")) {
                scope.fork(() -> worker(out, name, go));
            }
            out.println("is_set: " + (go.getCount() == 0));
            boolean set = go.await(100, TimeUnit.MILLISECONDS);     // wait_for(go.wait(), 0.1)
            out.println("set within 100 ms: " + set);
            go.countDown();                                          // go.set()
            scope.join();
        }
        out.println("is_set: " + (go.getCount() == 0));
        // @end
    }

    // @start region="worker"
    static String worker(PrintStream out, String name, CountDownLatch go)
            throws InterruptedException {
        go.await();                                                  // await go.wait()
        out.println(name + " goes");
        return name;
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
