package dev.loomcookbook.sync;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code asyncio.Lock}: a read-modify-write of shared state, without and with the lock.
 *
 * <p>In asyncio only one task runs at a time and it runs until its next {@code await}, so code
 * with no {@code await} in it is atomic and a lock is needed only around an {@code await}. On
 * virtual threads that is no longer so: they run in parallel on several carriers, so another
 * thread may run between any two lines, blocking call or not. Every read-modify-write of shared
 * state needs the lock (or an atomic such as {@code AtomicInteger.incrementAndGet()}).
 *
 * <p>The run makes the race certain instead of likely: without the lock, every task reads before
 * any writes; with it, the first holder waits between its read and its write until every other
 * task has asked for the lock. {@code synchronized} would do as well as {@link ReentrantLock}: on
 * JDK 25 a virtual thread blocked on a monitor no longer pins its carrier.
 */
public final class LockedCounter {

    /** This recipe: {@code recipes lock}. */
    public static final Recipe RECIPE = Recipe.of("lock", "asyncio.Lock()", LockedCounter.class,
            LockedCounter::run)
            .differs("no await marks where others may run: any two lines may interleave");

    /** A piece of code that may block: what runs between the read and the write, or a task. */
    @FunctionalInterface
    interface Step {
        void run() throws InterruptedException;
    }

    static final int TASKS = 10;

    // @start region="counter"
    private final ReentrantLock lock = new ReentrantLock();      // asyncio.Lock()
    private int count;

    /** count += 1 as a read and a write, with other code between them. */
    void increment(Step between) throws InterruptedException {
        int value = count;
        between.run();              // Python: an await; on a virtual thread: any code at all
        count = value + 1;
    }

    /** The same inside the lock: async with lock: */
    void lockedIncrement(Step between) throws InterruptedException {
        lock.lock();
        try {
            increment(between);
        } finally {
            lock.unlock();
        }
    }
    // @end

    /** The count now; read once the tasks have ended. */
    int count() {
        return count;
    }

    ReentrantLock lock() {
        return lock;
    }

    static void run(PrintStream out) throws InterruptedException {
        // @start region="run"
        var unlocked = new LockedCounter();
        CountDownLatch allRead = new CountDownLatch(TASKS);      // makes the race certain:
        inTasks(() -> unlocked.increment(() -> {
            allRead.countDown();                                 // every task reads
            allRead.await();                                     // before any writes
        }));
        out.println("without a lock: count = " + unlocked.count() + " after " + TASKS
                + " increments");

        var locked = new LockedCounter();
        CountDownLatch allAsked = new CountDownLatch(TASKS);
        inTasks(() -> {
            allAsked.countDown();                                // about to ask for the lock
            locked.lockedIncrement(allAsked::await);             // the holder waits for them
        });
        out.println("with a lock:    count = " + locked.count() + " after " + TASKS
                + " increments");
        // @end
    }

    // @start region="tasks"
    /** Runs {@code work} in TASKS virtual threads at once: asyncio.gather(*aws). */
    static void inTasks(Step work) throws InterruptedException {
        try (var scope = StructuredTaskScope.open()) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(() -> {
                    work.run();
                    return null;
                });
            }
            scope.join();
        }
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
