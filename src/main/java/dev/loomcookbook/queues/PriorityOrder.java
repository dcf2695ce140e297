package dev.loomcookbook.queues;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.concurrent.PriorityBlockingQueue;

/** {@code asyncio.PriorityQueue}: the least item comes out first, whatever order it went in. */
public final class PriorityOrder {

    /** This recipe: {@code recipes priority-queue}. */
    public static final Recipe RECIPE = Recipe.of("priority-queue", "asyncio.PriorityQueue",
            PriorityOrder.class, PriorityOrder::run)
            .differs("unbounded, put never waits; a bounded one: JoinableQueue.priority (project)");

    private PriorityOrder() {}

    // @start region="priority-queue"
    /** A job and its priority, lower first: Python's {@code (priority, name)} tuple. */
    record Job(int priority, String name) {

        /** Python compares the whole tuple; Java says so: priority, then name on a tie. */
        static final Comparator<Job> ORDER =
                Comparator.comparingInt(Job::priority).thenComparing(Job::name);
    }
    // @end

    static void run(PrintStream out) throws InterruptedException {
        // @start region="run"
        PriorityBlockingQueue<Job> q = new PriorityBlockingQueue<>(11, Job.ORDER);
        q.put(new Job(3, "low"));
        q.put(new Job(1, "urgent"));
        q.put(new Job(2, "normal"));
        q.put(new Job(1, "also urgent"));
        while (!q.isEmpty()) {
            Job job = q.take();
            out.println(job.priority() + " " + job.name());
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
