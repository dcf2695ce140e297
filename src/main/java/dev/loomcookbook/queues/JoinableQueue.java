package dev.loomcookbook.queues;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded blocking queue with what {@code asyncio.Queue} has and the JDK's
 * {@link java.util.concurrent.BlockingQueue} lacks: {@link #taskDone()} and {@link #join()}
 * (wait until every item put has been taken <em>and</em> processed), and Python 3.13's
 * {@link #shutdown(boolean) shutdown(immediate)}, after which puts throw
 * {@link QueueShutDownException} and takes throw it once the queue is empty.
 *
 * <p>The project's own class. A {@code BlockingQueue} only knows whether an item has been taken,
 * not whether the taker has finished with it, and cannot be closed: JDK code counts work with a
 * {@link java.util.concurrent.Phaser} or latch beside the queue and ends consumers with a marker
 * item ("poison pill") or an interrupt. This class keeps the count and the shut-down state under
 * the queue's own lock, so they always agree with its contents.
 *
 * <p>The order items come out in is chosen when the queue is made: {@link #fifo} is
 * {@code asyncio.Queue}, {@link #lifo} is {@code asyncio.LifoQueue}, {@link #priority} is
 * {@code asyncio.PriorityQueue}. Null items are rejected, as every {@code BlockingQueue} does.
 * Every method is safe to call from any thread; the blocking ones respond to interrupts.
 *
 * @param <E> the type of the items
 */
public final class JoinableQueue<E> {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Condition allDone = lock.newCondition();
    private final Queue<E> items;
    private final int capacity;
    private int unfinished;     // put and not yet marked done; guarded by lock
    private boolean shutdown;   // guarded by lock

    private JoinableQueue(Queue<E> items, int capacity) {
        this.items = items;
        this.capacity = requireCapacity(capacity);
    }

    /** A first-in first-out queue with no practical bound ({@code asyncio.Queue()}). */
    public static <E> JoinableQueue<E> fifo() {
        return fifo(Integer.MAX_VALUE);
    }

    /**
     * A first-in first-out queue holding at most {@code capacity} items
     * ({@code asyncio.Queue(maxsize)}).
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public static <E> JoinableQueue<E> fifo(int capacity) {
        return new JoinableQueue<>(new ArrayDeque<>(), capacity);
    }

    /**
     * A last-in first-out queue holding at most {@code capacity} items
     * ({@code asyncio.LifoQueue(maxsize)}).
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public static <E> JoinableQueue<E> lifo(int capacity) {
        return new JoinableQueue<>(Collections.asLifoQueue(new ArrayDeque<>()), capacity);
    }

    /**
     * A queue that hands out its least item first, as {@code order} ranks them, holding at most
     * {@code capacity} items ({@code asyncio.PriorityQueue(maxsize)}; Python compares the items
     * themselves, usually {@code (priority, data)} tuples).
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public static <E> JoinableQueue<E> priority(int capacity, Comparator<? super E> order) {
        Objects.requireNonNull(order, "order");
        return new JoinableQueue<>(new PriorityQueue<>(order), capacity);
    }

    private static int requireCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        return capacity;
    }

    /**
     * Adds {@code item}, waiting while the queue is full ({@code await q.put(item)}).
     *
     * @throws QueueShutDownException if the queue is shut down, before or while waiting
     * @throws InterruptedException if interrupted while waiting; nothing was added
     */
    public void put(E item) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        lock.lockInterruptibly();
        try {
            while (items.size() == capacity && !shutdown) {
                notFull.await();
            }
            add(item);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds {@code item} if there is room now ({@code q.put_nowait(item)}); returns {@code false}
     * where Python raises {@code QueueFull}.
     *
     * @throws QueueShutDownException if the queue is shut down
     */
    public boolean offer(E item) {
        Objects.requireNonNull(item, "item");
        lock.lock();
        try {
            if (items.size() == capacity && !shutdown) {
                return false;
            }
            add(item);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void add(E item) {
        if (shutdown) {
            throw new QueueShutDownException();
        }
        items.add(item);
        unfinished++;
        notEmpty.signal();
    }

    /**
     * Removes the next item, waiting while the queue is empty ({@code await q.get()}). The caller
     * owes the queue one {@link #taskDone()} for it.
     *
     * @throws QueueShutDownException if the queue is shut down and empty, before or while waiting
     * @throws InterruptedException if interrupted while waiting; nothing was removed
     */
    public E take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (items.isEmpty() && !shutdown) {
                notEmpty.await();
            }
            return remove();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the next item if there is one now ({@code q.get_nowait()}); returns {@code null}
     * where Python raises {@code QueueEmpty}.
     *
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    public E poll() {
        lock.lock();
        try {
            return items.isEmpty() && !shutdown ? null : remove();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the next item, waiting at most {@code timeout} for one
     * ({@code await asyncio.wait_for(q.get(), timeout)}); returns {@code null} where Python raises
     * {@code TimeoutError}.
     *
     * @throws QueueShutDownException if the queue is shut down and empty, before or while waiting
     * @throws InterruptedException if interrupted while waiting; nothing was removed
     */
    public E poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (items.isEmpty() && !shutdown) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return remove();
        } finally {
            lock.unlock();
        }
    }

    private E remove() {
        if (items.isEmpty()) {   // and shut down: the callers wait while it is empty otherwise
            throw new QueueShutDownException();
        }
        E item = items.remove();
        notFull.signal();
        return item;
    }

    /**
     * Marks one taken item as processed ({@code q.task_done()}); when none is left unfinished,
     * every {@link #join()} returns.
     *
     * @throws IllegalStateException if called more times than items were put (Python raises
     *     {@code ValueError})
     */
    public void taskDone() {
        lock.lock();
        try {
            if (unfinished == 0) {
                throw new IllegalStateException("taskDone() called more times than items were put");
            }
            if (--unfinished == 0) {
                allDone.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every item put has been marked done by {@link #taskDone()}, or dropped by
     * {@code shutdown(true)} ({@code await q.join()}). An empty queue is not enough: an item that
     * was taken and is still being processed keeps {@code join} waiting.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (unfinished > 0) {
                allDone.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shuts the queue down ({@code q.shutdown(immediate)}, Python 3.13): from now on every put
     * throws {@link QueueShutDownException}, and so does every take once the queue is empty;
     * threads waiting in {@link #put}, {@link #take} or {@link #poll(Duration)} wake up and do
     * the same. With {@code immediate}, the items still in the queue are dropped and count as
     * done, so {@link #join()} waits only for the items already taken. Calling it again is
     * harmless.
     */
    public void shutdown(boolean immediate) {
        lock.lock();
        try {
            shutdown = true;
            if (immediate) {
                unfinished -= items.size();
                items.clear();
                if (unfinished == 0) {
                    allDone.signalAll();
                }
            }
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #shutdown(boolean)} was called. */
    public boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    /** The number of items in the queue now ({@code q.qsize()}). */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The number of items put and not yet marked done or dropped: those in the queue plus those
     * taken and still being processed.
     */
    public int unfinishedTasks() {
        lock.lock();
        try {
            return unfinished;
        } finally {
            lock.unlock();
        }
    }
}
