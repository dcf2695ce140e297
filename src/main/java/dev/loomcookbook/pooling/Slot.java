package dev.loomcookbook.pooling;

import dev.loomcookbook.pooling.PoolTask.Phase;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Body;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Failure;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Frame;
import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameWriter;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Kind;
import dev.loomcookbook.pooling.ProcessPoolProtocol.ProtocolException;
import dev.loomcookbook.pooling.ProcessPoolProtocol.RefusedException;
import dev.loomcookbook.pooling.ProcessPoolProtocol.TruncatedFrameException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * One worker slot: the thread that starts its worker process, sends it the queued tasks, reads
 * their answers, and replaces the worker when it dies, breaks the protocol or has run
 * {@code maxTasksPerWorker} tasks. A caller waiting in {@link PoolTask#get()} may read an answer
 * instead ({@link #read}); the slot's thread then sleeps until there is something for it to do.
 */
final class Slot implements Runnable {

    /**
     * Where a slot is. Transitions, all under the pool's lock:
     * STARTING → IDLE (its worker is up, nothing is queued), STARTING → BUSY (up, and a task was
     * queued), STARTING → STARTING (the start failed: retried when tasks wait, after a pause),
     * STARTING → ENDED (the pool stopped, or shut down with nothing queued);
     * IDLE → BUSY (a submitter hands it a task), IDLE → RETIRING (the worker died, or the pool
     * shut down);
     * BUSY → IDLE (answer read, nothing queued), BUSY → BUSY (answer read, the next queued task
     * taken), BUSY → RETIRING (the worker died, broke the protocol, was killed, said it ends
     * after this answer, or reached maxTasksPerWorker; or the pool shut down and nothing is
     * queued);
     * RETIRING → STARTING (the old worker has exited), RETIRING → ENDED (exited, and the pool
     * stopped or shut down with nothing queued).
     */
    enum State { STARTING, IDLE, BUSY, RETIRING, ENDED }

    /** What the slot's thread does next, outside the lock. */
    private enum Step {
        START, SEND, READ, RETIRE, END
    }

    /** A task whose answer no caller claims within this time is read by the slot's thread. */
    static final long CLAIM_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Consecutive failed starts after which a queued task fails, if no other worker could run it. */
    static final int FAILED_STARTS_BEFORE_FAILING = 3;

    private final ProcessPool pool;
    final int number;
    final Condition wake;
    Thread thread;

    // Guarded by the pool's lock.
    State state = State.STARTING;
    WorkerProcess worker;
    /** The worker being started, for the watchdog. */
    WorkerProcess starting;
    long startingSince;
    boolean startAcknowledged;
    PoolTask<?> current;
    private int tasksOnWorker;
    /** The task and worker of the step next() chose, for this slot's own thread. */
    private PoolTask<?> stepTask;
    private WorkerProcess stepWorker;
    private int failedStarts;
    private long nextStartAt;
    /** Whether a start was tried (the pool counts first starts for awaitWorkersStarted). */
    boolean everStarted;

    Slot(ProcessPool pool, int number) {
        this.pool = pool;
        this.number = number;
        this.wake = pool.lock.newCondition();
    }

    @Override
    public void run() {
        try {
            while (true) {
                Step step = next();
                try {
                    switch (step) {
                        case START -> start();
                        case SEND -> send(stepTask, stepWorker);
                        case READ -> read(stepTask, stepWorker, false);
                        case RETIRE -> retire();
                        case END -> {
                            return;
                        }
                    }
                } catch (RuntimeException | Error bug) {
                    // A bug of ours must neither end this slot nor strand its task: fail it, start afresh.
                    ProcessPool.LOG.log(Level.ERROR, "process pool slot " + number + " failed",
                            bug);
                    recover(bug);
                }
            }
        } finally {
            pool.slotEnded(this);
        }
    }

    /** Decides the next step under the lock, waiting until there is one. */
    private Step next() {
        pool.lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                long until = 0;
                switch (state) {
                    case STARTING -> {
                        if (pool.isStopping() || (pool.isShutdown() && pool.queue.isEmpty())) {
                            state = State.ENDED;
                            return Step.END;
                        }
                        if (!everStarted || (!pool.queue.isEmpty() && now - nextStartAt >= 0)) {
                            return Step.START;
                        }
                        until = pool.queue.isEmpty() ? 0 : nextStartAt;
                    }
                    case IDLE -> {
                        if (pool.isShutdown()) {
                            pool.idle.remove(this);
                            state = State.RETIRING;
                            continue;
                        }
                    }
                    case BUSY -> {
                        PoolTask<?> t = current;
                        stepTask = t;
                        stepWorker = worker;
                        if (t.phase == Phase.SENDING && t.sentBySlot) {
                            return Step.SEND;
                        }
                        if (t.phase == Phase.AWAITING) {
                            if (t.slotReads || !pool.queue.isEmpty() || pool.isShutdown()
                                    || now - t.sentAt >= CLAIM_AFTER_NANOS) {
                                t.phase = Phase.READING;
                                return Step.READ;
                            }
                            until = t.sentAt + CLAIM_AFTER_NANOS;
                        }
                    }
                    case RETIRING -> {
                        return Step.RETIRE;
                    }
                    case ENDED -> {
                        return Step.END;
                    }
                }
                if (until == 0) {
                    wake.awaitUninterruptibly();
                } else {
                    long left = until - System.nanoTime();
                    if (left > 0) {
                        try {
                            wake.awaitNanos(left);
                        } catch (InterruptedException e) {
                            // Only the pool's own code runs on this thread.
                        }
                    }
                }
            }
        } finally {
            pool.lock.unlock();
        }
    }

    /** Under the lock: makes {@code t} this slot's task, for the slot's thread to send. */
    void assign(PoolTask<?> t, boolean bySlot) {
        state = State.BUSY;
        current = t;
        t.slot = this;
        t.phase = Phase.SENDING;
        t.sentBySlot = bySlot;
        t.slotReads = bySlot || t.slotReads;
        t.acknowledged = false;
    }

    /** Under the lock: after an answer, the next queued task, or idle (or retiring when shut down). */
    private void takeNextOrIdle() {
        PoolTask<?> next = pool.queue.pollFirst();
        if (next != null) {
            assign(next, true);
        } else if (pool.isShutdown()) {
            state = State.RETIRING;
        } else {
            state = State.IDLE;
            pool.idle.push(this);
        }
    }

    // ---- starting ----------------------------------------------------------------------------

    private void start() {
        WorkerProcess w = null;
        RuntimeException failure = null;
        try {
            w = WorkerProcess.start(pool.options, pool.command,
                    pool.name + "-worker-" + number + "-output");
            pool.lock.lock();
            try {
                starting = w;
                startingSince = System.nanoTime();
                startAcknowledged = false;
            } finally {
                pool.lock.unlock();
            }
            handshake(w);
        } catch (StartFailure e) {
            failure = e.forTask;
        } catch (IOException e) {
            failure =
                    new UncheckedIOException("could not start a worker JVM: " + e.getMessage(), e);
        }
        if (failure != null && w != null) {
            w.kill("it failed to start");
            w.retire(Duration.ZERO);
            w = null;
        }
        PoolTask<?> failed = null;
        boolean stopping;
        pool.lock.lock();
        try {
            starting = null;
            if (!everStarted) {
                everStarted = true;
                pool.started.countDown();
            }
            stopping = pool.isStopping();
            if (w != null) {
                worker = w;
                failedStarts = 0;
                tasksOnWorker = 0;
                if (stopping) {
                    state = State.RETIRING;
                } else {
                    takeNextOrIdle();
                }
            } else {
                failedStarts++;
                nextStartAt = System.nanoTime() + TimeUnit.MILLISECONDS
                        .toNanos(Math.min(2000, 50L << Math.min(failedStarts - 1, 6)));
                if (!pool.queue.isEmpty() && failedStarts >= FAILED_STARTS_BEFORE_FAILING
                        && !pool.anyWorkerUp()) {
                    failed = pool.queue.pollFirst();
                    failed.phase = Phase.DONE;
                }
            }
        } finally {
            pool.lock.unlock();
        }
        if (w != null) {
            WorkerProcess started = w;
            var _ = w.process.onExit().thenRun(() -> pool.workerExited(this, started));
        } else {
            ProcessPool.LOG.log(Level.WARNING, pool.name + ": " + failure.getMessage());
            if (failed != null) {
                if (stopping) {
                    failed.cancel(false);
                } else {
                    failed.fail(failure);
                }
            }
        }
    }

    /** Sends INIT and waits for READY (BUSY frames say a long initializer is running). */
    private void handshake(WorkerProcess w) throws StartFailure {
        try {
            w.write(pool.initFrame, pool.initFrame.length);
            while (true) {
                Frame f = w.read();
                if (f.kind() == Kind.BUSY) {
                    acknowledgeStart();
                    continue;
                }
                if (f.kind() != Kind.READY) {
                    throw new ProtocolException("expected READY, got " + f.kind());
                }
                Body b = f.body();
                b.readLong();
                Failure initFailure = b.readByte() == 0 ? null : Failure.readFrom(b);
                b.end();
                if (initFailure != null) {
                    Throwable cause = rebuild(initFailure, pool.initializerResults,
                            ProcessPool.class.getClassLoader(), w.pid);
                    throw new StartFailure(new IllegalStateException(
                            "the initializer failed in worker pid " + w.pid + ": " + cause, cause));
                }
                return;
            }
        } catch (IOException e) {
            String killed = w.killedBecause();
            String how = killed != null ? "it was killed: " + killed
                    : w.awaitExit(Duration.ofSeconds(2))
                            ? WorkerDiedException.describe(w.process.exitValue())
                    : e.getMessage();
            String last = w.lastOutput() == null ? "" : "; its last output: " + w.lastOutput();
            throw new StartFailure(new IllegalStateException(
                    "worker pid " + w.pid + " failed to start: " + how + last
                            + " (JVM options: " + pool.options.jvmOptions() + ")",
                    e));
        }
    }

    private void acknowledgeStart() {
        pool.lock.lock();
        try {
            startAcknowledged = true;
        } finally {
            pool.lock.unlock();
        }
    }

    /** Why a task could not run: the worker could not start, or its initializer failed. */
    private static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final RuntimeException forTask;

        StartFailure(RuntimeException forTask) {
            super(forTask.getMessage(), forTask, false, false);
            this.forTask = forTask;
        }
    }

    // ---- sending and reading -----------------------------------------------------------------

    /** Writes {@code t}'s frame (a queued task, or a large one), then reads its answer. */
    private void send(PoolTask<?> t, WorkerProcess w) {
        byte[] frame = t.frame;
        IOException failed = null;
        if (frame != null) {
            w.forgetOutput();
            try {
                w.write(frame, frame.length);
            } catch (IOException e) {
                failed = e;
            }
        }
        if (frame == null) {
            // Cancelled while it waited for this thread: nothing to send.
            pool.lock.lock();
            try {
                t.phase = Phase.DONE;
                current = null;
                takeNextOrIdle();
            } finally {
                pool.lock.unlock();
            }
            return;
        }
        if (failed == null) {
            boolean read = false;
            pool.lock.lock();
            try {
                if (t.phase == Phase.SENDING) {
                    t.phase = Phase.READING;
                    t.sentAt = System.nanoTime();
                    read = true;
                }
            } finally {
                pool.lock.unlock();
            }
            if (read) {
                read(t, w, false);
            }
            return;
        }
        written(t, failed);
    }

    /**
     * After a task's frame was written (by this slot's thread, or by the submitter): the task
     * awaits its answer; or, if the write failed, the worker was gone before it got the whole
     * frame, so the task never ran and goes back to the head of the queue.
     */
    void written(PoolTask<?> t, IOException failed) {
        boolean cancel = false;
        pool.lock.lock();
        try {
            if (failed == null) {
                if (t.phase == Phase.SENDING) {
                    t.phase = Phase.AWAITING;
                    t.sentAt = System.nanoTime();
                }
                if (t.slotReads || !pool.queue.isEmpty()) {
                    wake.signal();
                }
                return;
            }
            if (current == t) {
                current = null;
                state = State.RETIRING;
                wake.signal();
            }
            if (t.isDone() || pool.isStopping()) {
                t.phase = Phase.DONE;
                cancel = !t.isDone();
            } else {
                t.phase = Phase.QUEUED;
                t.slot = null;
                pool.queue.addFirst(t);
                pool.nudge();
            }
        } finally {
            pool.lock.unlock();
        }
        if (cancel) {
            t.cancel(false);
        }
    }

    /**
     * Reads {@code t}'s answer from this slot's worker {@code w} and completes {@code t}: in the slot's
     * thread, or in a caller's ({@code byCaller}), which hands the reading back to the slot when
     * the worker says BUSY. The phase of {@code t} is READING.
     */
    void read(PoolTask<?> t, WorkerProcess w, boolean byCaller) {
        Object value;
        Throwable failure;
        try {
            while (true) {
                Frame f = w.read();
                if (f.task() != t.number) {
                    throw new ProtocolException(
                            "it answered task #" + f.task() + " while task #" + t.number
                                    + " was running (did a task write into the channel?)");
                }
                if (f.kind() == Kind.RETIRING) {
                    w.retiring = true;
                    continue;
                }
                if (f.kind() != Kind.BUSY) {
                    Outcome o = decode(f, t, w);
                    value = o.value;
                    failure = o.failure;
                    if (o.malformed) {
                        w.kill("its answer was malformed");
                    }
                    break;
                }
                if (acknowledged(t, byCaller)) {
                    return;
                }
            }
        } catch (Throwable e) {
            fault(t, w, e, byCaller);
            return;
        }
        pool.lock.lock();
        try {
            t.phase = Phase.DONE;
            current = null;
            if (w.killedBecause() != null || w.retiring) {
                state = State.RETIRING;
            } else if (++tasksOnWorker == pool.options.maxTasksPerWorker()) {
                state = State.RETIRING;
            } else {
                takeNextOrIdle();
            }
            if (byCaller && state != State.IDLE) {
                wake.signal();
            }
        } finally {
            pool.lock.unlock();
        }
        if (failure != null) {
            t.fail(failure);
        } else {
            t.succeed(value);
        }
    }

    /** Under no lock: records BUSY; true if the reading caller handed the answer over to the slot. */
    private boolean acknowledged(PoolTask<?> t, boolean byCaller) {
        pool.lock.lock();
        try {
            t.acknowledged = true;
            if (byCaller) {
                t.phase = Phase.AWAITING;
                t.slotReads = true;
                wake.signal();
            }
            return byCaller;
        } finally {
            pool.lock.unlock();
        }
    }

    /** A task's outcome: a value, or the exception it ends with; and whether the answer was malformed. */
    private record Outcome(Object value, Throwable failure, boolean malformed) {
        Outcome(Object value, Throwable failure) {
            this(value, failure, false);
        }
    }

    /**
     * The outcome an answer frame says. A malformed frame is a {@link ProtocolException}; a
     * payload the task's policy refuses, or that cannot be rebuilt, fails the task only.
     */
    private Outcome decode(Frame f, PoolTask<?> t, WorkerProcess w) throws IOException {
        Body b = f.body();
        return switch (f.kind()) {
            case DONE, CHUNK_DONE -> {
                if ((f.kind() == Kind.CHUNK_DONE) != t.chunk) {
                    throw new ProtocolException(
                            "answered a " + (t.chunk ? "map chunk" : "task") + " with " + f.kind());
                }
                Object[] values;
                try {
                    values = ProcessPoolProtocol.readValues(b, t.results.reader(t.loader));
                } catch (ProtocolException e) {
                    throw e;
                } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
                    String why = e instanceof RefusedException ? "was refused: " + e.getMessage()
                            : "could not be read: " + e;
                    // A class this JVM cannot load or accept is the task's business; a stream broken
                    // below that (or crossing a limit no real stream can) means the worker is.
                    boolean malformed = e instanceof RefusedException r ? r.malformed
                            : !(e instanceof ClassNotFoundException || e instanceof LinkageError
                                    || e instanceof java.io.InvalidClassException);
                    yield new Outcome(null, new UnreadableResultException(
                            (t.chunk ? "the results of a map chunk " : "the task's result ") + why,
                            e), malformed);
                }
                if (!t.chunk) {
                    if (values.length != 1) {
                        throw new ProtocolException("a result of " + values.length + " values");
                    }
                    b.end();
                    yield new Outcome(values[0], null);
                }
                Throwable itemFailure = b.readByte() == 0 ? null
                        : rebuild(Failure.readFrom(b), t.results, t.loader, w.pid);
                b.end();
                yield new Outcome(new MapChunk.Result(values, itemFailure), null);
            }
            case FAILED -> {
                Failure failure = Failure.readFrom(b);
                b.end();
                yield new Outcome(null, rebuild(failure, t.results, t.loader, w.pid));
            }
            case UNSENDABLE -> {
                String why = b.readString();
                b.end();
                yield new Outcome(null,
                        new UnreadableResultException(why == null ? "(no reason given)" : why));
            }
            default -> throw new ProtocolException("answered a task with " + f.kind());
        };
    }

    /** A task's exception as itself if the policy allows it, else as a {@link RemoteTaskException}. */
    static Throwable rebuild(Failure f, ClassPolicy policy, ClassLoader loader, long pid) {
        String why;
        if (f.exception() == null) {
            why = "the exception could not be sent as itself";
        } else {
            try {
                Object o = policy.read(f.exception(), 0, f.exception().length, loader, null);
                if (o instanceof Throwable t) {
                    return t;
                }
                why = "not an exception: " + o.getClass().getName();
            } catch (RefusedException e) {
                why = e.getMessage();
            } catch (Exception | LinkageError e) {
                why = "not rebuilt here: " + e;
            }
        }
        return new RemoteTaskException(f.type(), f.message(), f.stack(),
                "worker pid " + pid + ", " + why);
    }

    /** The worker died, broke the protocol, or reading failed: fail (or cancel) {@code t} and retire the worker. */
    private void fault(PoolTask<?> t, WorkerProcess w, Throwable e, boolean byCaller) {
        RuntimeException failure;
        String killed = w.killedBecause();
        if (e instanceof EOFException || e instanceof TruncatedFrameException
                || !w.process.isAlive()) {
            boolean exited = w.awaitExit(Duration.ofSeconds(2));
            if (!exited) {
                w.kill("its channel ended while it kept running");
                w.awaitExit(Duration.ofSeconds(5));
            }
            String detail = killed != null ? "the pool killed it: " + killed
                    : e instanceof TruncatedFrameException ? e.getMessage()
                    : e instanceof EOFException ? null
                    : "reading its answer failed: " + e; // the worker had ended by then
            failure =
                    new WorkerDiedException(w.pid, w.process.isAlive() ? -1 : w.process.exitValue(),
                            w.lastOutput(), detail);
        } else if (e instanceof IOException broken) {
            w.kill("it broke the channel protocol");
            failure = new UncheckedIOException(
                    "worker pid " + w.pid + " broke the pool's channel protocol and was"
                            + " replaced: " + e.getMessage(),
                    broken);
        } else {
            w.kill("reading its answer failed");
            failure = new IllegalStateException(
                    "reading the answer of worker pid " + w.pid + " failed: " + e, e);
        }
        boolean cancel;
        pool.lock.lock();
        try {
            t.phase = Phase.DONE;
            current = null;
            state = State.RETIRING;
            cancel = pool.isStopping() || t.isCancelled();
            if (byCaller) {
                wake.signal();
            }
        } finally {
            pool.lock.unlock();
        }
        if (cancel) {
            t.cancel(false);
        } else {
            t.fail(failure);
        }
    }

    /** After a bug in a step: fail the task the slot held, and replace the worker. */
    private void recover(Throwable bug) {
        PoolTask<?> t;
        WorkerProcess w;
        pool.lock.lock();
        try {
            t = current;
            w = worker;
            current = null;
            if (t != null) {
                t.phase = Phase.DONE;
            }
            if (state != State.ENDED) {
                state = worker != null ? State.RETIRING : State.STARTING;
            }
        } finally {
            pool.lock.unlock();
        }
        if (w != null) {
            w.kill("the pool hit a bug");
        }
        if (t != null) {
            t.fail(new IllegalStateException("the process pool failed: " + bug, bug));
        }
    }

    // ---- retiring ----------------------------------------------------------------------------

    private void retire() {
        WorkerProcess w;
        pool.lock.lock();
        try {
            w = worker;
        } finally {
            pool.lock.unlock();
        }
        if (w != null) {
            w.retire(Duration.ofSeconds(5));
        }
        pool.lock.lock();
        try {
            worker = null;
            state = pool.isStopping() || (pool.isShutdown() && pool.queue.isEmpty()) ? State.ENDED
                    : State.STARTING;
            nextStartAt = System.nanoTime();
        } finally {
            pool.lock.unlock();
        }
    }

    /** A frame of INIT: the initializer, serialized, or none. */
    static byte[] initFrame(byte[] initializer, int maxBody) {
        try {
            FrameWriter w =
                    new FrameWriter(64 + (initializer == null ? 0 : initializer.length), maxBody);
            w.writeBytes(initializer);
            return w.toFrame(Kind.INIT, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CancellationException stopping() {
        return new CancellationException("the pool is stopping");
    }
}
