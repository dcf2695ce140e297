package dev.loomcookbook.sync;

import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.futures.Offload;
import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code await asyncio.to_thread(fn, *args)}: run a blocking function without stopping the
 * other tasks. On virtual threads nothing is needed: a blocking call unmounts the virtual thread
 * and frees its carrier for the others, so the run below has a hundred calls blocked at once on
 * however few carriers (the tests run it on one). Python's {@code to_thread} needs a thread of
 * its pool for each call at once.
 *
 * <p>The one case left is CPU work, which holds its carrier as long as it computes (the
 * scheduler has one carrier per core and does not time-slice them): hand it to a platform pool
 * with {@link Offload#call} ({@code loop.run_in_executor}), and the calling virtual thread
 * waits without holding a carrier. In Python {@code to_thread} cannot speed CPU work up, the GIL
 * runs one thread at a time; a process pool can.
 */
public final class BlockingCalls {

    /** This recipe: {@code recipes to-thread}. */
    public static final Recipe RECIPE = Recipe.of("to-thread", "await asyncio.to_thread(fn, *args)",
            BlockingCalls.class, BlockingCalls::run)
            .differs("blocking calls need no to_thread; CPU work goes to a platform pool (no GIL)")
            .normalise("\\bTrue\\b", "true");

    static final int CALLS = 100;

    private BlockingCalls() {}

    // @start region="blocking"
    /** Stands for any blocking call: a socket read, a JDBC query, Thread.sleep. */
    static String blockingCall(CyclicBarrier allBlocked) throws Exception {
        allBlocked.await(30, TimeUnit.SECONDS);     // opens once all the calls block here at once
        return "done";
    }
    // @end

    static void run(PrintStream out) throws Exception {
        // @start region="run"
        CyclicBarrier allBlocked = new CyclicBarrier(CALLS);
        try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow())) {
            for (int i = 0; i < CALLS; i++) {
                scope.fork(() -> blockingCall(allBlocked));          // no to_thread: call it
            }
            long done = scope.join().filter(call -> call.get().equals("done")).count();
            out.println("all " + done + " blocking calls were blocked at once");
        }

        int cores = Runtime.getRuntime().availableProcessors();
        AtomicBoolean offCaller = new AtomicBoolean();
        try (ExecutorService cpuPool = Executors.newFixedThreadPool(cores);   // platform threads
                var scope = StructuredTaskScope.open()) {
            Subtask<Long> result = scope.fork(() -> {
                Thread caller = Thread.currentThread();                      // a virtual thread
                return Offload.call(cpuPool, () -> {                         // to_thread(count, ..)
                    offCaller.set(Thread.currentThread() != caller
                            && !Thread.currentThread().isVirtual());
                    return CpuWork.count(7, 100_000);
                });
            });
            scope.join();
            out.println("CPU work ran off the caller's thread, on the pool: " + offCaller.get());
            out.println("its result: " + result.get());
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
