package dev.loomcookbook.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.patterns.ThreeStagePipeline.Item;
import dev.loomcookbook.testing.Blocked;
import dev.loomcookbook.testing.RecipeRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ThreeStagePipeline}'s stages: back-pressure seen in the producer thread's state and a
 * bounded count, and a shutdown that loses no item.
 */
class ThreeStagePipelineTest {

    private static final int ITEMS = 20;

    /**
     * While the site holds the fetch stage's request, the producer waits in put() with the first
     * queue full, having handed over exactly its capacity plus the one being fetched.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void aSlowStageMakesTheProducerWait(int capacity) throws Exception {
        try (var pipeline = new HeldPipeline(capacity)) {
            List<Item> stored = pipeline.run(new AtomicBoolean(), ids -> {
                assertThat(ids.remainingCapacity()).isZero();
                assertThat(ids.stream().map(Item::id).toList())
                        .isEqualTo(IntStream.rangeClosed(2, capacity + 1).boxed().toList());
            });
            assertThat(stored).extracting(Item::id)
                    .isEqualTo(IntStream.rangeClosed(1, ITEMS).boxed().toList());
        }
    }

    /**
     * A stop requested while the producer waits in put() ends the pipeline with every item it
     * made stored, in order: capacity + 2 of them (the one fetched, the queue, the one in put()).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void aStopLosesNoItem(int capacity) throws Exception {
        var stop = new AtomicBoolean();
        try (var pipeline = new HeldPipeline(capacity)) {
            List<Item> stored = pipeline.run(stop, ids -> stop.set(true));
            List<Integer> made = IntStream.rangeClosed(1, capacity + 2).boxed().toList();
            assertThat(stored).extracting(Item::id).isEqualTo(made);
            assertThat(stored).extracting(Item::page)
                    .isEqualTo(made.stream().map(i -> "page " + i).toList());
            assertThat(pipeline.site.requests()).isEqualTo(capacity + 2);
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
     * The three stages over queues of one capacity, against a site whose /item/N pages answer
     * "page N" only once the pipeline has been seen back-pressured.
     */
    private static final class HeldPipeline implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);
        private final BlockingQueue<Item> ids;
        private final BlockingQueue<Item> pages;
        final EmbeddedSite site = EmbeddedSite.start("items");

        HeldPipeline(int capacity) {
            ids = new ArrayBlockingQueue<>(capacity);
            pages = new ArrayBlockingQueue<>(capacity);
            for (int i = 1; i <= ITEMS; i++) {
                String page = "page " + i;
                site.route("/item/" + i, request -> {
                    release.await();
                    return EmbeddedSite.Answer.ok(page);
                });
            }
        }

        /**
         * Runs the stages, the producer on a thread of its own; once it waits in put() for room
         * that only the held fetch stage would make, calls {@code whileHeld}, then lets the site
         * answer and returns what was stored.
         */
        List<Item> run(AtomicBoolean stop, Consumer<BlockingQueue<Item>> whileHeld)
                throws Exception {
            var stored = new ArrayList<Item>();
            var produced = Blocked.start(Thread.ofVirtual().factory(),
                    () -> ThreeStagePipeline.produce(ids, ITEMS, stop));
            try (var stages = StructuredTaskScope.open()) {
                stages.fork(() -> ThreeStagePipeline.fetch(ids, pages, site));
                stages.fork(() -> ThreeStagePipeline.store(pages, stored));
                try {
                    // In this order: a wait in put() seen before the fetch stage took item 1 may
                    // be for item capacity + 1, which the producer may not have finished putting
                    // when the fetch stage's request is in flight.
                    Eventually.await("the fetch stage's request held", () -> site.inFlight() == 1);
                    // Only the producer fills ids now: full, it holds items 2 to capacity + 1, and
                    // the producer's next wait in put() is for item capacity + 2.
                    Eventually.await("ids full", () -> ids.remainingCapacity() == 0);
                    Blocked.awaitIn(produced.thread(), ArrayBlockingQueue.class, "put");
                    assertThat(stored).isEmpty();
                    whileHeld.accept(ids);
                } finally {
                    release.countDown();
                }
                produced.result().get();
                stages.join();
            } finally {
                produced.thread().interrupt();           // had the test failed before
                produced.thread().join();
            }
            return stored;
        }

        @Override
        public void close() {
            release.countDown();
            site.close();
        }
    }
}
