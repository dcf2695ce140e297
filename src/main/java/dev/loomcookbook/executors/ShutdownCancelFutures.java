package dev.loomcookbook.executors;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.stream.IntStream;

/**
 * {@code executor.shutdown(cancel_futures=True)}: the queued tasks are cancelled, the running one
 * finishes.
 */
public final class ShutdownCancelFutures {

    /** This recipe: {@code recipes shutdown-cancel-futures}. */
    public static final Recipe RECIPE = Recipe.of("shutdown-cancel-futures",
            "executor.shutdown(cancel_futures=True)", ShutdownCancelFutures.class,
            ShutdownCancelFutures::run)
            .differs("cancel(false) marks even a running task cancelled: drain the queue instead");

    private ShutdownCancelFutures() {}

    static void run(PrintStream out) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // @start region="shutdown-cancel-futures"
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(1);
        List<Future<String>> jobs = IntStream.range(0, 4)
                .mapToObj(i -> pool.submit(() -> job(i, started, release))).toList();
        started.await();                                     // job 0 runs, 1..3 wait in the queue
        pool.shutdown();
        List<Runnable> queued = new ArrayList<>();
        pool.getQueue().drainTo(queued);                     // cancel_futures: the queued ones
        queued.forEach(task -> ((Future<?>) task).cancel(false));
        release.countDown();
        pool.close();                                        // waits for the running one
        out.println("running job: " + jobs.getFirst().get());
        out.println("cancelled: " + jobs.stream().filter(Future::isCancelled).count());
        // @end
    }

    static String job(int i, CountDownLatch started, CountDownLatch release)
            throws InterruptedException {
        if (i == 0) {
            started.countDown();
            release.await();
            return "finished";
        }
        return "job " + i;
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
