package dev.loomcookbook.sync;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code asyncio.Barrier(3)} (Python 3.11): three workers go through two rounds, and none starts
 * a round before all three have finished the one before. The JDK's form is a
 * {@link CyclicBarrier}, reusable like Python's.
 *
 * <p>Three differences. The JDK runs a barrier action in the last thread to arrive, before any
 * is released; in Python the task that arrived last does it after {@code wait()} returns. The
 * index {@code await()} returns counts down (the first to arrive gets {@code parties - 1}, the
 * last 0), Python's counts up. And an interrupted waiter breaks the barrier for everyone
 * ({@link BrokenBarrierException}, until {@code reset()}), while a cancelled Python waiter just
 * leaves. {@code reset()} is Python's {@code reset()}: waiters get the broken-barrier error.
 */
public final class PhaseBarrier {

    /** This recipe: {@code recipes barrier}. */
    public static final Recipe RECIPE = Recipe.of("barrier", "asyncio.Barrier(3)",
            PhaseBarrier.class, PhaseBarrier::run)
            .differs("the barrier action runs in the last arrival; await() counts down, not up")
            .anyOrder(" finished round ");

    static final int WORKERS = 3;
    static final int ROUNDS = 2;

    private PhaseBarrier() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="barrier"
        AtomicInteger round = new AtomicInteger(1);
        CyclicBarrier allDone = new CyclicBarrier(WORKERS, () -> {   // runs once per round,
            out.println("round " + round.getAndIncrement() + ": all " + WORKERS + " finished");
        });                                                          // before anyone goes on
        try (var scope = StructuredTaskScope.open()) {
            for (String name : List.of("a", "b", "c")) {
                scope.fork(() -> worker(out, name, allDone));
            }
            scope.join();
        }
        // @end
    }

    // @start region="worker"
    static String worker(PrintStream out, String name, CyclicBarrier allDone)
            throws InterruptedException, BrokenBarrierException {
        for (int r = 1; r <= ROUNDS; r++) {
            out.println(name + " finished round " + r);
            allDone.await();                                         // await barrier.wait()
        }
        return name;
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
