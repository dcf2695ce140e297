package dev.loomcookbook.pooling;

import dev.loomcookbook.pooling.PoolTask.Phase;
import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameWriter;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Kind;
import dev.loomcookbook.pooling.ProcessPoolProtocol.MessageTooLargeException;
import java.io.IOException;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A pool of child JVM processes that runs serializable tasks: Python's
 * {@code concurrent.futures.ProcessPoolExecutor} for Java, under the {@link ExecutorService}
 * contract.
 *
 * <pre>{@code
 * try (ProcessPool pool = new ProcessPool(5)) {                 // with ProcessPoolExecutor(5) as pool:
 *     Future<Long> f = pool.submit(() -> count(3));            //     f = pool.submit(count, 3)
 *     f.get();                                                 //     f.result()
 *     pool.map(k -> count(k), List.of(1, 2, 3)).toList();      //     list(pool.map(count, [1, 2, 3]))
 *     pool.map(k -> k + 1, items, 1000).toList();              //     list(pool.map(f, items, chunksize=1000))
 * }                                                            // (exiting the block shuts it down)
 * }</pre>
 *
 * <h2>Workers</h2>
 * Each worker is a JVM started from the running JDK ({@code java.home/bin/java}) with this JVM's
 * class path, {@code --enable-preview}, the options of {@link Builder#jvmOptions} (by default a
 * small heap and a quick-starting GC) and always {@code -XX:+ExitOnOutOfMemoryError}; its main
 * class is {@link ProcessPoolWorker}. Nothing extra is installed. The pool starts all workers at
 * once (Python starts them on demand). Each worker runs one task at a time; the pool runs up to
 * {@code workers} tasks at once, the others wait in a FIFO queue. {@link Builder#maxTasksPerWorker}
 * replaces a worker after that many tasks; {@link Builder#initializer} runs once in each new
 * worker before its first task.
 *
 * <h2>Tasks</h2>
 * A task is a {@link Callable} (or {@link Runnable}) that is also {@link Serializable}: a record or
 * class, or a lambda or method reference typed {@link Task} or {@link SerializableRunnable} (which
 * makes it serializable; {@code submit(() -> ...)} picks those overloads). It is serialized
 * when submitted, in the caller's thread: a task that cannot be serialized, is larger than
 * {@link Builder#maxMessageBytes} or holds a class workers do not accept (see <i>Safety</i>)
 * throws {@link TaskNotSerializableException} there and nothing is sent. Its result must be
 * serializable too. The worker has its own heap and statics: a static field set in a task is not
 * seen by the parent, nor by other workers.
 *
 * <h2>map and chunks</h2>
 * {@link #map(TaskFunction, Iterable, int, Duration) map(fn, items, chunksize, timeout)} is
 * CPython's {@code Executor.map}: it submits everything at once, in chunks of {@code chunksize}
 * items; a chunk travels as one message and runs in one call in a worker, so a task's fixed cost
 * (a round trip of some tens of microseconds) is paid once per chunk instead of once per item.
 * Results come back in item order ({@link MapResults}); an item's exception is raised at its
 * position, after the results before it; a worker that dies fails only the items of the chunk it
 * held. Chunks matter when items are small: a chunk size of 100 to 1000 turns a map of trivial
 * items from round-trip bound into nearly the cost of the work. Items and results that are all
 * {@code Integer}, {@code Long}, {@code Double} or {@code String} travel in a compact form; other
 * values are serialized.
 *
 * <h2>The channel</h2>
 * Tasks and results travel through pipes to the worker's standard input and from its standard
 * output, as length-prefixed frames (see {@link ProcessPoolProtocol}), which the worker moves to
 * file descriptors 3 and 4 before any task code runs (through {@code /bin/sh}, where there is
 * one); descriptor 0 then reads {@code /dev/null} and 1 writes to its standard error, which the
 * parent reads line by line and forwards with a {@code [worker pid N]} prefix to
 * {@link Builder#workerOutput} (by default this JVM's {@code System.err}). So printing in a task,
 * native code writing to descriptor 1, the JVM's own logging, closing {@code System.in} or
 * {@code FileDescriptor.in} and child processes started with {@code inheritIO()} never touch the
 * channel. Pipes rather than a loopback socket: only this parent holds their other ends (a
 * socket could be reached by any local process, so it would need an authentication step), and
 * the kernel closes them when either side dies, which is how workers notice that the parent is
 * gone. A caller waiting in an untimed {@code get()} on a task that went straight to an idle
 * worker reads the answer from the pipe itself, which saves a thread wake-up per round trip; the
 * worker says BUSY after a few milliseconds of a longer task, and the caller then goes back to an
 * ordinary, interruptible wait.
 *
 * <h2>Safety</h2>
 * <ul>
 * <li>Deserialization is bounded on both sides ({@link ClassPolicy}). Classes: a worker accepts
 *     in tasks java.base value types, collections and exceptions, a few more JDK classes (the
 *     concurrent collections, atomics, {@code URI}, {@code File}, {@code java.text}), every class
 *     of the application (not loaded by the JDK itself) and the patterns of {@link Builder#allow};
 *     it gets this on its command line, so no message can widen it, and the parent checks tasks
 *     against it at submission. The parent accepts in a result or exception java.base value
 *     types, collections and exceptions ({@link ClassPolicy#BASICS}), the packages of the task's
 *     own classes and the allowed patterns. Limits, for a payload of N bytes: objects nested at
 *     most {@value ClassPolicy#MAX_DEPTH} deep, at most N objects and references, arrays of at
 *     most 2N + 64 elements in all (so a small message cannot make the reader allocate much), and
 *     N at most {@link Builder#maxMessageBytes}; a frame above the limit is refused unread.</li>
 * <li>A result the parent could not read fails its task alone, with an
 *     {@link UnreadableResultException} saying why: not serializable, too large, a refused class,
 *     a limit, or too costly to rebuild. The worker checks that last one itself before sending: a
 *     result holding hash-based collections or classes with their own readers is read back in the
 *     worker, within max(0.5 s, 20 times its writing time), since nested hash sets that share
 *     their elements rebuild in exponential time and could otherwise keep a parent thread busy
 *     forever. (A frame forged below the JVM, by native code writing to descriptor 4, is only held
 *     to the limits above.)</li>
 * <li>A worker that dies while running a task (killed, {@code System.exit}, out of memory, a
 *     crash) fails only that task (or chunk), with a {@link WorkerDiedException} saying how it
 *     died (exit code, or the signal, and an answer cut short); the pool starts a replacement and
 *     keeps serving. (CPython marks the whole pool broken.) A worker that breaks the protocol is
 *     killed and replaced; its task fails saying so.</li>
 * <li>A worker that stops reading or answering (stopped with SIGSTOP, say) cannot block anyone:
 *     submitters write only frames small enough for an empty pipe (4 KiB), larger ones are written
 *     by the pool's thread; a worker that neither answers nor acknowledges a task, or stalls in
 *     the middle of a frame either way, within {@link Builder#channelTimeout} (30 s by default) is
 *     killed, and its task fails (or, if the worker never got the whole task, runs on the next
 *     worker). Once a worker has acknowledged a task it may run as long as the task takes.</li>
 * <li>A worker that cannot start is retried after a pause while tasks wait; a queued task fails
 *     only after {@value Slot#FAILED_STARTS_BEFORE_FAILING} failed starts in a row and only when no
 *     other worker is up to run it.</li>
 * <li>A task's exception is rebuilt in the parent with its type, message and the worker's stack
 *     trace, as the cause of the {@link ExecutionException}; if its class cannot be rebuilt here
 *     it arrives as a {@link RemoteTaskException} carrying the type name, message and stack.</li>
 * <li>No orphans: workers exit when their channel ends (the pool closed it, or the parent died),
 *     and also watch the parent process (exit code {@link dev.loomcookbook.common.ChildJvm#PARENT_GONE},
 *     not 3, the out-of-memory code). A worker ending, or being retired or killed by the pool,
 *     also ends the processes its tasks started (a worker that dies suddenly leaves its own
 *     children to the operating system, though).</li>
 * </ul>
 *
 * <h2>Shutting down and cancelling</h2>
 * {@link #shutdown()} refuses new tasks and lets queued ones finish; {@link #shutdown(boolean)
 * shutdown(true)} also cancels the queued ones (CPython's {@code cancel_futures=True});
 * {@link #shutdownNow()} returns the tasks that never started (running one of them runs it in this
 * JVM) and kills the workers, cancelling the running tasks; {@link #close()} is the
 * {@code ExecutorService} default: shutdown, then wait for termination (shutdownNow if the waiting
 * thread is interrupted). Terminated means every worker process has exited and every pool thread
 * has ended. {@code cancel(false)} on a queued task means it never runs; {@code cancel(true)} on a
 * running task kills its worker (the only way to stop code in another JVM), which is then replaced;
 * so do {@code invokeAny} for the tasks that lost and a timed {@code invokeAll} for late ones, as
 * they cancel with {@code cancel(true)} under the {@code ExecutorService} contract.
 * The pool's threads are daemon threads, and a pool that is never closed still ends its workers
 * when this JVM exits. Diagnostics (a failed worker start, a worker killed for not answering, a
 * failure of a task given to {@link #execute}) go to the {@link System.Logger} named after this
 * class.
 */
public final class ProcessPool implements ExecutorService {

    /** A task: a {@link Callable} that is {@link Serializable}. A lambda typed so is serializable. */
    @FunctionalInterface
    public interface Task<T> extends Callable<T>, Serializable {}

    /** The function of {@link #map}: serializable, so a lambda typed so is serializable. */
    @FunctionalInterface
    public interface TaskFunction<T, R> extends Function<T, R>, Serializable {}

    /** A {@link Runnable} that is {@link Serializable}: a void lambda typed so is serializable. */
    @FunctionalInterface
    public interface SerializableRunnable extends Runnable, Serializable {}

    /** Runs once in each new worker before its first task. */
    @FunctionalInterface
    public interface Initializer extends Runnable, Serializable {}

    /** Worker JVM options used unless {@link Builder#jvmOptions} replaces them. */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xshare:auto", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx256m");

    /**
     * The most workers a pool may have. Each one is a JVM (tens of MB) plus two parent threads,
     * all started at once; far fewer than this is sensible (about the number of cores).
     */
    public static final int MAX_WORKERS = 1024;

    /** The default limit for one message (a task, a result, a chunk's items or results), in bytes. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;

    /** The default {@link Builder#channelTimeout}. */
    public static final Duration DEFAULT_CHANNEL_TIMEOUT = Duration.ofSeconds(30);

    /** A worker gets at least this long to start (a JVM on a busy machine), whatever the channel timeout. */
    static final Duration MIN_START_TIMEOUT = Duration.ofSeconds(60);

    /** Frames up to this size a submitter writes itself: they fit the empty pipe of an idle worker. */
    static final int DIRECT_WRITE_LIMIT = 4096;

    static final System.Logger LOG = System.getLogger(ProcessPool.class.getName());

    /** Options for a {@link ProcessPool}; start with {@link ProcessPool#builder()}. */
    public static final class Builder {
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxTasksPerWorker;
        private Initializer initializer;
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private final List<String> allow = new ArrayList<>();
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private Duration channelTimeout = DEFAULT_CHANNEL_TIMEOUT;
        private Consumer<String> workerOutput = line -> System.err.println(line);
        private String name;

        private Builder() {}

        /** How many worker processes (1 to {@value #MAX_WORKERS}; default: the number of cores). */
        public Builder workers(int workers) {
            this.workers = PoolOptions.checkWorkers(workers);
            return this;
        }

        /** Replace a worker by a new process after it ran this many tasks (Python's max_tasks_per_child). */
        public Builder maxTasksPerWorker(int tasks) {
            this.maxTasksPerWorker = PoolOptions.checkMaxTasksPerWorker(tasks);
            return this;
        }

        /** Runs once in each new worker before its first task (Python's initializer). */
        public Builder initializer(Initializer initializer) {
            this.initializer = Objects.requireNonNull(initializer);
            return this;
        }

        /** The worker JVM's options, replacing {@link #DEFAULT_JVM_OPTIONS}. */
        public Builder jvmOptions(String... options) {
            this.jvmOptions = PoolOptions.checkJvmOptions(options);
            return this;
        }

        /**
         * Classes beyond the defaults (see the class comment) that the parent accepts in results
         * and workers accept in tasks: a class name, {@code com.example.model.*} (a package),
         * {@code com.example.**} (with its subpackages) or a prefix ending in {@code *}.
         */
        public Builder allow(String... patterns) {
            for (String p : patterns) {
                allow.add(ClassPolicy.checkPattern(p));
            }
            return this;
        }

        /** The largest task, result, chunk of items or chunk of results, in bytes (default 64 MiB). */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = PoolOptions.checkMaxMessageBytes(bytes);
            return this;
        }

        /**
         * How long a worker may take to answer or acknowledge a task (it acknowledges within a
         * few milliseconds), to go on with a frame it began, or to read a frame written to it,
         * before the pool kills it (default 30 s; at least 50 ms). It must exceed the worker's
         * longest garbage-collection pause. Starting gets max(this, 60 s).
         */
        public Builder channelTimeout(Duration timeout) {
            this.channelTimeout = PoolOptions.checkChannelTimeout(timeout);
            return this;
        }

        /** Receives each line the workers print, prefixed {@code [worker pid N]} (default: System.err). */
        public Builder workerOutput(Consumer<String> lines) {
            this.workerOutput = Objects.requireNonNull(lines);
            return this;
        }

        /** A name for the pool's threads (default {@code process-pool-N}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        /** Starts the pool and its workers. */
        public ProcessPool build() {
            return new ProcessPool(options());
        }

        PoolOptions options() {
            String n = name != null ? name : "process-pool-" + POOL_NUMBERS.incrementAndGet();
            return new PoolOptions(n, workers, maxTasksPerWorker, initializer, jvmOptions, allow,
                    maxMessageBytes, channelTimeout, workerOutput);
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();

    /**
     * The pool's state. Transitions, under {@link #lock}: RUNNING → SHUTDOWN ({@link #shutdown}),
     * RUNNING or SHUTDOWN → STOP ({@link #shutdownNow}), SHUTDOWN or STOP → TERMINATED (every slot
     * and the watchdog have ended). {@link #isShutdown()} is "not RUNNING", {@link #isTerminated()}
     * is "TERMINATED": the two cannot disagree.
     */
    private enum RunState { RUNNING, SHUTDOWN, STOP, TERMINATED }

    /*
     * Locking. One lock, `lock`, guards the run state, the queue, the idle slots and the state
     * fields of every slot and task. It is never held during I/O, while waiting for a process or
     * while completing a future (which runs listeners). The only locks taken while it is held
     * are a worker's output lock (its last lines) and the JDK's own. A worker's write lock (one
     * frame at a time into its stdin) is held only around that write, never while taking `lock`.
     * So the order is: lock, then nothing of ours.
     */
    final ReentrantLock lock = new ReentrantLock();
    /** Tasks waiting for a worker, in order (a task whose worker was gone before it got it goes back first). */
    final ArrayDeque<PoolTask<?>> queue = new ArrayDeque<>();
    /** Idle slots, the most recently idle first: it is the warmest. */
    final ArrayDeque<Slot> idle = new ArrayDeque<>();
    private RunState state = RunState.RUNNING;
    private final Condition watchdogWake = lock.newCondition();
    private final List<Slot> slots = new ArrayList<>();
    private int endedSlots;

    final String name;
    final PoolOptions options;
    final List<String> command;
    final byte[] initFrame;
    final ClassPolicy initializerResults;
    private final ClassPolicy taskPolicy;
    private final Map<List<Class<?>>, ClassPolicy> resultPolicies =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<List<Class<?>>, ClassPolicy> eldest) {
                    return size() > 64;
                }
            };
    final CountDownLatch started;
    private final CountDownLatch terminated = new CountDownLatch(1);

    /** A pool of {@code workers} processes with the default options. */
    public ProcessPool(int workers) {
        this(builder().workers(workers).options());
    }

    /** A pool with one process per core. */
    public ProcessPool() {
        this(builder().options());
    }

    private ProcessPool(PoolOptions options) {
        this.options = options;
        this.name = options.name();
        this.command = options.workerCommand();
        this.taskPolicy = ClassPolicy.forTasks(options.allow());
        this.initializerResults = ClassPolicy.forResults(Set.of(), options.allow());
        byte[] init = null;
        if (options.initializer() != null) {
            init = serializeTask(options.initializer(), "initializer").bytes();
        }
        this.initFrame = Slot.initFrame(init, options.maxFrameBody());
        this.started = new CountDownLatch(options.workers());
        for (int i = 0; i < options.workers(); i++) {
            slots.add(new Slot(this, i + 1));
        }
        for (Slot slot : slots) {
            slot.thread =
                    Thread.ofPlatform().daemon().name(name + "-worker-" + slot.number).start(slot);
        }
        Thread.ofPlatform().daemon().name(name + "-watchdog").start(this::watch);
    }

    // ---- submitting ------------------------------------------------------------------------

    /**
     * Submits a serializable task.
     *
     * @throws TaskNotSerializableException the task is not {@link Serializable}, cannot be
     *     serialized, is too large or holds a class workers do not accept; nothing was sent
     * @throws RejectedExecutionException the pool is shut down
     */
    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return enqueue(newTask(task));
    }

    /** Submits a serializable lambda (the overload that makes {@code submit(() -> ...)} serializable). */
    public <T> Future<T> submit(Task<T> task) {
        return enqueue(newTask(task));
    }

    /** Submits a serializable void lambda (the overload that makes {@code submit(() -> {...})} serializable). */
    public Future<?> submit(SerializableRunnable task) {
        return submit((Runnable) task, null);
    }

    /** Runs a serializable void lambda; a failure is logged (see the class comment). */
    public void execute(SerializableRunnable command) {
        execute((Runnable) command);
    }

    /** Submits a serializable {@link Runnable}; the future's result is null. */
    @Override
    public Future<?> submit(Runnable task) {
        return submit(task, null);
    }

    /** Submits a serializable {@link Runnable}; the future's result is {@code result} (serialized too). */
    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return enqueue(newTask(runnableTask(task, result)));
    }

    /** Runs a serializable {@link Runnable}; a failure is logged (see the class comment). */
    @Override
    public void execute(Runnable command) {
        PoolTask<Object> t = newTask(runnableTask(command, null));
        t.reportFailure = true;
        t.slotReads = true;
        var _ = enqueue(t); // reportFailure: the pool reports a failure, as execute() must
    }

    private static <T> Callable<T> runnableTask(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        if (!(task instanceof Serializable)) {
            throw notSerializable(task, null);
        }
        return new RunnableAsTask<>(task, result);
    }

    /** A serializable Runnable with a result, as a task. */
    private record RunnableAsTask<T>(Runnable task, T result) implements Task<T> {
        @Override
        public T call() {
            task.run();
            return result;
        }
    }

    /**
     * Python's {@code Executor.map(fn, items, timeout=..., chunksize=...)}: submits
     * {@code fn(item)} for every item now, {@code chunksize} items to a message, and returns the
     * results in item order as they are reached (see {@link MapResults}); {@code timeout} (null
     * for none) counts from this call.
     *
     * @throws IllegalArgumentException {@code chunksize} is below 1
     * @throws TaskNotSerializableException {@code fn} or an item cannot be sent; nothing was sent
     * @throws RejectedExecutionException the pool is shut down
     */
    public <T, R> MapResults<R> map(TaskFunction<? super T, ? extends R> fn,
            Iterable<? extends T> items,
            int chunksize, Duration timeout) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        PoolOptions.checkChunkSize(chunksize);
        long deadline = timeout == null ? 0 : System.nanoTime() + saturatedNanos(timeout);
        Serialized function = serializeTask(fn, "map function");
        List<PoolTask<MapChunk.Result>> chunks = new ArrayList<>();
        int count = 0;
        try {
            List<Object> chunk = new ArrayList<>(Math.min(chunksize, 1024));
            for (T item : items) {
                chunk.add(item);
                count++;
                if (chunk.size() == chunksize) {
                    chunks.add(enqueue(newChunk(fn, function, chunk.toArray())));
                    chunk.clear();
                }
            }
            if (!chunk.isEmpty()) {
                chunks.add(enqueue(newChunk(fn, function, chunk.toArray())));
            }
        } catch (RuntimeException e) {
            chunks.forEach(c -> c.cancel(false));
            throw e;
        }
        return new MapResults<>(chunks, count, deadline, timeout != null);
    }

    /** {@link #map(TaskFunction, Iterable, int, Duration)} with one item to a message. */
    public <T, R> MapResults<R> map(TaskFunction<? super T, ? extends R> fn,
            Iterable<? extends T> items, Duration timeout) {
        return map(fn, items, 1, timeout);
    }

    /** {@link #map(TaskFunction, Iterable, int, Duration)} without a timeout. */
    public <T, R> MapResults<R> map(TaskFunction<? super T, ? extends R> fn,
            Iterable<? extends T> items, int chunksize) {
        return map(fn, items, chunksize, null);
    }

    /** {@link #map(TaskFunction, Iterable, int, Duration)} with one item to a message and no timeout. */
    public <T, R> MapResults<R> map(TaskFunction<? super T, ? extends R> fn,
            Iterable<? extends T> items) {
        return map(fn, items, 1, null);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
            throws InterruptedException {
        List<Future<T>> futures = submitAll(tasks, null);
        try {
            for (Future<T> f : futures) {
                awaitQuietly(f, 0, false);
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return futures;
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout,
            TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Future<T>> futures = submitAll(tasks, null);
        try {
            for (Future<T> f : futures) {
                if (!awaitQuietly(f, deadline, true)) {
                    futures.forEach(g -> g.cancel(true));
                    break;
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return futures;
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
            throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, false, 0);
        } catch (TimeoutException impossible) {
            throw new AssertionError(impossible);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return invokeAny(tasks, true, System.nanoTime() + unit.toNanos(timeout));
    }

    private <T> T invokeAny(Collection<? extends Callable<T>> tasks, boolean timed, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no tasks");
        }
        BlockingQueue<Future<?>> completed = new LinkedBlockingQueue<>();
        List<Future<T>> futures = submitAll(tasks, completed::add);
        try {
            ExecutionException last = null;
            for (int i = 0; i < futures.size(); i++) {
                Future<?> f =
                        timed ? completed.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)
                                : completed.take();
                if (f == null) {
                    throw new TimeoutException("no task succeeded in time");
                }
                try {
                    @SuppressWarnings("unchecked")
                    T result = (T) f.get();
                    return result;
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException(e);
                }
            }
            throw last;
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
    }

    private <T> List<Future<T>> submitAll(Collection<? extends Callable<T>> tasks,
            Consumer<Future<?>> whenDone) {
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> c : tasks) {
                PoolTask<T> t = newTask(c);
                if (whenDone != null) {
                    t.whenDone = whenDone;
                    t.slotReads = true; // nobody waits in get() on these: the slots read their answers
                }
                futures.add(enqueue(t));
            }
        } catch (RuntimeException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return futures;
    }

    /** Waits for {@code f}; false if the deadline passed first. Task failures are ignored here. */
    private static boolean awaitQuietly(Future<?> f, long deadline, boolean timed)
            throws InterruptedException {
        try {
            if (timed) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } else {
                f.get();
            }
        } catch (ExecutionException | CancellationException ignored) {
            // invokeAll returns the future; its caller reads the failure.
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }

    /** A serialized task or function, in the body of a frame being written, and the classes it names. */
    private record Serialized(FrameWriter writer, Set<Class<?>> classes) {
        byte[] bytes() {
            return java.util.Arrays.copyOfRange(writer.bytes(), ProcessPoolProtocol.HEADER_BYTES,
                    writer.length());
        }
    }

    /** Numbers for the tasks' frames (0 is the handshake's). */
    private final AtomicInteger taskNumbers = new AtomicInteger();

    private int nextTaskNumber() {
        int n;
        do {
            n = taskNumbers.incrementAndGet();
        } while (n == 0);
        return n;
    }

    private <T> PoolTask<T> newTask(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        checkRunning();
        Serialized s = serializeTask(task, "task");
        int number = nextTaskNumber();
        return new PoolTask<>(this, number, task, s.writer().toFrame(Kind.CALL, number),
                resultPolicy(s.classes()),
                task.getClass().getClassLoader(), false);
    }

    private <T, R> PoolTask<MapChunk.Result> newChunk(TaskFunction<? super T, ? extends R> fn,
            Serialized function,
            Object[] items) {
        checkRunning();
        byte[] fnBytes = function.bytes();
        FrameWriter w =
                new FrameWriter(fnBytes.length + 16 + items.length * 8, options.maxMessageBytes());
        Set<Class<?>> itemClasses;
        try {
            w.writeBytes(fnBytes);
            itemClasses = ProcessPoolProtocol.writeValues(w, items, items.length);
        } catch (MessageTooLargeException e) {
            throw new TaskNotSerializableException(
                    "a chunk of " + items.length + " items is too large, nothing was sent: "
                            + e.getMessage() + " (use a smaller chunksize)",
                    e);
        } catch (IOException | RuntimeException e) {
            throw new TaskNotSerializableException(
                    "the map's items cannot be serialized, nothing was sent: " + e, e);
        }
        checkAccepted(itemClasses, "an item of the map");
        Set<Class<?>> classes = new java.util.LinkedHashSet<>(function.classes());
        classes.addAll(itemClasses);
        int number = nextTaskNumber();
        return new PoolTask<>(this, number, new MapChunk<T, R>(fn, items),
                w.toFrame(Kind.CHUNK, number),
                resultPolicy(classes), fn.getClass().getClassLoader(), true);
    }

    /** The parent's policy for results of a task made of {@code classes} (the same few sets recur). */
    private ClassPolicy resultPolicy(Set<Class<?>> classes) {
        List<Class<?>> key = List.copyOf(classes);
        synchronized (resultPolicies) {
            return resultPolicies.computeIfAbsent(key,
                    k -> ClassPolicy.forResults(k, options.allow()));
        }
    }

    /**
     * Serializes a task, a map function or the initializer, in the caller's thread; anything that
     * cannot be sent is a {@link TaskNotSerializableException}.
     */
    private Serialized serializeTask(Object task, String what) {
        if (!(task instanceof Serializable)) {
            throw notSerializable(task, null);
        }
        FrameWriter w = new FrameWriter(512, options.maxMessageBytes());
        Set<Class<?>> classes;
        try {
            classes = ProcessPoolProtocol.serializeInto(w, task);
        } catch (MessageTooLargeException e) {
            throw new TaskNotSerializableException(
                    "the " + what + " is too large, nothing was sent: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new TaskNotSerializableException("the " + what + " " + task.getClass().getName()
                    + " cannot be serialized, nothing was sent: " + e
                    + " (everything a task holds must be Serializable too)", e);
        }
        checkAccepted(classes, "the " + what);
        return new Serialized(w, classes);
    }

    private void checkAccepted(Set<Class<?>> classes, String what) {
        Class<?> refused = taskPolicy.firstRefused(classes);
        if (refused != null) {
            throw new TaskNotSerializableException(what + " holds a " + refused.getName()
                    + ", which workers do not accept, nothing was sent (allow it with ProcessPool.Builder.allow)",
                    null);
        }
    }

    private static TaskNotSerializableException notSerializable(Object task, Throwable cause) {
        return new TaskNotSerializableException("task " + task.getClass().getName()
                + " is not java.io.Serializable, nothing was sent: make it a record or class that implements"
                + " Serializable, or a lambda typed ProcessPool.Task", cause);
    }

    private void checkRunning() {
        lock.lock();
        try {
            if (state != RunState.RUNNING) {
                throw rejected();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code task}, or hands it to the most recently idle slot; a small frame for an idle
     * worker is written here, in the submitting thread (it cannot block: the worker's pipe is
     * empty), a large one by the slot's thread.
     */
    private <P extends PoolTask<?>> P enqueue(P task) {
        Slot slot;
        WorkerProcess worker;
        lock.lock();
        try {
            if (state != RunState.RUNNING) {
                throw rejected();
            }
            slot = idle.pollFirst();
            if (slot == null) {
                task.phase = Phase.QUEUED;
                queue.addLast(task);
                nudge();
                return task;
            }
            slot.assign(task, task.slotReads || task.frameLength() > DIRECT_WRITE_LIMIT);
            if (task.sentBySlot) {
                slot.wake.signal();
                return task;
            }
            worker = slot.worker;
        } finally {
            lock.unlock();
        }
        byte[] frame = task.frame;
        IOException failed = null;
        if (frame == null) {
            failed = new IOException("cancelled before it was sent");
        } else {
            worker.forgetOutput();
            try {
                worker.write(frame, frame.length);
            } catch (IOException e) {
                failed = e;
            }
        }
        slot.written(task, failed);
        return task;
    }

    /** Under the lock: slots that could move the queue along now are woken. */
    void nudge() {
        for (Slot s : slots) {
            if (s.state == Slot.State.STARTING
                    || (s.state == Slot.State.BUSY && s.current != null
                            && s.current.phase == Phase.AWAITING)) {
                s.wake.signal();
            }
        }
    }

    /** Under the lock: whether some slot has a worker up. */
    boolean anyWorkerUp() {
        for (Slot s : slots) {
            if (s.state == Slot.State.IDLE || s.state == Slot.State.BUSY) {
                return true;
            }
        }
        return false;
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("cannot submit to " + name + ": it is shut down");
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    // ---- answers and cancellation (called by PoolTask) -------------------------------------

    /** {@link PoolTask#get()}: reads {@code t}'s answer in this thread if nobody reads it yet. */
    void readAnswer(PoolTask<?> t) {
        Slot slot;
        WorkerProcess worker;
        lock.lock();
        try {
            if (t.phase != Phase.AWAITING || t.slotReads
                    || Thread.currentThread().isInterrupted()) {
                return;
            }
            t.phase = Phase.READING;
            slot = t.slot;
            worker = slot.worker;
        } finally {
            lock.unlock();
        }
        slot.read(t, worker, true);
    }

    /** {@link PoolTask#get(long, TimeUnit)}: asks the slot to read {@code t}'s answer now. */
    void hurryAnswer(PoolTask<?> t) {
        lock.lock();
        try {
            if (t.phase == Phase.AWAITING && !t.slotReads) {
                t.slotReads = true;
                t.slot.wake.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** After {@code t} was cancelled: a queued task leaves the queue; with {@code interrupt}, a running one's worker is killed. */
    void cancelled(PoolTask<?> t, boolean interrupt) {
        WorkerProcess kill = null;
        lock.lock();
        try {
            switch (t.phase) {
                case QUEUED -> {
                    queue.remove(t);
                    t.phase = Phase.DONE;
                }
                case SENDING, AWAITING, READING -> {
                    Slot s = t.slot;
                    if (interrupt && s != null && s.current == t && s.worker != null) {
                        kill = s.worker;
                        kill.markKilled("its task was cancelled with cancel(true)");
                        t.slotReads = true;
                        s.wake.signal();
                    }
                }
                case DONE -> {
                    // Nothing left to do.
                }
            }
        } finally {
            lock.unlock();
        }
        if (kill != null) {
            kill.kill();
        }
    }

    /** From the JDK's process reaper: a worker exited; an idle slot replaces it now. */
    void workerExited(Slot slot, WorkerProcess w) {
        lock.lock();
        try {
            if (slot.worker == w && slot.state == Slot.State.IDLE) {
                idle.remove(slot);
                slot.state = Slot.State.RETIRING;
                slot.wake.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** From a slot's thread as it ends. */
    void slotEnded(Slot slot) {
        lock.lock();
        try {
            slot.state = Slot.State.ENDED;
            if (!slot.everStarted) {
                slot.everStarted = true;
                started.countDown();
            }
            endedSlots++;
            watchdogWake.signal();
        } finally {
            lock.unlock();
        }
    }

    // ---- shutting down ---------------------------------------------------------------------

    /** Refuses new tasks; queued and running tasks still run. Does not wait (see {@link #awaitTermination}). */
    @Override
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Python's {@code shutdown(wait=False, cancel_futures=...)}: refuses new tasks and, if
     * {@code cancelQueued}, cancels the tasks that have not started; running ones finish.
     */
    public void shutdown(boolean cancelQueued) {
        List<PoolTask<?>> drained = List.of();
        lock.lock();
        try {
            if (state == RunState.RUNNING) {
                state = RunState.SHUTDOWN;
            }
            if (cancelQueued) {
                drained = drainQueued();
            }
            slots.forEach(s -> s.wake.signal());
        } finally {
            lock.unlock();
        }
        drained.forEach(t -> t.cancel(false));
    }

    /**
     * Refuses new tasks, removes the tasks that have not started and returns them (as
     * {@link FutureTask}s: running one runs its task in this JVM), and kills every worker, so the
     * running tasks end cancelled.
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<PoolTask<?>> drained;
        List<WorkerProcess> workers = new ArrayList<>();
        lock.lock();
        try {
            if (state == RunState.RUNNING || state == RunState.SHUTDOWN) {
                state = RunState.STOP;
            }
            drained = drainQueued();
            for (Slot s : slots) {
                WorkerProcess w = s.worker != null ? s.worker : s.starting;
                if (w != null) {
                    w.markKilled("the pool was shut down with shutdownNow()");
                    workers.add(w);
                }
                s.wake.signal();
            }
        } finally {
            lock.unlock();
        }
        workers.forEach(WorkerProcess::kill);
        return new ArrayList<>(drained);
    }

    private List<PoolTask<?>> drainQueued() {
        List<PoolTask<?>> drained = new ArrayList<>(queue);
        queue.clear();
        drained.forEach(t -> t.phase = Phase.DONE);
        return drained;
    }

    /** Under the lock, or racy reads for a decision the lock confirms. */
    boolean isStopping() {
        return state.compareTo(RunState.STOP) >= 0;
    }

    @Override
    public boolean isShutdown() {
        lock.lock();
        try {
            return state != RunState.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isTerminated() {
        lock.lock();
        try {
            return state == RunState.TERMINATED;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every worker process has exited and every pool thread has ended, after a shutdown. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    /**
     * The pool's watchdog: kills a worker that stalls a write or a frame, or that neither
     * answers nor acknowledges its task, within the channel timeout; ends the pool's life once
     * every slot has ended.
     */
    private void watch() {
        long timeout = options.channelTimeout().toNanos();
        long startTimeout = Math.max(timeout, MIN_START_TIMEOUT.toNanos());
        long tick = Math.clamp(timeout / 4, TimeUnit.MILLISECONDS.toNanos(10),
                TimeUnit.SECONDS.toNanos(1));
        String limit = format(options.channelTimeout());
        try {
            while (true) {
                List<WorkerProcess> kill = new ArrayList<>();
                lock.lock();
                try {
                    if (endedSlots == slots.size()) {
                        return;
                    }
                    long now = System.nanoTime();
                    for (Slot s : slots) {
                        String why = null;
                        WorkerProcess w = s.worker;
                        if (w == null && s.starting != null) {
                            w = s.starting;
                            if (!s.startAcknowledged && now - s.startingSince > startTimeout) {
                                why = "it did not start within "
                                        + format(Duration.ofNanos(startTimeout));
                            }
                        }
                        if (w == null) {
                            continue;
                        }
                        PoolTask<?> t = s.current;
                        if (w.stalledNanos(now) > timeout) {
                            why = w.isWriting()
                                    ? "it stopped reading its channel (a write made no progress for "
                                            + limit + ")"
                                    : "it stopped in the middle of a frame (no progress for "
                                            + limit + ")";
                        } else if (s.state == Slot.State.BUSY && t != null && !t.acknowledged
                                && (t.phase == Phase.AWAITING || t.phase == Phase.READING)
                                && now - t.sentAt > timeout) {
                            why = "it neither answered nor acknowledged its task within " + limit
                                    + " (stopped, or not reading its channel?)";
                        }
                        if (why != null && w.markKilled(why)) {
                            kill.add(w);
                            if (t != null) {
                                t.slotReads = true;
                            }
                            s.wake.signal();
                        }
                    }
                    watchdogWake.awaitNanos(tick);
                } finally {
                    lock.unlock();
                }
                for (WorkerProcess w : kill) {
                    LOG.log(Level.WARNING,
                            name + ": killed worker pid " + w.pid + ": " + w.killedBecause());
                    w.kill();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.lock();
            try {
                state = RunState.TERMINATED;
            } finally {
                lock.unlock();
            }
            terminated.countDown();
        }
    }

    private static String format(Duration d) {
        return d.toMillis() < 10_000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }

    // ---- looking inside --------------------------------------------------------------------

    /** Waits until every worker has started (or failed to start) for the first time. */
    public void awaitWorkersStarted() throws InterruptedException {
        started.await();
    }

    /** The process ids of the live workers, in worker order (for demos and tests). */
    public List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        lock.lock();
        try {
            for (Slot slot : slots) {
                WorkerProcess w = slot.worker;
                if (w != null && w.process.isAlive()) {
                    pids.add(w.pid);
                }
            }
        } finally {
            lock.unlock();
        }
        return pids;
    }

    /** The number of worker processes. */
    public int workers() {
        return slots.size();
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            String s = switch (state) {
                case RUNNING -> "running";
                case SHUTDOWN -> "shutting down";
                case STOP -> "stopping";
                case TERMINATED -> "terminated";
            };
            return name + "[" + s + ", " + slots.size() + " workers, " + queue.size() + " queued]";
        } finally {
            lock.unlock();
        }
    }
}
