package dev.loomcookbook.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.patterns.ThreeStagePipeline.Item;
import dev.loomcookbook.testing.RecipeRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ThreeStagePipeline}'s stages: back-pressure seen in the producer thread's state and a
 * bounded count, and a shutdown that loses no item.
 */
class ThreeStagePipelineTest {

    private static final String PUT = "java.util.concurrent.ArrayBlockingQueue.put";

    /**
     * While the site holds the fetch stage's request, the producer waits in put() with the first
     * queue full, having handed over exactly its capacity plus the one being fetched.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void aSlowStageMakesTheProducerWait(int capacity) throws Exception {
        var release = new CountDownLatch(1);
        try (var site = heldSite(20, release)) {
            BlockingQueue<Item> ids = new ArrayBlockingQueue<>(capacity);
            BlockingQueue<Item> pages = new ArrayBlockingQueue<>(capacity);
            var stored = new ArrayList<Item>();
            var producer = Thread.ofVirtual().unstarted(() -> run(() ->
                    ThreeStagePipeline.produce(ids, 20, new AtomicBoolean())));
            try (var stages = StructuredTaskScope.open(); var ending = ending(producer, release)) {
                producer.start();
                stages.fork(() -> ThreeStagePipeline.fetch(ids, pages, site));
                stages.fork(() -> ThreeStagePipeline.store(pages, stored));
                awaitBackPressure(producer, ids, site);
                assertThat(ids.stream().map(Item::id).toList())
                        .isEqualTo(IntStream.rangeClosed(2, capacity + 1).boxed().toList());
                assertThat(stored).isEmpty();
                release.countDown();
                producer.join();
                stages.join();
            }
            assertThat(stored).extracting(Item::id)
                    .isEqualTo(IntStream.rangeClosed(1, 20).boxed().toList());
        }
    }

    /**
     * A stop requested while the producer waits in put() ends the pipeline with every item it
     * made stored, in order: capacity + 2 of them (the one fetched, the queue, the one in put()).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void aStopLosesNoItem(int capacity) throws Exception {
        var release = new CountDownLatch(1);
        try (var site = heldSite(20, release)) {
            BlockingQueue<Item> ids = new ArrayBlockingQueue<>(capacity);
            BlockingQueue<Item> pages = new ArrayBlockingQueue<>(capacity);
            var stop = new AtomicBoolean();
            var stored = new ArrayList<Item>();
            var producer = Thread.ofVirtual().unstarted(() -> run(() ->
                    ThreeStagePipeline.produce(ids, 20, stop)));
            try (var stages = StructuredTaskScope.open(); var ending = ending(producer, release)) {
                producer.start();
                stages.fork(() -> ThreeStagePipeline.fetch(ids, pages, site));
                stages.fork(() -> ThreeStagePipeline.store(pages, stored));
                awaitBackPressure(producer, ids, site);
                stop.set(true);
                release.countDown();
                producer.join();
                stages.join();
            }
            List<Integer> made = IntStream.rangeClosed(1, capacity + 2).boxed().toList();
            assertThat(stored).extracting(Item::id).isEqualTo(made);
            assertThat(stored).extracting(Item::page)
                    .isEqualTo(made.stream().map(i -> "page " + i).toList());
            assertThat(site.requests()).isEqualTo(capacity + 2);
        }
    }

    /** The recipe: the producer waits while item 1 is held, and the four items made are stored. */
    @Test
    void theRecipeStoresEveryItemMade() {
        assertThat(RecipeRun.lines(ThreeStagePipeline.RECIPE)).containsExactly(
                "the site holds item 1, ids holds 2 of 2: the producer waits in put()",
                "stored 4 items: [page 1, page 2, page 3, page 4]",
                "the site answered 4 requests; lost: 0");
    }

    /**
     * Waits until the fetch stage's request is held by the site, the first queue is full and the
     * producer is parked in put(): then it holds the next item and can go no further.
     */
    private static void awaitBackPressure(Thread producer, BlockingQueue<Item> ids,
            EmbeddedSite site) throws InterruptedException {
        Eventually.await("the producer waiting in put() with the queue full",
                () -> site.inFlight() == 1 && ids.remainingCapacity() == 0
                        && Eventually.parkedIn(producer, PUT));
    }

    /** A site whose /item/N pages answer "page N" once {@code release} is open. */
    private static EmbeddedSite heldSite(int items, CountDownLatch release) {
        var site = EmbeddedSite.start("items");
        for (int i = 1; i <= items; i++) {
            String page = "page " + i;
            site.route("/item/" + i, request -> {
                release.await();
                return EmbeddedSite.Answer.ok(page);
            });
        }
        return site;
    }

    /** On close, releases the site and ends {@code producer}, had the test failed before. */
    private static AutoCloseable ending(Thread producer, CountDownLatch release) {
        return () -> {
            release.countDown();
            if (producer.isAlive()) {
                producer.interrupt();
                producer.join();
            }
        };
    }

    private interface Stage {
        Void run() throws Exception;
    }

    private static void run(Stage stage) {
        try {
            stage.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
