package dev.loomcookbook.executors;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code ThreadPoolExecutor.map(fn, items, timeout=)}: results in input order, one deadline. */
public final class ExecutorMap {

    /** This recipe: {@code recipes executor-map}. */
    public static final Recipe RECIPE = Recipe.of("executor-map",
            "ThreadPoolExecutor.map(fn, items, timeout=)", ExecutorMap.class,
            ExecutorMap::run)
            .differs(
                    "no map(): submit each, get() in order against one deadline; cancel interrupts");

    private ExecutorMap() {}

    static void run(PrintStream out) throws InterruptedException, ExecutionException {
        // @start region="executor-map"
        List<Integer> items = List.of(1, 2, 3, 4, 5);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Integer>> results = items.stream()
                    .map(x -> pool.submit(() -> square(x))).toList();
            // One deadline from the call: long enough for items 1 to 3 on a busy machine.
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            int next = 0;
            try {
                for (; next < results.size(); next++) {
                    long left = deadline - System.nanoTime();
                    out.println("result " + results.get(next).get(left, TimeUnit.NANOSECONDS));
                }
            } catch (TimeoutException e) {
                out.println("timed out waiting for result " + (next + 1));
                results.forEach(f -> f.cancel(true));     // and interrupts the slow one
            }
        }
        out.println("map done");
        // @end
    }

    // @start region="square"
    static int square(int x) throws InterruptedException {
        if (x == 4) {
            Thread.sleep(Duration.ofDays(1));             // item 4 is slow
        }
        return x * x;
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
