package dev.loomcookbook.queues;

import static dev.loomcookbook.testing.Blocked.awaitIn;
import static dev.loomcookbook.testing.Blocked.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.Blocked.Started;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link JoinableQueue}: asyncio.Queue's task_done/join and 3.13's shutdown(immediate), with
 * every wait observed (a thread parked inside the queue), never guessed with a sleep.
 */
class JoinableQueueTest {

    private static final String BOTH = "dev.loomcookbook.testing.ThreadFactories#both";

    /** The outcome of a started task, or its exception: at most 30 s, then the test fails. */
    private static <T> T outcome(Started<T> task) throws Exception {
        try {
            return task.result().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** Starts a thread that waits in {@code q.join()}. */
    private static Started<Void> startJoin(ThreadFactory factory, JoinableQueue<?> q) {
        return start(factory, () -> {
            q.join();
            return null;
        });
    }

    /** Starts a thread that puts {@code item} into {@code q}. */
    private static <E> Started<Void> startPut(ThreadFactory factory, JoinableQueue<E> q, E item) {
        return start(factory, () -> {
            q.put(item);
            return null;
        });
    }

    private static List<Integer> drain(JoinableQueue<Integer> q) {
        List<Integer> out = new ArrayList<>();
        for (Integer item; (item = q.poll()) != null;) {
            out.add(item);
        }
        return out;
    }

    /** join() on a queue nothing was put in returns at once. */
    @Test
    void joinReturnsAtOnceWhenNothingWasPut() throws InterruptedException {
        JoinableQueue<Integer> q = JoinableQueue.fifo();
        q.join();
        assertThat(q.unfinishedTasks()).isZero();
    }

    /** join() waits for taskDone(), not for the queue to be empty. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void joinWaitsForTaskDoneNotForAnEmptyQueue(ThreadFactory factory) throws Exception {
        JoinableQueue<Integer> q = JoinableQueue.fifo();
        q.put(1);
        q.take();
        Started<Void> joiner = startJoin(factory, q);
        awaitIn(joiner.thread(), JoinableQueue.class, "join");
        assertThat(q.size()).isZero();
        assertThat(joiner.result()).isNotDone();
        q.taskDone();
        outcome(joiner);
        assertThat(q.unfinishedTasks()).isZero();
    }

    /** taskDone() more times than items were put is an error, and changes nothing. */
    @Test
    void taskDoneMoreThanPutThrows() throws InterruptedException {
        JoinableQueue<Integer> q = JoinableQueue.fifo();
        q.put(1);
        q.take();
        q.taskDone();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                .hasMessage("taskDone() called more times than items were put");
        assertThat(q.unfinishedTasks()).isZero();
    }

    /** put() waits while the queue is full and goes on when an item is taken. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void putWaitsWhileFull(ThreadFactory factory) throws Exception {
        JoinableQueue<String> q = JoinableQueue.fifo(1);
        q.put("a");
        Started<Void> putter = startPut(factory, q, "b");
        awaitIn(putter.thread(), JoinableQueue.class, "put");
        assertThat(q.take()).isEqualTo("a");
        outcome(putter);
        assertThat(q.take()).isEqualTo("b");
    }

    /** take() waits while the queue is empty and returns the item put next. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void takeWaitsWhileEmpty(ThreadFactory factory) throws Exception {
        JoinableQueue<String> q = JoinableQueue.fifo();
        Started<String> taker = start(factory, q::take);
        awaitIn(taker.thread(), JoinableQueue.class, "take");
        q.put("x");
        assertThat(outcome(taker)).isEqualTo("x");
    }

    /** An interrupted put() adds nothing and leaves the count of unfinished items alone. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void interruptedPutAddsNothing(ThreadFactory factory) throws Exception {
        JoinableQueue<String> q = JoinableQueue.fifo(1);
        q.put("a");
        Started<Void> putter = startPut(factory, q, "b");
        awaitIn(putter.thread(), JoinableQueue.class, "put");
        putter.thread().interrupt();
        assertThatThrownBy(() -> outcome(putter)).isInstanceOf(InterruptedException.class);
        assertThat(q.size()).isOne();
        assertThat(q.unfinishedTasks()).isOne();
    }

    /** offer() and poll() never wait: false when full, null when empty (QueueFull, QueueEmpty). */
    @Test
    void offerAndPollDoNotWait() {
        JoinableQueue<String> q = JoinableQueue.fifo(1);
        assertThat(q.offer("a")).isTrue();
        assertThat(q.offer("b")).isFalse();
        assertThat(q.unfinishedTasks()).isOne();
        assertThat(q.poll()).isEqualTo("a");
        assertThat(q.poll()).isNull();
    }

    /** poll(timeout) gives up with null when nothing is put. */
    @Test
    void pollWithATimeoutGivesUpWhenNothingIsPut() throws InterruptedException {
        JoinableQueue<String> q = JoinableQueue.fifo();
        assertThat(q.poll(Duration.ofMillis(1))).isNull();
        assertThat(q.poll(Duration.ZERO)).isNull();
    }

    /** poll(timeout) returns an item put while it waits. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void pollWithATimeoutReturnsAnItemPutWhileItWaits(ThreadFactory factory) throws Exception {
        JoinableQueue<String> q = JoinableQueue.fifo();
        Started<String> poller = start(factory, () -> q.poll(Duration.ofMinutes(5)));
        awaitIn(poller.thread(), JoinableQueue.class, "poll");
        q.put("x");
        assertThat(outcome(poller)).isEqualTo("x");
    }

    /** After shutdown(false) every put fails; the items in still come out, then takes fail. */
    @Test
    void shutdownLetsTheItemsInComeOutThenTakesFail() throws InterruptedException {
        JoinableQueue<Integer> q = JoinableQueue.fifo(2);
        q.put(1);
        q.put(2);
        q.shutdown(false);
        assertThat(q.isShutdown()).isTrue();
        assertThatThrownBy(() -> q.put(3)).isInstanceOf(QueueShutDownException.class)
                .hasMessage("the queue is shut down");
        assertThatThrownBy(() -> q.offer(3)).isInstanceOf(QueueShutDownException.class);
        assertThat(q.take()).isEqualTo(1);
        assertThat(q.poll()).isEqualTo(2);
        assertThatThrownBy(q::take).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.poll(Duration.ofMinutes(5)))
                .isInstanceOf(QueueShutDownException.class);
    }

    /** shutdown() wakes a take() waiting on the empty queue, which then fails. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void shutdownWakesAWaitingTake(ThreadFactory factory) throws Exception {
        JoinableQueue<Integer> q = JoinableQueue.fifo();
        Started<Integer> taker = start(factory, q::take);
        awaitIn(taker.thread(), JoinableQueue.class, "take");
        q.shutdown(false);
        assertThatThrownBy(() -> outcome(taker)).isInstanceOf(QueueShutDownException.class);
    }

    /** shutdown() wakes a poll(timeout) waiting on the empty queue, which then fails. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void shutdownWakesAWaitingTimedPoll(ThreadFactory factory) throws Exception {
        JoinableQueue<Integer> q = JoinableQueue.fifo();
        Started<Integer> poller = start(factory, () -> q.poll(Duration.ofMinutes(5)));
        awaitIn(poller.thread(), JoinableQueue.class, "poll");
        q.shutdown(false);
        assertThatThrownBy(() -> outcome(poller)).isInstanceOf(QueueShutDownException.class);
    }

    /** shutdown() wakes a put() waiting on the full queue, which then fails and adds nothing. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void shutdownWakesAWaitingPut(ThreadFactory factory) throws Exception {
        JoinableQueue<Integer> q = JoinableQueue.fifo(1);
        q.put(1);
        Started<Void> putter = startPut(factory, q, 2);
        awaitIn(putter.thread(), JoinableQueue.class, "put");
        q.shutdown(false);
        assertThatThrownBy(() -> outcome(putter)).isInstanceOf(QueueShutDownException.class);
        assertThat(q.poll()).isEqualTo(1);
        assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
    }

    /** shutdown(false) drops nothing: join() still waits for every item put. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void gracefulShutdownKeepsJoinWaitingForTheItems(ThreadFactory factory) throws Exception {
        JoinableQueue<Integer> q = JoinableQueue.fifo();
        q.put(1);
        q.shutdown(false);
        Started<Void> joiner = startJoin(factory, q);
        awaitIn(joiner.thread(), JoinableQueue.class, "join");
        assertThat(q.take()).isEqualTo(1);
        assertThat(joiner.result()).isNotDone();
        q.taskDone();
        outcome(joiner);
    }

    /**
     * shutdown(true) drops the items in the queue and counts them done: takes fail at once, and
     * join() waits only for the item already taken.
     */
    @Test
    void immediateShutdownDropsTheItemsAndCountsThemDone() throws InterruptedException {
        JoinableQueue<Integer> q = JoinableQueue.fifo();
        for (int i = 1; i <= 3; i++) {
            q.put(i);
        }
        assertThat(q.take()).isEqualTo(1);
        q.shutdown(true);
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isOne();
        assertThatThrownBy(q::take).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
        q.taskDone();
        q.join();
        assertThat(q.unfinishedTasks()).isZero();
    }

    /** shutdown(true) releases a join() waiting on items nobody took. */
    @ParameterizedTest
    @MethodSource(BOTH)
    void immediateShutdownReleasesAWaitingJoin(ThreadFactory factory) throws Exception {
        JoinableQueue<Integer> q = JoinableQueue.fifo();
        q.put(1);
        q.put(2);
        Started<Void> joiner = startJoin(factory, q);
        awaitIn(joiner.thread(), JoinableQueue.class, "join");
        q.shutdown(true);
        outcome(joiner);
        assertThat(q.unfinishedTasks()).isZero();
    }

    /** shutdown twice is harmless; shutdown(true) after shutdown(false) still drops the rest. */
    @Test
    void shutdownAgainIsHarmless() throws InterruptedException {
        JoinableQueue<Integer> q = JoinableQueue.fifo();
        q.put(1);
        q.put(2);
        q.shutdown(false);
        q.shutdown(false);
        assertThat(q.take()).isEqualTo(1);
        q.shutdown(true);
        assertThatThrownBy(q::take).isInstanceOf(QueueShutDownException.class);
        q.taskDone();
        q.join();
    }

    /** fifo hands items out in the order they were put (asyncio.Queue). */
    @Test
    void fifoHandsOutInPutOrder() throws InterruptedException {
        JoinableQueue<Integer> q = JoinableQueue.fifo(3);
        for (int i : List.of(2, 3, 1)) {
            q.put(i);
        }
        assertThat(drain(q)).containsExactly(2, 3, 1);
    }

    /** lifo hands out the item put last first (asyncio.LifoQueue), and is bounded too. */
    @Test
    void lifoHandsOutTheLastItemFirst() throws InterruptedException {
        JoinableQueue<Integer> q = JoinableQueue.lifo(3);
        for (int i : List.of(2, 3, 1)) {
            q.put(i);
        }
        assertThat(q.offer(4)).isFalse();
        assertThat(drain(q)).containsExactly(1, 3, 2);
    }

    /** priority hands out the least item first (asyncio.PriorityQueue), and is bounded too. */
    @Test
    void priorityHandsOutTheLeastItemFirst() throws InterruptedException {
        JoinableQueue<Integer> q = JoinableQueue.priority(3, Comparator.naturalOrder());
        for (int i : List.of(2, 3, 1)) {
            q.put(i);
        }
        assertThat(q.offer(0)).isFalse();
        assertThat(drain(q)).containsExactly(1, 2, 3);
    }

    /** A capacity below 1 and null items are rejected with a clear exception. */
    @Test
    void rejectsCapacityBelowOneAndNullItems() {
        assertThatThrownBy(() -> JoinableQueue.fifo(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be at least 1: 0");
        assertThatThrownBy(() -> JoinableQueue.lifo(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JoinableQueue.priority(1, null))
                .isInstanceOf(NullPointerException.class);
        JoinableQueue<String> q = JoinableQueue.fifo();
        assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
        assertThat(q.unfinishedTasks()).isZero();
    }
}
