package dev.loomcookbook.queues;

import dev.loomcookbook.recipes.Recipe;
import dev.loomcookbook.tasks.Steps;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code Queue.task_done()} and {@code Queue.join()}: wait until every item has been processed,
 * not merely taken, then cancel the workers.
 */
public final class TaskDoneJoin {

    /** This recipe: {@code recipes queue-join}. */
    public static final Recipe RECIPE = Recipe.of("queue-join",
            "Queue.task_done() / await Queue.join()", TaskDoneJoin.class, TaskDoneJoin::run)
            .differs("the JDK's queues have no task_done/join: JoinableQueue is the project's own")
            .anyOrder("^item \\d done$");

    private TaskDoneJoin() {}

    // The workers end only by cancellation (shutdownNow): their futures hold nothing to read.
    @SuppressWarnings("FutureReturnValueIgnored")
    static void run(PrintStream out) throws InterruptedException {
        // @start region="queue-join"
        JoinableQueue<Integer> q = JoinableQueue.fifo();             // (project), unbounded
        for (int i = 1; i <= 4; i++) {
            q.put(i);
        }
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < 2; w++) {
                workers.submit(() -> {
                    while (true) {
                        int item = q.take();    // an interrupt (cancel) ends the worker here
                        Steps.sleep(1);         // the work per item
                        out.println("item " + item + " done");
                        done.incrementAndGet();
                        q.taskDone();           // q.task_done()
                    }
                });
            }
            q.join();                           // every item taken *and* marked done
            out.println("join() returned: " + done.get() + " of 4 items done");
            workers.shutdownNow();              // for w in workers: w.cancel()
        }                                       // close() waits for the workers to end
        out.println("workers ended");
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
