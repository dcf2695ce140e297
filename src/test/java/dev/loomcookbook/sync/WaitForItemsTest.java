package dev.loomcookbook.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link WaitForItems}: a Condition and a while loop are asyncio.Condition.wait_for(predicate). */
class WaitForItemsTest {

    /**
     * Each put wakes the consumer (signalAll empties the condition's queue), and while its
     * predicate is false it goes back to waiting; it returns only with all three items.
     */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void aWakeUpWithThePredicateFalseWaitsAgain(ThreadFactory factory) throws Exception {
        var shelf = new WaitForItems();
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(factory)) {
            Future<List<Integer>> consumer = threads.submit(() -> shelf.awaitItems(3));
            Waits.until("the consumer waits on the condition", () -> waiters(shelf) == 1);
            for (int i = 1; i <= 2; i++) {
                shelf.put(i);
                Waits.until("the consumer waits again", () -> waiters(shelf) == 1);
                assertThat(consumer).as("after %d item(s)", i).isNotDone();
            }
            shelf.put(3);
            assertThat(consumer.get()).containsExactly(1, 2, 3);
        }
    }

    /** notify_all wakes every waiter, and each goes on exactly when its own predicate holds. */
    @Test
    void everyWaiterIsWokenAndChecksItsOwnPredicate() throws Exception {
        var shelf = new WaitForItems();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<Integer>> wantsOne = threads.submit(() -> shelf.awaitItems(1));
            Future<List<Integer>> wantsTwo = threads.submit(() -> shelf.awaitItems(2));
            Waits.until("both consumers wait", () -> waiters(shelf) == 2);
            shelf.put(1);
            assertThat(wantsOne.get()).containsExactly(1);
            Waits.until("the second consumer waits again", () -> waiters(shelf) == 1);
            assertThat(wantsTwo).isNotDone();
            shelf.put(2);
            assertThat(wantsTwo.get()).containsExactly(1, 2);
        }
    }

    /** A consumer whose predicate already holds does not wait at all: wait_for checks first. */
    @Test
    void aConsumerWhosePredicateHoldsDoesNotWait() throws Exception {
        var shelf = new WaitForItems();
        shelf.put(1);
        shelf.put(2);
        AtomicReference<List<Integer>> got = new AtomicReference<>();
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                got.set(shelf.awaitItems(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(consumer.join(Duration.ofSeconds(30))).isTrue();
        assertThat(got.get()).containsExactly(1, 2);
        assertThat(waiters(shelf)).isZero();
    }

    /** Notifying without holding the lock throws, as Python's RuntimeError does. */
    @Test
    void notifyingWithoutTheLockThrows() {
        var shelf = new WaitForItems();
        assertThatThrownBy(() -> shelf.changed().signalAll())
                .isInstanceOf(IllegalMonitorStateException.class);
    }

    /** Threads waiting on the shelf's condition, read under its lock as the JDK requires. */
    private static int waiters(WaitForItems shelf) {
        shelf.lock().lock();
        try {
            return shelf.lock().getWaitQueueLength(shelf.changed());
        } finally {
            shelf.lock().unlock();
        }
    }
}
