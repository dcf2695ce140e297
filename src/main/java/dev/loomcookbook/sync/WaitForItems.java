package dev.loomcookbook.sync;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code asyncio.Condition}: a consumer waits, holding nothing, until shared state is as it
 * needs; a producer changes the state and notifies. The JDK's form is a {@link Condition} of a
 * {@link ReentrantLock}: {@code await()} is {@code wait()}, {@code signalAll()} is
 * {@code notify_all()}, and {@code wait_for(predicate)} is a {@code while} loop around
 * {@code await()}, which also absorbs the spurious wake-ups the JDK allows. Both languages
 * insist that the lock be held: Python raises {@code RuntimeError}, the JDK throws
 * {@link IllegalMonitorStateException}.
 */
public final class WaitForItems {

    /** This recipe: {@code recipes condition}. */
    public static final Recipe RECIPE = Recipe.of("condition",
            "asyncio.Condition() / cond.wait_for(predicate)", WaitForItems.class,
            WaitForItems::run)
            .differs("wait_for(predicate) is a while loop around await(); the lock is explicit")
            .normalise("RuntimeError", "IllegalMonitorStateException");

    // @start region="condition"
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();      // asyncio.Condition(lock)
    private final List<Integer> items = new ArrayList<>();

    /** Waits until there are {@code n} items; returns them. */
    List<Integer> awaitItems(int n) throws InterruptedException {
        lock.lock();                                            // async with cond:
        try {
            while (items.size() < n) {                          // await cond.wait_for(
                changed.await();                                //     lambda: len(items) >= n)
            }
            return List.copyOf(items);
        } finally {
            lock.unlock();
        }
    }

    /** Adds an item and wakes every waiter to look again. */
    void put(int item) {
        lock.lock();                                            // async with cond:
        try {
            items.add(item);
            changed.signalAll();                                // cond.notify_all()
        } finally {
            lock.unlock();
        }
    }
    // @end

    ReentrantLock lock() {
        return lock;
    }

    Condition changed() {
        return changed;
    }

    static void run(PrintStream out) throws InterruptedException {
        // @start region="run"
        var shelf = new WaitForItems();
        try (var scope = StructuredTaskScope.open()) {
            Subtask<List<Integer>> consumer = scope.fork(() -> shelf.awaitItems(3));
            for (int i = 1; i <= 3; i++) {
                shelf.put(i);
                out.println("put " + i);
            }
            scope.join();
            out.println("the consumer got " + consumer.get());
        }
        try {
            shelf.changed.signalAll();                          // without holding the lock
        } catch (IllegalMonitorStateException e) {
            out.println("notify_all() without the lock: IllegalMonitorStateException");
        }
        // @end
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
