package dev.loomcookbook.sync;

import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * {@code await asyncio.sleep(0)}: a long computation steps aside between chunks so that other
 * tasks run. On a virtual thread that is {@link Thread#yield()}: the thread unmounts and queues
 * behind the virtual threads waiting for a carrier. {@code Thread.sleep(0)} yields as well on
 * JDK 25, and is closer still: like an {@code await}, it is where a cancellation is noticed (it
 * throws {@link InterruptedException} if the thread was interrupted), which {@code yield()} is not.
 *
 * <p>It is rarely needed. asyncio has one thread, so a coroutine that never awaits stops every
 * other task. The JDK's scheduler has a carrier per core: a busy virtual thread holds one of them
 * and the others keep running; a blocking call unmounts the thread anyway; and long CPU work
 * belongs on a platform pool ({@code recipes to-thread}). {@code Thread.yield()} matters when
 * every carrier is busy, as on a one-carrier scheduler, where the tests prove what it does.
 */
@SuppressWarnings("ThreadPriorityCheck") // Thread.yield() is what this recipe shows
public final class YieldToOthers {

    /** This recipe: {@code recipes sleep-zero}. */
    public static final Recipe RECIPE = Recipe.of("sleep-zero", "await asyncio.sleep(0)",
            YieldToOthers.class, YieldToOthers::run)
            .differs("rarely needed: a busy virtual thread holds one carrier of several, not all")
            .normalise("\\bTrue\\b", "true");

    /** An upper bound only: compute() stops as soon as the heartbeat has run. */
    static final long MAX_CHUNKS = 1_000_000;

    private YieldToOthers() {}

    // @start region="yield"
    /** CPU work in chunks, until {@code stop} says so; returns a checksum of the work. */
    static long compute(BooleanSupplier stop) {
        long sum = 0;
        for (long chunk = 0; chunk < MAX_CHUNKS && !stop.getAsBoolean(); chunk++) {
            sum += CpuWork.count(chunk, 1_000);                  // a slice of CPU work
            Thread.yield();                                      // await asyncio.sleep(0)
        }
        return sum;
    }
    // @end

    static void run(PrintStream out) throws InterruptedException {
        // @start region="run"
        CountDownLatch computing = new CountDownLatch(1);
        AtomicBoolean beat = new AtomicBoolean();                // the heartbeat has run
        AtomicBoolean computed = new AtomicBoolean();            // compute() has returned
        try (var scope = StructuredTaskScope.open()) {
            Subtask<Boolean> heartbeat = scope.fork(() -> {
                computing.await();
                boolean during = !computed.get();
                beat.set(true);
                return during;
            });
            scope.fork(() -> {
                computing.countDown();
                long checksum = compute(beat::get);
                computed.set(true);
                return checksum;
            });
            scope.join();
            out.println("the heartbeat ran while compute() was still working: " + heartbeat.get());
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
