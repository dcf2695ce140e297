package dev.loomcookbook.sync;

import dev.loomcookbook.recipes.Recipe;
import dev.loomcookbook.tasks.Steps;
import java.io.PrintStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code asyncio.Semaphore(3)}: at most three at once, however many tasks there are. */
public final class SemaphoreLimit {

    /** This recipe: {@code recipes semaphore}. */
    public static final Recipe RECIPE = Recipe.of("semaphore", "asyncio.Semaphore(3)",
            SemaphoreLimit.class, SemaphoreLimit::run)
            .differs(
                    "ten virtual threads are cheap: the semaphore bounds the resource, not threads")
            .normalise("\\bTrue\\b", "true");

    private SemaphoreLimit() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="semaphore"
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Semaphore sem = new Semaphore(3);
        try (var scope = StructuredTaskScope.open()) {
            for (int i = 0; i < 10; i++) {
                scope.fork(() -> {
                    sem.acquire();                           // async with sem:
                    try {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Steps.sleep(1);
                        inside.decrementAndGet();
                    } finally {
                        sem.release();
                    }
                    return finished.incrementAndGet();
                });
            }
            scope.join();
        }
        out.println("finished: " + finished.get());
        out.println("never more than 3 inside: " + (most.get() <= 3));
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
