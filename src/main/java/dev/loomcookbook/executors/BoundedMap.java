package dev.loomcookbook.executors;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Gatherers;
import java.util.stream.IntStream;

/**
 * {@code executor.map(fn, items, buffersize=2)} (3.14): a bounded look-ahead, results in order.
 * The JDK form is {@code Gatherers.mapConcurrent} (final in 24): each item on a virtual thread, at
 * most N at once, results in input order.
 */
public final class BoundedMap {

    /** This recipe: {@code recipes map-buffersize}. */
    public static final Recipe RECIPE = Recipe.of("map-buffersize",
            "executor.map(fn, items, buffersize=2) (3.14)", BoundedMap.class,
            BoundedMap::run)
            .differs("mapConcurrent needs no pool: each item runs on its own virtual thread")
            .normalise("\\bTrue\\b", "true");

    private BoundedMap() {}

    static void run(PrintStream out) {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        // @start region="map-buffersize"
        List<Integer> squares = IntStream.rangeClosed(1, 8).boxed()
                .gather(Gatherers.mapConcurrent(2, x -> {              // at most 2 at once
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                        return x * x;
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }))
                .toList();                                            // in input order
        out.println("results = " + squares);
        out.println("never more than 2 at once: " + (most.get() <= 2));
        // @end
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
