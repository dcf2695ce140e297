package dev.loomcookbook.pooling;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A submitted task (or a chunk of a map): the future the caller holds, the frame a worker gets,
 * and where the task is on its way there and back.
 *
 * <p>Its outcome is the {@link FutureTask}'s: whoever sets it first (the reader of the answer, a
 * cancel, a failure) wins, and the others' attempts do nothing. An untimed {@link #get()} on a
 * task whose answer nobody reads yet reads it in the calling thread (one thread wake-up fewer
 * than being woken by the pool's thread for that worker).
 */
final class PoolTask<T> extends FutureTask<T> {

    /**
     * Where a task is. Transitions, all under the pool's lock:
     * QUEUED → SENDING (a slot takes it, or a submitter hands it to an idle slot);
     * SENDING → AWAITING (its frame is written); SENDING → QUEUED (the worker was gone before it
     * got the whole frame: the task never ran, and goes back to the head of the queue);
     * AWAITING → READING (a reader claims its answer: the caller in get(), or the slot's thread);
     * READING → AWAITING (a reading caller saw BUSY and hands the answer over to the slot's thread);
     * any → DONE (the pool is done with it: answer read, failed, cancelled while queued, or
     * drained by a shutdown). A task cancelled while SENDING, AWAITING or READING still goes
     * through: the worker answers and the answer is dropped (with cancel(true) the worker is
     * killed instead, and the reader sees its end).
     */
    enum Phase { QUEUED, SENDING, AWAITING, READING, DONE }

    private final ProcessPool pool;
    /** Its number in the frames: its answer must carry the same. */
    final int number;
    /** The frame for the worker; dropped once the task is done, so a kept future holds no copy. */
    volatile byte[] frame;
    /** What its result or exception may contain. */
    final ClassPolicy results;
    /** The loader to resolve its result's classes with: the task's own. */
    final ClassLoader loader;
    /** A map chunk (answered with CHUNK_DONE) rather than a single task (DONE). */
    final boolean chunk;

    // Guarded by the pool's lock.
    Phase phase = Phase.QUEUED;
    Slot slot;
    /** Its frame is written by the slot's thread (large, or its answer is for the slot to read). */
    boolean sentBySlot;
    /** Its answer is read by the slot's thread, not by a caller (once true, it stays true). */
    volatile boolean slotReads;
    long sentAt;
    /** The worker said BUSY (or answered): it has the task. */
    boolean acknowledged;

    volatile Consumer<Future<?>> whenDone;
    volatile boolean reportFailure;

    PoolTask(ProcessPool pool, int number, Callable<T> task, byte[] frame, ClassPolicy results,
            ClassLoader loader,
            boolean chunk) {
        super(task);
        this.pool = pool;
        this.number = number;
        this.frame = frame;
        this.results = results;
        this.loader = loader;
        this.chunk = chunk;
    }

    /** Waits for the outcome, reading the worker's answer in this thread if nobody reads it yet. */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone() && !slotReads) {
            pool.readAnswer(this);
        }
        return super.get();
    }

    /** Waits at most {@code timeout}; the answer is read by the pool (a blocking read cannot time out). */
    @Override
    public T get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone() && !slotReads) {
            pool.hurryAnswer(this);
        }
        return super.get(timeout, unit);
    }

    /** Cancelling a queued task removes it; {@code cancel(true)} on a running task kills its worker. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(false);
        if (cancelled) {
            pool.cancelled(this, mayInterruptIfRunning);
        }
        return cancelled;
    }

    @SuppressWarnings("unchecked")
    void succeed(Object value) {
        set((T) value);
    }

    void fail(Throwable t) {
        setException(t);
    }

    int frameLength() {
        byte[] f = frame;
        return f == null ? 0 : f.length;
    }

    @Override
    protected void done() {
        frame = null;
        Consumer<Future<?>> listener = whenDone;
        if (listener != null) {
            listener.accept(this);
        }
        if (reportFailure && !isCancelled()) {
            try {
                super.get();
            } catch (ExecutionException e) {
                ProcessPool.LOG.log(System.Logger.Level.WARNING, "a task given to execute() failed",
                        e.getCause());
            } catch (InterruptedException | CancellationException ignored) {
                // Not a failure of the task.
            }
        }
    }
}
