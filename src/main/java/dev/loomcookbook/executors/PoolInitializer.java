package dev.loomcookbook.executors;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ThreadPoolExecutor(initializer=fn, initargs=...)}: code that runs once in each worker
 * thread before its first task. The JDK form is a {@link ThreadFactory} whose threads run it.
 */
public final class PoolInitializer {

    /** This recipe: {@code recipes executor-initializer}. */
    public static final Recipe RECIPE = Recipe.of("executor-initializer",
            "ThreadPoolExecutor(initializer=fn, initargs=...)", PoolInitializer.class,
            PoolInitializer::run)
            .differs("no initializer= argument: a ThreadFactory runs it before the worker loop")
            .normalise("\\bTrue\\b", "true");

    // @start region="connection"
    /** Each worker thread's own "connection", set up by the initializer. */
    static final ThreadLocal<String> CONNECTION = new ThreadLocal<>();
    // @end

    private PoolInitializer() {}

    static void run(PrintStream out) throws Exception {
        CyclicBarrier bothRunning = new CyclicBarrier(2);   // so two workers must exist
        // @start region="executor-initializer"
        AtomicInteger initialized = new AtomicInteger();
        ThreadFactory initializing = task -> new Thread(() -> {
            CONNECTION.set("db connection " + initialized.incrementAndGet());   // initializer
            task.run();                                      // then the worker's loop
        });
        try (ExecutorService pool = Executors.newFixedThreadPool(2, initializing)) {
            Future<String> a = pool.submit(() -> useConnection(bothRunning));
            Future<String> b = pool.submit(() -> useConnection(bothRunning));
            out.println("two connections: " + !a.get().equals(b.get()));
        }
        out.println("initializer ran " + initialized.get() + " times");
        // @end
    }

    static String useConnection(CyclicBarrier bothRunning) throws Exception {
        bothRunning.await();
        return CONNECTION.get();
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
