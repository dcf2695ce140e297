package dev.loomcookbook.sync;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * {@code asyncio.BoundedSemaphore(2)}: a release too many is refused instead of letting one more
 * task in. The JDK's {@link Semaphore} accepts it, as Python's plain {@code Semaphore} does; the
 * bounded one is {@link BoundedSemaphore}, this project's class.
 */
public final class OverRelease {

    /** This recipe: {@code recipes bounded-semaphore}. */
    public static final Recipe RECIPE = Recipe.of("bounded-semaphore",
            "asyncio.BoundedSemaphore(2)", OverRelease.class, OverRelease::run)
            .differs("the JDK has none: BoundedSemaphore (project) throws IllegalStateException")
            .normalise("ValueError", "IllegalStateException");

    private OverRelease() {}

    static void run(PrintStream out) throws InterruptedException {
        // @start region="bounded"
        Semaphore plain = new Semaphore(2);
        plain.acquire();
        plain.release();
        plain.release();                                 // one release too many: accepted
        out.println("Semaphore(2) after one release too many: " + holdersAtOnce(plain::tryAcquire)
                + " may hold it at once");

        BoundedSemaphore bounded = new BoundedSemaphore(2);       // this project's class
        bounded.acquire();
        bounded.release();
        try {
            bounded.release();                           // one release too many: refused
        } catch (IllegalStateException e) {
            out.println("BoundedSemaphore(2) refuses the release too many: IllegalStateException");
            out.println("its message: " + e.getMessage());
        }
        out.println("BoundedSemaphore(2) after that: " + holdersAtOnce(bounded::tryAcquire)
                + " may hold it at once");
        // @end
    }

    /** How many could hold the semaphore at once now: takes permits until none is free. */
    static int holdersAtOnce(BooleanSupplier tryAcquire) {
        int held = 0;
        while (tryAcquire.getAsBoolean()) {
            held++;
        }
        return held;
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
