package dev.loomcookbook.queues;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;

/**
 * {@code Queue.shutdown(immediate=False)} and {@code shutdown(immediate=True)} (Python 3.13) with
 * {@code QueueShutDown}: consumers end when the queue is shut down and empty, no marker item
 * needed; an immediate shutdown drops the backlog.
 */
public final class QueueShutdown {

    /** This recipe: {@code recipes queue-shutdown}. */
    public static final Recipe RECIPE = Recipe.of("queue-shutdown",
            "Queue.shutdown(immediate=...) / QueueShutDown (3.13)", QueueShutdown.class,
            QueueShutdown::run)
            .differs("the JDK's queues cannot be shut down: JoinableQueue is the project's own")
            .normalise("\\bTrue\\b", "true");

    private QueueShutdown() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="shutdown"
        JoinableQueue<Integer> q = JoinableQueue.fifo(10);                 // (project)
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> consume(out, q));
            for (int i = 1; i <= 3; i++) {
                q.put(i);
            }
            q.shutdown(false);              // no more puts; the items in it still come out
            scope.join();
        }
        try {
            q.put(4);
        } catch (QueueShutDownException e) {
            out.println("put(4): " + e.getMessage());
        }
        // @end
        // @start region="immediate"
        JoinableQueue<Integer> backlog = JoinableQueue.fifo(10);
        for (int i = 1; i <= 3; i++) {
            backlog.put(i);
        }
        int inHand = backlog.take();        // taken, not yet done
        backlog.shutdown(true);             // 2 and 3 are dropped, and count as done
        out.println("left after shutdown(immediate=true): " + backlog.size());
        try {
            backlog.take();
        } catch (QueueShutDownException e) {
            out.println("one more: " + e.getMessage());
        }
        out.println("done with " + inHand);
        backlog.taskDone();
        backlog.join();                     // nothing is left unfinished
        out.println("join() returned");
        // @end
    }

    // @start region="consume"
    /** Takes and processes items until the queue is shut down and empty. */
    static Void consume(PrintStream out, JoinableQueue<Integer> q) throws InterruptedException {
        try {
            while (true) {
                int item = q.take();
                out.println("got " + item);
                q.taskDone();
            }
        } catch (QueueShutDownException e) {    // except QueueShutDown:
            out.println("consumer ends: " + e.getMessage() + " and empty");
            return null;
        }
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
