package dev.loomcookbook.queues;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code put_nowait}, {@code get_nowait} and {@code get} with a timeout: a queue operation that
 * does not wait, or waits at most so long.
 */
public final class NoWait {

    /** This recipe: {@code recipes queue-nowait}. */
    public static final Recipe RECIPE = Recipe.of("queue-nowait",
            "put_nowait / get_nowait / wait_for(q.get(), t)", NoWait.class, NoWait::run)
            .differs("false and null, not QueueFull, QueueEmpty, TimeoutError (add/remove throw)");

    private NoWait() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="queue-nowait"
        BlockingQueue<Integer> q = new ArrayBlockingQueue<>(1);
        boolean in = q.offer(1);                            // put_nowait(1)
        out.println("put 1 without waiting: " + (in ? "ok" : "full"));
        in = q.offer(2);                                    // put_nowait(2): QueueFull
        out.println("put 2 without waiting: " + (in ? "ok" : "full"));
        Integer item = q.poll();                            // get_nowait()
        out.println("get without waiting: " + item);
        item = q.poll();                                    // get_nowait(): QueueEmpty
        out.println("get without waiting: " + (item == null ? "empty" : item));
        item = q.poll(100, TimeUnit.MILLISECONDS);          // wait_for(q.get(), 0.1): TimeoutError
        out.println("get within 100 ms: " + (item == null ? "timed out" : item));
        Thread putter = Thread.ofVirtual().start(() -> q.offer(7));     // someone else puts one
        item = q.poll(30, TimeUnit.SECONDS);                // returns as soon as it is in
        out.println("get within 30 s: " + item);
        putter.join();
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
