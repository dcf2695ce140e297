package dev.loomcookbook.eventloop;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A single-threaded event loop with the semantics of Python's {@code asyncio} loop.
 *
 * <table>
 * <caption>asyncio and this class</caption>
 * <tr><th>asyncio</th><th>EventLoop</th></tr>
 * <tr><td>{@code loop.call_soon(cb)}</td><td>{@link #callSoon(Runnable)}</td></tr>
 * <tr><td>{@code loop.call_later(1, cb)}</td><td>{@link #callLater(Duration, Runnable)}</td></tr>
 * <tr><td>{@code loop.call_at(when, cb)}</td><td>{@link #callAt(double, Runnable)}</td></tr>
 * <tr><td>{@code loop.time()}</td><td>{@link #time()}</td></tr>
 * <tr><td>{@code loop.call_soon_threadsafe(cb)}</td><td>{@link #callSoonThreadsafe(Runnable)}</td></tr>
 * <tr><td>{@code loop.run_forever()}, {@code stop()}, {@code close()}</td>
 *     <td>{@link #runForever()}, {@link #stop()}, {@link #close()}</td></tr>
 * <tr><td>{@code loop.run_until_complete(fut)}</td><td>{@link #runUntilComplete(CompletableFuture)}</td></tr>
 * <tr><td>{@code asyncio.get_running_loop()}</td><td>{@link #runningLoop()}</td></tr>
 * </table>
 *
 * <p>The rules, as CPython documents them:
 * <ul>
 * <li>{@code callSoon} callbacks run in the order they were scheduled. Timers run by deadline;
 *     equal deadlines run in scheduling order (CPython leaves that order undefined; here it is FIFO).
 * <li>Each iteration runs one <em>batch</em>: the callbacks ready when it started. Callbacks
 *     scheduled during a batch run in the next iteration.
 * <li>{@link #stop()} lets the current batch finish, then {@code runForever} returns; callbacks
 *     scheduled during that batch stay queued for the next run. {@code stop()} before
 *     {@code runForever} makes it run exactly one batch and return.
 * <li>A callback that throws an {@link Exception} goes to the exception handler and the loop goes
 *     on. An {@link Error} propagates out of {@code runForever}, as {@code BaseException} does in
 *     Python; the callbacks not yet run stay queued.
 * <li>When there is nothing to run, the loop thread parks (a {@link Condition} wait) until the
 *     next deadline or a {@code callSoonThreadsafe}/{@code stop} wake-up: it never spins.
 * </ul>
 *
 * <p>Misuse throws, with CPython's messages:
 * <ul>
 * <li>{@code runForever}/{@code runUntilComplete} while this loop runs:
 *     {@link IllegalStateException} "This event loop is already running"; while another loop
 *     runs on the same thread: "Cannot run the event loop while another loop is running".
 * <li>{@code close} while running: {@link IllegalStateException} "Cannot close a running event loop".
 * <li>Scheduling or running after {@code close}: {@link IllegalStateException} "Event loop is closed".
 * <li>{@code callSoon}/{@code callLater}/{@code callAt} from a thread other than the loop thread
 *     while the loop runs: {@link WrongThreadException} "Non-thread-safe operation invoked on an
 *     event loop other than the current one". As in CPython, the loop belongs to the thread that
 *     runs it, and only while it runs; before and between runs any thread may schedule (the setup
 *     code usually does). CPython checks this in debug mode only; here the check is always on,
 *     since it costs one volatile read.
 * <li>A {@code null} or negative delay: {@link NullPointerException} or
 *     {@link IllegalArgumentException} (CPython rejects {@code None} but runs a negative delay
 *     at once; rejecting it catches arithmetic mistakes).
 * </ul>
 *
 * <p>Time: {@link #time()} is monotonic seconds, counted from the loop's creation, on the clock
 * given to the constructor ({@link System#nanoTime()} by default). {@link #callAt(double, Runnable)}
 * takes a deadline in the same unit. Tests pass a controllable clock.
 *
 * <p>Interrupting the loop thread while it is parked stops the loop (like {@link #stop()}) and
 * leaves the thread's interrupt status set.
 */
public final class EventLoop implements AutoCloseable {

    static final String ALREADY_RUNNING = "This event loop is already running";
    static final String ANOTHER_RUNNING = "Cannot run the event loop while another loop is running";
    static final String CLOSE_RUNNING = "Cannot close a running event loop";
    static final String CLOSED = "Event loop is closed";
    static final String WRONG_THREAD =
            "Non-thread-safe operation invoked on an event loop other than the current one";
    static final String STOPPED_EARLY = "Event loop stopped before Future completed.";

    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
    private static final ThreadLocal<EventLoop> RUNNING = new ThreadLocal<>();
    /** Rebuild the timer queue when this many cancelled timers sit in it (and they are half of it). */
    private static final int MIN_CANCELLED_TO_PURGE = 100;

    private final LongSupplier nanoClock;
    private final long origin;

    // Guarded by lock: the queues and the flags a foreign thread may change.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private ArrayDeque<Handle> ready = new ArrayDeque<>();
    private ArrayDeque<Handle> batch = new ArrayDeque<>();
    private final PriorityQueue<TimerHandle> timers = new PriorityQueue<>(TimerHandle::compareTo);
    private long timerSequence;
    private int cancelledTimers;
    private boolean stopping;
    private boolean closed;

    /** The thread in runForever, or null: the loop belongs to it while it runs. */
    private volatile Thread owner;
    private volatile ExceptionHandler exceptionHandler;
    /** Loop iterations (batches), for tests that prove an idle loop does not spin. */
    private volatile long iterations;

    /** A loop on the system's monotonic clock ({@link System#nanoTime()}). */
    public EventLoop() {
        this(System::nanoTime);
    }

    /** A loop on the given monotonic nanosecond clock; tests pass one they control. */
    public EventLoop(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.origin = nanoClock.getAsLong();
    }

    /** asyncio's {@code get_running_loop()}: the loop running on this thread. */
    public static EventLoop runningLoop() {
        EventLoop loop = RUNNING.get();
        if (loop == null) {
            throw new IllegalStateException("no running event loop");
        }
        return loop;
    }

    /** Monotonic seconds since the loop was created, like {@code loop.time()}. */
    public double time() {
        return nowNanos() / 1e9;
    }

    private long nowNanos() {
        return nanoClock.getAsLong() - origin;
    }

    // ---- scheduling -------------------------------------------------------------------------

    /** Schedules {@code callback} to run in a later batch, after those scheduled before it. */
    public Handle callSoon(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        Handle handle = new Handle(this, callback);
        lock.lock();
        try {
            checkClosed();
            checkThread();
            ready.addLast(handle);
        } finally {
            lock.unlock();
        }
        return handle;
    }

    /** Schedules {@code callback} to run {@code delay} from now ({@code call_later}). */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        Objects.requireNonNull(delay, "delay must not be null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, but was " + delay);
        }
        long nanos;
        try {
            nanos = delay.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        return schedule(saturatedAdd(nowNanos(), nanos), callback);
    }

    /**
     * Schedules {@code callback} for the deadline {@code when}, in {@link #time()}'s unit
     * (seconds since the loop was created); a deadline in the past runs in the next batch.
     */
    public TimerHandle callAt(double when, Runnable callback) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("when must be a number, but was NaN");
        }
        double nanos = when * 1e9;
        long deadline = nanos >= Long.MAX_VALUE ? Long.MAX_VALUE
                : nanos <= Long.MIN_VALUE ? Long.MIN_VALUE : Math.round(nanos);
        return schedule(deadline, callback);
    }

    private TimerHandle schedule(long deadlineNanos, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        lock.lock();
        try {
            checkClosed();
            checkThread();
            TimerHandle timer = new TimerHandle(this, callback, deadlineNanos, timerSequence++);
            timer.queued = true;
            timers.add(timer);
            // A foreign thread may only schedule while the loop is not running, so no wake-up is
            // needed: the loop computes its first wait after this.
            return timer;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The only way in from another thread ({@code call_soon_threadsafe}): schedules
     * {@code callback} like {@link #callSoon(Runnable)} and wakes the loop if it is parked.
     */
    public Handle callSoonThreadsafe(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        Handle handle = new Handle(this, callback);
        lock.lock();
        try {
            checkClosed();
            ready.addLast(handle);
            wakeUp.signal();
        } finally {
            lock.unlock();
        }
        return handle;
    }

    /**
     * A one-callback task: runs {@code task} on the loop via {@link #callSoon(Runnable)} and
     * returns a future of its result (its exception completes the future exceptionally instead of
     * reaching the exception handler). Not a coroutine: it runs start to end in one callback.
     */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        CompletableFuture<T> future = new CompletableFuture<>();
        Handle handle = callSoon(() -> {
            try {
                future.complete(task.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        var _ = future.whenComplete((r, e) -> {
            if (future.isCancelled()) {
                handle.cancel();
            }
        });
        return future;
    }

    // ---- running ----------------------------------------------------------------------------

    /**
     * Runs callbacks on the calling thread until {@link #stop()} (asyncio's {@code run_forever}).
     *
     * @throws IllegalStateException if the loop is closed or already running, or another loop
     *                               runs on this thread
     */
    public void runForever() {
        run(() -> {});
    }

    /** runForever; {@code atExit} runs under the lock as the run ends, before anyone can see it ended. */
    private void run(Runnable atExit) {
        lock.lock();
        try {
            checkCanRun();
            owner = Thread.currentThread();
        } finally {
            lock.unlock();
        }
        RUNNING.set(this);
        try {
            while (true) {
                runOnce();
                lock.lock();
                try {
                    if (stopping) {
                        break;
                    }
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            RUNNING.remove();
            lock.lock();
            try {
                atExit.run();
                stopping = false;
                owner = null;
            } finally {
                lock.unlock();
            }
        }
    }

    private void checkCanRun() {
        checkClosed();
        if (owner != null) {
            throw new IllegalStateException(ALREADY_RUNNING);
        }
        if (RUNNING.get() != null) {
            throw new IllegalStateException(ANOTHER_RUNNING);
        }
    }

    /**
     * Runs the loop until {@code future} completes and returns its result
     * ({@code run_until_complete}). An exceptional completion is rethrown: a
     * {@link RuntimeException} or {@link Error} as it is, a checked exception wrapped in a
     * {@link CompletionException}; a cancelled future throws {@link CancellationException}.
     *
     * @throws IllegalStateException "Event loop stopped before Future completed." if
     *                               {@link #stop()} ended the run first; or as {@link #runForever()}
     */
    public <T> T runUntilComplete(CompletableFuture<T> future) {
        Objects.requireNonNull(future, "future");
        lock.lock();
        try {
            checkCanRun();
        } finally {
            lock.unlock();
        }
        // CompletableFuture cannot remove a callback, as asyncio does in a finally: disarm it, in
        // the same locked step that ends the run, so a late completion cannot stop a later run.
        boolean[] armed = {true};
        var _ = future.whenComplete((r, e) -> {
            lock.lock();
            try {
                if (armed[0]) {
                    stopping = true;
                    wakeUp.signal();
                }
            } finally {
                lock.unlock();
            }
        });
        run(() -> armed[0] = false);
        if (!future.isDone()) {
            throw new IllegalStateException(STOPPED_EARLY);
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Runs {@code task} as one callback on the loop and returns its result: {@code runUntilComplete(submit(task))}. */
    public <T> T runUntilComplete(Callable<T> task) {
        return runUntilComplete(submit(task));
    }

    /**
     * Asks the loop to return from {@code runForever} once the current batch has run. Unlike
     * asyncio's (which needs {@code call_soon_threadsafe(loop.stop)}), safe from any thread.
     */
    public void stop() {
        lock.lock();
        try {
            stopping = true;
            wakeUp.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a thread is in {@link #runForever()}. */
    public boolean isRunning() {
        return owner != null;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the loop: pending callbacks are dropped without running. Closing twice is fine.
     *
     * @throws IllegalStateException "Cannot close a running event loop"
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (owner != null) {
                throw new IllegalStateException(CLOSE_RUNNING);
            }
            if (closed) {
                return;
            }
            closed = true;
            ready.clear();
            batch.clear();
            timers.clear();
        } finally {
            lock.unlock();
        }
    }

    // ---- exceptions -------------------------------------------------------------------------

    /** Sets the handler for exceptions from callbacks; {@code null} restores the default. */
    public void setExceptionHandler(ExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    /** The handler set with {@link #setExceptionHandler}, or {@code null} for the default. */
    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    /** Passes {@code context} to the exception handler; a failing handler is logged, not thrown. */
    public void callExceptionHandler(ExceptionContext context) {
        ExceptionHandler handler = exceptionHandler;
        if (handler == null) {
            defaultExceptionHandler(context);
            return;
        }
        try {
            handler.handle(this, context);
        } catch (Exception e) {
            defaultExceptionHandler(new ExceptionContext("Unhandled error in exception handler", e,
                    context.handle()));
        }
    }

    /** The default handler: logs the message and the exception at ERROR level, as asyncio logs them. */
    public void defaultExceptionHandler(ExceptionContext context) {
        String message = context.handle() == null ? context.message()
                : context.message() + "\nhandle: " + context.handle();
        LOG.log(System.Logger.Level.ERROR, message, context.exception());
    }

    // ---- the loop itself --------------------------------------------------------------------

    /** One iteration, like asyncio's {@code _run_once}: wait, move due timers, run one batch. */
    @SuppressWarnings("NonAtomicVolatileUpdate") // only the loop's thread writes iterations
    private void runOnce() {
        iterations++;
        lock.lock();
        try {
            // Park until there is a ready callback, a due timer, or a stop request. A spurious or
            // early wake-up waits again without running an iteration.
            while (ready.isEmpty() && !stopping) {
                dropCancelledHeadTimers();
                TimerHandle next = timers.peek();
                try {
                    if (next == null) {
                        wakeUp.await();
                    } else {
                        long wait = next.deadlineNanos - nowNanos();
                        if (wait <= 0) {
                            break;
                        }
                        wakeUp.awaitNanos(wait);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                }
            }
            long now = nowNanos();
            TimerHandle due;
            while ((due = timers.peek()) != null && due.deadlineNanos <= now) {
                timers.poll();
                due.queued = false;
                if (due.isCancelled()) {
                    cancelledTimers--;
                } else {
                    ready.addLast(due);
                }
            }
            if (cancelledTimers >= MIN_CANCELLED_TO_PURGE && cancelledTimers * 2 > timers.size()) {
                timers.removeIf(t -> {
                    t.queued = !t.isCancelled();
                    return t.isCancelled();
                });
                cancelledTimers = 0;
            }
            // Take the whole ready queue as this batch: what the batch schedules waits for the next.
            ArrayDeque<Handle> taken = ready;
            ready = batch;
            batch = taken;
        } finally {
            lock.unlock();
        }
        try {
            Handle handle;
            while ((handle = batch.pollFirst()) != null) {
                handle.run();
            }
        } finally {
            if (!batch.isEmpty()) {
                // An Error escaped a callback: what the batch did not run stays first in line.
                lock.lock();
                try {
                    while (!batch.isEmpty()) {
                        ready.addFirst(batch.pollLast());
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void dropCancelledHeadTimers() {
        TimerHandle head;
        while ((head = timers.peek()) != null && head.isCancelled()) {
            timers.poll();
            head.queued = false;
            cancelledTimers--;
        }
    }

    /** {@link Handle#cancel()}: marks it cancelled and counts cancelled timers still queued, for the purge. */
    void cancel(Handle handle) {
        lock.lock();
        try {
            if (handle.markCancelled() && handle instanceof TimerHandle timer && timer.queued) {
                cancelledTimers++;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Loop iterations so far: an idle loop must not add any. */
    long iterations() {
        return iterations;
    }

    private void checkClosed() {
        if (closed) {
            throw new IllegalStateException(CLOSED);
        }
    }

    private void checkThread() {
        Thread running = owner;
        if (running != null && running != Thread.currentThread()) {
            throw new WrongThreadException(WRONG_THREAD);
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
