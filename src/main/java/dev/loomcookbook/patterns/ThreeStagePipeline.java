package dev.loomcookbook.patterns;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A producer/consumer pipeline of three stages joined by bounded queues: back-pressure (a slow
 * stage makes the producer wait in {@code put}) and a clean shutdown that loses no item.
 */
// END is a sentinel, compared by identity (Python's `is`): no real item can be it.
@SuppressWarnings("ReferenceEquality")
public final class ThreeStagePipeline {

    /** This recipe: {@code recipes pipeline}. */
    public static final Recipe RECIPE = Recipe.of("pipeline",
            "asyncio.Queue(maxsize=2): a pipeline of three stages",
            ThreeStagePipeline.class, ThreeStagePipeline::run)
            .differs("an end marker is passed on; 3.13's Queue.shutdown() would end the stages"
                    + " instead");

    /** What goes down the pipeline: an item's number and, once fetched, its page. */
    record Item(int id, String page) {}

    /** The end of the stream, passed on by every stage. */
    static final Item END = new Item(0, "");

    private ThreeStagePipeline() {}

    static void run(PrintStream out) throws Exception {
        var serverHolds = new CountDownLatch(1);    // the slow stage: answers wait for this
        try (var site = EmbeddedSite.start("items")) {
            for (int i = 1; i <= 10; i++) {
                String page = "page " + i;
                site.route("/item/" + i, request -> {
                    serverHolds.await();
                    return EmbeddedSite.Answer.ok(page);
                });
            }
            // @start region="pipeline"
            BlockingQueue<Item> ids = new ArrayBlockingQueue<>(2);
            BlockingQueue<Item> pages = new ArrayBlockingQueue<>(2);
            AtomicBoolean stop = new AtomicBoolean();
            List<Item> stored = new ArrayList<>();
            var producer = new AtomicReference<Thread>();              // to watch its state
            try (var scope = StructuredTaskScope.open()) {
                scope.fork(() -> {
                    producer.set(Thread.currentThread());
                    return produce(ids, 10, stop);
                });
                scope.fork(() -> fetch(ids, pages, site));
                scope.fork(() -> store(pages, stored));
                awaitUntil(() -> site.inFlight() == 1 && ids.remainingCapacity() == 0
                        && producer.get().getState() == Thread.State.WAITING);
                out.println("the site holds item 1, ids holds 2 of 2: the producer waits in put()");
                stop.set(true);                 // a clean shutdown: no new item, and every
                serverHolds.countDown();        // item already made goes through
                scope.join();
            }
            out.println("stored " + stored.size() + " items: " + stored.stream()
                    .map(Item::page).toList());
            // @end
            out.println("the site answered " + site.requests() + " requests; lost: "
                    + (site.requests() - stored.size()));
        }
    }

    // @start region="stages"
    /** Stage 1: items 1 to {@code count} into {@code out}, until {@code stop}; then the end. */
    static Void produce(BlockingQueue<Item> out, int count, AtomicBoolean stop)
            throws InterruptedException {
        for (int id = 1; id <= count && !stop.get(); id++) {
            out.put(new Item(id, null));        // waits while the queue is full: back-pressure
        }
        out.put(END);
        return null;
    }

    /** Stage 2: each item's page, fetched from {@code site}, until the end, which it passes on. */
    static Void fetch(BlockingQueue<Item> in, BlockingQueue<Item> out, EmbeddedSite site)
            throws Exception {
        for (Item item; (item = in.take()) != END;) {
            String page = HttpGet.get(site.uri("/item/" + item.id())).body();
            out.put(new Item(item.id(), page));
        }
        out.put(END);
        return null;
    }

    /** Stage 3: keeps every item until the end. */
    static Void store(BlockingQueue<Item> in, List<Item> stored) throws InterruptedException {
        for (Item item; (item = in.take()) != END;) {
            stored.add(item);
        }
        return null;
    }
    // @end

    /** Waits until {@code condition} holds (a few milliseconds here); fails after 10 s. */
    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the pipeline did not fill within 10 s");
            }
            Thread.sleep(1);
        }
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
