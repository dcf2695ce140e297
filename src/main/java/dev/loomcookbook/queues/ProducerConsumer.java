package dev.loomcookbook.queues;

import dev.loomcookbook.recipes.Recipe;
import dev.loomcookbook.tasks.Steps;
import java.io.PrintStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code asyncio.Queue(maxsize=2)}: a producer and two consumers. */
public final class ProducerConsumer {

    /** This recipe: {@code recipes queue}. */
    public static final Recipe RECIPE = Recipe.of("queue", "asyncio.Queue(maxsize=2)",
            ProducerConsumer.class, ProducerConsumer::run)
            .differs("BlockingQueue has no task_done()/join(): STOP markers end the consumers"
                    + " (queue-join)")
            .normalise("^consumer \\d got", "a consumer got")
            .anyOrder("^a consumer got");

    private static final int STOP = -1;

    private ProducerConsumer() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="queue"
        AtomicInteger total = new AtomicInteger();
        AtomicInteger count = new AtomicInteger();
        BlockingQueue<Integer> q = new ArrayBlockingQueue<>(2);
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> {
                for (int i = 1; i <= 6; i++) {
                    q.put(i);                                // blocks while the queue is full
                }
                q.put(STOP);
                q.put(STOP);
                return null;
            });
            for (int c = 1; c <= 2; c++) {
                int consumer = c;
                scope.fork(() -> {
                    for (int i; (i = q.take()) != STOP;) {  // blocks while it is empty
                        out.println("consumer " + consumer + " got " + i);
                        total.addAndGet(i);
                        count.incrementAndGet();
                        Steps.sleep(1);                      // the work per item
                    }
                    return null;
                });
            }
            scope.join();
        }
        out.println("consumed " + count.get() + " items, total = " + total.get());
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
