package dev.loomcookbook.pooling;

import dev.loomcookbook.common.ChildJvm;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Done;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Failure;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Init;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Message;
import dev.loomcookbook.pooling.ProcessPoolProtocol.MessageTooLargeException;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Ready;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Run;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Serialized;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
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
import java.util.concurrent.atomic.AtomicReference;
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
 *     pool.map(k -> count(k), List.of(1, 2, 3), Duration.ofSeconds(10)).toList();
 * }                                                            // (exiting the block shuts it down)
 * }</pre>
 *
 * <h2>Workers</h2>
 * Each worker is a JVM started from the running JDK ({@code java.home/bin/java}) with this JVM's
 * class path, {@code --enable-preview}, the options of {@link Builder#jvmOptions} (by default a
 * small heap and a quick-starting GC) and always {@code -XX:+ExitOnOutOfMemoryError} and
 * {@code -XX:+DisplayVMOutputToStderr} (the JVM's own messages stay off the channel); its main
 * class is {@link ProcessPoolWorker}. Nothing extra is installed. The pool starts all workers at
 * once (Python starts them on demand); one parent thread per worker feeds it one task at a time
 * from a shared FIFO queue, so a worker runs its tasks in order and the pool runs up to
 * {@code workers} tasks at once. When a worker is idle and nothing is queued, the submitting
 * thread writes the task to that worker itself (saving a thread wake-up per task), and the
 * worker's parent thread, already waiting on its output, reads the reply. {@link Builder#maxTasksPerWorker} replaces a worker after that
 * many tasks; {@link Builder#initializer} runs once in each new worker before its first task.
 *
 * <h2>Tasks</h2>
 * A task is a {@link Callable} (or {@link Runnable}) that is also {@link Serializable}: a record or
 * class, or a lambda or method reference typed {@link Task} or {@link SerializableRunnable} (which
 * makes it serializable; {@code submit(() -> ...)} picks those overloads). It is serialized
 * when submitted, in the caller's thread: a task that cannot be serialized, or is larger than
 * {@link Builder#maxMessageBytes}, throws {@link TaskNotSerializableException} there and nothing
 * is sent. Its result must be serializable too. The worker has its own heap and statics: a
 * static field set in a task is not seen by the parent, nor by other workers.
 *
 * <h2>The channel</h2>
 * Tasks and results travel through the worker's standard input and output, as length-prefixed
 * frames (see {@link ProcessPoolProtocol}). Pipes rather than a loopback socket: only this parent
 * holds their other ends (a socket could be reached by any local process, so it would need an
 * authentication step), and the kernel closes them when either side dies, which is how workers
 * notice that the parent is gone. The worker takes the two descriptors before any task code runs
 * and points {@code System.out} and {@code System.err} at its stderr, which the parent reads line
 * by line and forwards with a {@code [worker pid N]} prefix to {@link Builder#workerOutput}
 * (by default this JVM's {@code System.err}); so printing in a task never corrupts the channel.
 * (Native code writing to file descriptor 1 still could; the frame's magic number detects it,
 * and the worker is then replaced.)
 *
 * <h2>Safety</h2>
 * <ul>
 * <li>Deserialization is filtered on both sides ({@link java.io.ObjectInputFilter}): envelopes
 *     allow only the protocol's records; a worker reads a task allowing exactly the classes the
 *     parent wrote for it; the parent reads a result or exception allowing java.base value types,
 *     collections and exceptions ({@link ProcessPoolProtocol#BASICS}), the packages of the task's
 *     own classes and the patterns of {@link Builder#allow}. Depth, references, array lengths and
 *     bytes are limited; a frame above {@link Builder#maxMessageBytes} is refused unread.</li>
 * <li>A worker that dies while running a task (killed, {@code System.exit}, out of memory, a
 *     crash) fails only that task, with a {@link WorkerDiedException} saying how it died (exit
 *     code, or the signal); the pool starts a replacement and keeps serving. (CPython marks the
 *     whole pool broken.)</li>
 * <li>A task's exception is rebuilt in the parent with its type, message and the worker's stack
 *     trace, as the cause of the {@link ExecutionException}; if its class cannot be rebuilt here
 *     it arrives as a {@link RemoteTaskException} carrying the type name, message and stack.</li>
 * <li>No orphans: workers exit when their stdin ends (the pool closed it, or the parent died), and
 *     also watch the parent process. Retiring a worker also ends the processes it started (a
 *     worker that dies suddenly leaves its own children to the operating system, though).</li>
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
 * when this JVM exits.
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

    /** The default limit for one message (a task, a result), in bytes. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;

    /** Options for a {@link ProcessPool}; start with {@link ProcessPool#builder()}. */
    public static final class Builder {
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxTasksPerWorker;
        private Initializer initializer;
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private final List<String> allow = new ArrayList<>();
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private Consumer<String> workerOutput = line -> System.err.println(line);
        private String name;

        private Builder() {}

        /** How many worker processes (1 to {@value #MAX_WORKERS}; default: the number of cores). */
        public Builder workers(int workers) {
            if (workers < 1 || workers > MAX_WORKERS) {
                throw new IllegalArgumentException(
                        "workers must be between 1 and " + MAX_WORKERS + ", but was " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** Replace a worker by a new process after it ran this many tasks (Python's max_tasks_per_child). */
        public Builder maxTasksPerWorker(int tasks) {
            if (tasks < 1) {
                throw new IllegalArgumentException("maxTasksPerWorker must be at least 1, but was " + tasks);
            }
            this.maxTasksPerWorker = tasks;
            return this;
        }

        /** Runs once in each new worker before its first task (Python's initializer). */
        public Builder initializer(Initializer initializer) {
            this.initializer = Objects.requireNonNull(initializer);
            return this;
        }

        /** The worker JVM's options, replacing {@link #DEFAULT_JVM_OPTIONS}. */
        public Builder jvmOptions(String... options) {
            this.jvmOptions = List.of(options);
            return this;
        }

        /**
         * Extra {@link java.io.ObjectInputFilter.Config#createFilter filter patterns} the parent
         * allows in results and a worker allows in tasks, for example {@code "com.example.model.*"}.
         */
        public Builder allow(String... patterns) {
            for (String p : patterns) {
                if (p.isBlank() || p.contains(";")) {
                    throw new IllegalArgumentException("one pattern per argument, without ';': " + p);
                }
                allow.add(p.strip());
            }
            return this;
        }

        /** The largest task or result message, in bytes (default {@value #DEFAULT_MAX_MESSAGE_BYTES}). */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxMessageBytes must be at least 1024, but was " + bytes);
            }
            this.maxMessageBytes = bytes;
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
            return new ProcessPool(this);
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();
    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOP = 2;
    private static final int GO = 0;
    private static final int SKIP = 1;
    private static final int WORKER_KILLED = 2;

    private final String name;
    private final int maxTasksPerWorker;
    private final int maxBytes;
    private final List<String> allow;
    private final Consumer<String> workerOutput;
    private final List<String> command;
    private final List<String> jvmOptions;
    private final byte[] initializer;
    private final String initializerFilter;
    private final BlockingQueue<PoolTask<?>> queue = new LinkedBlockingQueue<>();
    /**
     * Slots whose worker is up and waiting, while nothing is queued (guarded by {@link #lock}). A
     * submitting thread sends its task to one of them itself, saving the wake-up of a slot thread.
     */
    private final java.util.ArrayDeque<Slot> idle = new java.util.ArrayDeque<>();
    private final PoolTask<Void> poison;
    private final Object lock = new Object();
    private volatile int state = RUNNING;
    private final List<Slot> slots = new ArrayList<>();
    private final CountDownLatch started;
    private final CountDownLatch terminated;

    /** A pool of {@code workers} processes with the default options. */
    public ProcessPool(int workers) {
        this(builder().workers(workers));
    }

    /** A pool with one process per core. */
    public ProcessPool() {
        this(builder());
    }

    private ProcessPool(Builder b) {
        this.name = b.name != null ? b.name : "process-pool-" + POOL_NUMBERS.incrementAndGet();
        this.maxTasksPerWorker = b.maxTasksPerWorker;
        this.maxBytes = b.maxMessageBytes;
        this.allow = List.copyOf(b.allow);
        this.workerOutput = b.workerOutput;
        if (b.initializer != null) {
            Serialized s = serializeTask(b.initializer, "initializer");
            this.initializer = s.bytes();
            this.initializerFilter = ProcessPoolProtocol.taskFilter(s.classes(), allow, maxBytes);
        } else {
            this.initializer = null;
            this.initializerFilter = null;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ChildJvm.javaLauncher());
        cmd.add("--enable-preview");
        cmd.addAll(b.jvmOptions);
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        // The JVM's own messages (such as the one before exiting on OOM) must not go to stdout, the channel.
        cmd.add("-XX:+DisplayVMOutputToStderr");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ProcessPoolWorker.class.getName());
        cmd.add(Integer.toString(maxBytes));
        this.command = List.copyOf(cmd);
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.poison = new PoolTask<>(() -> null, null, null, null);
        this.started = new CountDownLatch(b.workers);
        this.terminated = new CountDownLatch(b.workers);
        for (int i = 0; i < b.workers; i++) {
            slots.add(new Slot(i + 1));
        }
        for (Slot slot : slots) {
            slot.thread = Thread.ofPlatform().daemon().name(name + "-worker-" + slot.number).start(slot);
        }
    }

    // ---- submitting ------------------------------------------------------------------------

    /**
     * Submits a serializable task.
     *
     * @throws TaskNotSerializableException the task is not {@link Serializable}, cannot be
     *     serialized or is too large; nothing was sent
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

    /** Runs a serializable void lambda; a failure is printed to {@code System.err}. */
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

    /** Runs a serializable {@link Runnable}; a failure is printed to {@code System.err}. */
    @Override
    public void execute(Runnable command) {
        PoolTask<Object> t = newTask(runnableTask(command, null));
        t.reportFailure = true;
        enqueue(t);
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

    /** One item of {@link #map}. */
    private record MapTask<T, R>(TaskFunction<? super T, ? extends R> fn, T item) implements Task<R> {
        @Override
        public R call() {
            return fn.apply(item);
        }
    }

    /**
     * Python's {@code Executor.map(fn, items, timeout=...)}: submits {@code fn(item)} for every
     * item now and returns the results in item order as they are reached; {@code timeout} (null
     * for none) counts from this call. See {@link MapResults}.
     */
    public <T, R> MapResults<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items, Duration timeout) {
        Objects.requireNonNull(fn, "fn");
        long deadline = timeout == null ? 0 : System.nanoTime() + saturatedNanos(timeout);
        List<PoolTask<R>> futures = new ArrayList<>();
        try {
            for (T item : items) {
                futures.add(enqueue(newTask(new MapTask<T, R>(fn, item))));
            }
        } catch (RuntimeException e) {
            futures.forEach(f -> f.cancel(false));
            throw e;
        }
        return new MapResults<>(futures, deadline, timeout != null);
    }

    /** {@link #map(TaskFunction, Iterable, Duration)} without a timeout. */
    public <T, R> MapResults<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return map(fn, items, null);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
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
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
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
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
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
                Future<?> f = timed ? completed.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) : completed.take();
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

    private <T> List<Future<T>> submitAll(Collection<? extends Callable<T>> tasks, Consumer<Future<?>> whenDone) {
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> c : tasks) {
                PoolTask<T> t = newTask(c);
                t.whenDone = whenDone;
                futures.add(enqueue(t));
            }
        } catch (RuntimeException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return futures;
    }

    /** Waits for {@code f}; false if the deadline passed first. Task failures are ignored here. */
    private static boolean awaitQuietly(Future<?> f, long deadline, boolean timed) throws InterruptedException {
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

    private <T> PoolTask<T> newTask(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        if (state != RUNNING) {
            throw rejected();
        }
        Serialized s = serializeTask(task, "task");
        String[] filters = taskFilters.get(List.copyOf(s.classes()), classes -> new String[] {
                ProcessPoolProtocol.taskFilter(classes, allow, maxBytes),
                ProcessPoolProtocol.resultFilter(classes, allow, maxBytes)});
        return new PoolTask<>(task, s.bytes(), filters[0], filters[1]);
    }

    /** The two filter patterns per set of classes written (they depend on nothing else in a pool). */
    private final ProcessPoolProtocol.Lru<List<Class<?>>, String[]> taskFilters = new ProcessPoolProtocol.Lru<>(64);

    private Serialized serializeTask(Object task, String what) {
        if (!(task instanceof Serializable)) {
            throw notSerializable(task, null);
        }
        try {
            return ProcessPoolProtocol.serialize(task, maxBytes);
        } catch (MessageTooLargeException e) {
            throw new TaskNotSerializableException("the " + what + " is too large, nothing was sent: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new TaskNotSerializableException("the " + what + " " + task.getClass().getName()
                    + " cannot be serialized, nothing was sent: " + e
                    + " (everything a task holds must be Serializable too)", e);
        }
    }

    private static TaskNotSerializableException notSerializable(Object task, Throwable cause) {
        return new TaskNotSerializableException("task " + task.getClass().getName()
                + " is not java.io.Serializable, nothing was sent: make it a record or class that implements"
                + " Serializable, or a lambda typed ProcessPool.Task", cause);
    }

    private <T> PoolTask<T> enqueue(PoolTask<T> task) {
        Slot idleSlot;
        synchronized (lock) {
            if (state != RUNNING) {
                throw rejected();
            }
            idleSlot = idle.pollFirst();
            if (idleSlot == null) {
                queue.add(task);
                return task;
            }
            idleSlot.direct = task;
        }
        idleSlot.send(task);
        return task;
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
        List<Slot> wereIdle;
        synchronized (lock) {
            wereIdle = stopAccepting();
            if (state == RUNNING) {
                state = SHUTDOWN;
            }
        }
        wereIdle.forEach(Slot::endIdle);
        if (cancelQueued) {
            drainQueued().forEach(t -> t.cancel(false));
        }
    }

    /**
     * Refuses new tasks, removes the tasks that have not started and returns them (as
     * {@link FutureTask}s: running one runs its task in this JVM), and kills every worker, so the
     * running tasks end cancelled.
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Slot> wereIdle;
        synchronized (lock) {
            wereIdle = stopAccepting();
            state = STOP;
        }
        wereIdle.forEach(Slot::endIdle);
        List<Runnable> neverStarted = new ArrayList<>(drainQueued());
        for (Slot slot : slots) {
            WorkerProcess w = slot.worker;
            if (w != null) {
                w.process.destroyForcibly();
            }
        }
        return neverStarted;
    }

    /**
     * On the first shutdown: every slot that is not idle gets a poison task (it ends once it reaches
     * it, after the queued tasks); the idle ones are returned, to be ended by closing their workers.
     */
    private List<Slot> stopAccepting() {
        if (state != RUNNING) {
            return List.of();
        }
        List<Slot> wereIdle = new ArrayList<>(idle);
        idle.clear();
        wereIdle.forEach(s -> s.stopping = true);
        for (int i = wereIdle.size(); i < slots.size(); i++) {
            queue.add(poison);
        }
        return wereIdle;
    }

    private List<PoolTask<?>> drainQueued() {
        List<PoolTask<?>> drained = new ArrayList<>();
        queue.removeIf(t -> {
            if (t == poison) {
                return false;
            }
            drained.add(t);
            return true;
        });
        return drained;
    }

    @Override
    public boolean isShutdown() {
        return state != RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** Waits until every worker process has exited and every pool thread has ended, after a shutdown. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    // ---- looking inside --------------------------------------------------------------------

    /** Waits until every worker has started (or failed to start) for the first time. */
    public void awaitWorkersStarted() throws InterruptedException {
        started.await();
    }

    /** The process ids of the live workers, in worker order (for demos and tests). */
    public List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        for (Slot slot : slots) {
            WorkerProcess w = slot.worker;
            if (w != null && w.process.isAlive()) {
                pids.add(w.process.pid());
            }
        }
        return pids;
    }

    /** The number of worker processes. */
    public int workers() {
        return slots.size();
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case RUNNING -> "running";
            case SHUTDOWN -> "shutting down";
            default -> "stopping";
        };
        return name + "[" + (isTerminated() ? "terminated" : s) + ", " + slots.size() + " workers, "
                + queue.stream().filter(t -> t != poison).count() + " queued]";
    }

    // ---- the parent side of one worker -----------------------------------------------------

    /** A worker process with its channel and the thread that forwards its output. */
    private final class WorkerProcess {
        final Process process;
        final long pid;
        final DataOutputStream toWorker;
        final DataInputStream fromWorker;
        final Thread outputPump;
        /** The last few lines it printed, to explain a death. */
        private final java.util.ArrayDeque<String> recentOutput = new java.util.ArrayDeque<>();

        synchronized String lastOutput() {
            return recentOutput.isEmpty() ? null : String.join(" | ", recentOutput);
        }

        synchronized void forgetOutput() {
            recentOutput.clear();
        }

        private synchronized void remember(String line) {
            if (!line.isBlank()) {
                if (recentOutput.size() == 3) {
                    recentOutput.removeFirst();
                }
                recentOutput.addLast(line.strip());
            }
        }

        WorkerProcess(Process process, String threadName) {
            this.process = process;
            this.pid = process.pid();
            this.toWorker = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
            this.fromWorker = new DataInputStream(new BufferedInputStream(process.getInputStream()));
            this.outputPump = Thread.ofPlatform().daemon().name(threadName).start(this::forwardOutput);
        }

        private void forwardOutput() {
            String prefix = "[worker pid " + pid + "] ";
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream()))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (isJdkExitNoise(line)) {
                        continue;
                    }
                    remember(line);
                    try {
                        workerOutput.accept(prefix + line);
                    } catch (RuntimeException e) {
                        // A faulty sink must not stop the forwarding (the worker would block on a full pipe).
                    }
                }
            } catch (IOException closed) {
                // The process ended.
            }
        }

        /** Ends the worker: closing its stdin makes it exit; force it if it does not. */
        void retire() {
            List<ProcessHandle> children = process.descendants().toList();
            try {
                toWorker.close();
            } catch (IOException alreadyGone) {
                // Broken pipe: it has exited.
            }
            boolean interrupted = false;
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                interrupted = true;
            }
            children.forEach(ProcessHandle::destroyForcibly);
            while (true) {
                try {
                    process.waitFor();
                    outputPump.join(Duration.ofSeconds(5));
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            try {
                fromWorker.close();
            } catch (IOException ignored) {
                // Nothing left to read.
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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

    /** One worker slot: its thread feeds tasks to its current worker process and replaces it when needed. */
    private final class Slot implements Runnable {
        final int number;
        Thread thread;
        volatile WorkerProcess worker;
        int tasksOnWorker;
        /** The task a submitting thread sent while this slot was idle (guarded by the pool's lock). */
        PoolTask<?> direct;
        /** Set (under the pool's lock) when a shutdown ends this slot while it is idle. */
        boolean stopping;
        /** Whether the submitting thread's write of {@link #direct} is done: null while it is not. */
        private Boolean sent;

        Slot(int number) {
            this.number = number;
        }

        @Override
        public void run() {
            try {
                try {
                    ensureWorker();
                } catch (StartFailure e) {
                    // Reported to the first task that needs this worker (a new start is tried then).
                } finally {
                    started.countDown();
                }
                while (true) {
                    PoolTask<?> task = nextTask();
                    if (task == null) {
                        continue;
                    }
                    if (task == poison) {
                        return;
                    }
                    if (task.isDone()) {
                        continue;
                    }
                    WorkerProcess w;
                    try {
                        w = ensureWorker();
                    } catch (StartFailure e) {
                        if (state == STOP) {
                            task.cancel(false);
                        } else {
                            task.fail(e.forTask);
                        }
                        continue;
                    }
                    int begun = task.begin(w);
                    if (begun == WORKER_KILLED) {
                        retireWorker();
                    } else if (begun == GO) {
                        try {
                            runOn(w, task);
                        } catch (RuntimeException | Error e) {
                            // A bug of ours must not strand this slot's queue: fail the task, start afresh.
                            task.fail(e);
                            retireWorker();
                        }
                    }
                }
            } finally {
                retireWorker();
                terminated.countDown();
            }
        }

        /**
         * The next queued task; or, when nothing is queued and the worker is up, waits as an idle
         * slot for a task that a submitting thread sends directly, finishes it and returns null.
         */
        private PoolTask<?> nextTask() {
            if (state == RUNNING) {
                try {
                    ensureWorker();
                } catch (StartFailure e) {
                    return takeUninterruptibly(); // Reported to the next task (a new start is tried then).
                }
                WorkerProcess w = worker;
                synchronized (lock) {
                    PoolTask<?> queued = queue.poll();
                    if (queued != null || state != RUNNING) {
                        return queued != null ? queued : takeUninterruptibly();
                    }
                    idle.addLast(this);
                    direct = null;
                    sent = null;
                }
                return awaitDirect(w);
            }
            return takeUninterruptibly();
        }

        /** Idle: reads the reply to a task sent directly, or learns that the worker ended. */
        private PoolTask<?> awaitDirect(WorkerProcess w) {
            Message reply = null;
            IOException failure = null;
            try {
                reply = ProcessPoolProtocol.read(w.fromWorker, maxBytes);
            } catch (IOException e) {
                failure = e;
            }
            PoolTask<?> task;
            boolean stop;
            synchronized (lock) {
                idle.remove(this);
                task = direct;
                direct = null;
                stop = stopping;
            }
            if (task == null) {
                // Nothing was sent: the worker ended while idle (killed, or closed by a shutdown),
                // or spoke out of turn; either way it is done.
                if (failure == null) {
                    w.process.destroyForcibly();
                }
                retireWorker();
                return stop ? poison : null;
            }
            if (!awaitSent()) {
                // The worker was gone before the task reached it: run the task on a new one.
                retireWorker();
                task.runningOn.set(null);
                return task;
            }
            try {
                finish(w, task, reply, failure);
            } catch (RuntimeException | Error e) {
                task.fail(e);
                retireWorker();
            }
            return null;
        }

        /** In the submitting thread: sends {@code task} to this idle slot's worker. */
        void send(PoolTask<?> task) {
            WorkerProcess w = worker;
            boolean ok = false;
            try {
                task.runningOn.set(w);
                w.forgetOutput();
                ProcessPoolProtocol.write(w.toWorker, new Run(task.payload, task.taskFilter), maxBytes);
                ok = true;
            } catch (IOException e) {
                // The worker is gone; the slot sees that too and runs the task on a new worker.
            } finally {
                synchronized (this) {
                    sent = ok;
                    notifyAll();
                }
            }
        }

        private synchronized boolean awaitSent() {
            boolean interrupted = false;
            while (sent == null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return sent;
        }

        /** In a shutting-down thread: ends this idle slot by closing its worker's channel. */
        void endIdle() {
            WorkerProcess w = worker;
            try {
                w.toWorker.close();
            } catch (IOException alreadyGone) {
                // It has exited: the slot sees the end of its output all the same.
            }
        }

        private PoolTask<?> takeUninterruptibly() {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    // Only the pool's own code runs on this thread; shutdown uses the poison task.
                }
            }
        }

        private WorkerProcess ensureWorker() throws StartFailure {
            if (worker != null && worker.process.isAlive()) {
                return worker;
            }
            retireWorker(); // It died while idle (killed from outside, say): start a new one.

            if (state == STOP) {
                throw new StartFailure(new CancellationException("the pool is stopping"));
            }
            Process p;
            try {
                p = new ProcessBuilder(command).start();
            } catch (IOException e) {
                throw new StartFailure(new UncheckedIOException("could not start a worker JVM: " + e.getMessage(), e));
            }
            WorkerProcess w = new WorkerProcess(p, name + "-worker-" + number + "-output");
            worker = w;
            tasksOnWorker = 0;
            if (state == STOP) {
                p.destroyForcibly();
            }
            Ready ready;
            try {
                ProcessPoolProtocol.write(w.toWorker, new Init(initializer, initializerFilter), maxBytes);
                Message m = ProcessPoolProtocol.read(w.fromWorker, maxBytes);
                if (!(m instanceof Ready r)) {
                    throw new IOException("protocol error: expected Ready, got " + m.getClass().getSimpleName());
                }
                ready = r;
            } catch (IOException e) {
                retireWorker();
                String how = p.isAlive() ? e.toString() : WorkerDiedException.describe(p.exitValue());
                String last = w.lastOutput() == null ? "" : "; its last output: " + w.lastOutput();
                throw new StartFailure(new IllegalStateException(
                        "worker pid " + w.pid + " failed to start: " + how + last + " (JVM options: " + jvmOptions + ")", e));
            }
            if (ready.initFailure() != null) {
                retireWorker();
                Throwable cause = rebuild(ready.initFailure(), initializerResultFilter(), w.pid);
                throw new StartFailure(new IllegalStateException(
                        "the initializer failed in worker pid " + w.pid + ": " + cause, cause));
            }
            return w;
        }

        private void runOn(WorkerProcess w, PoolTask<?> task) {
            Message reply;
            w.forgetOutput();
            byte[] payload = task.payload;
            if (payload == null) {
                // Cancelled just now, before it was sent; if cancel(true) took the worker, it is being killed.
                if (task.runningOn.getAndSet(null) == null) {
                    retireWorker();
                }
                return;
            }
            IOException failure = null;
            try {
                ProcessPoolProtocol.write(w.toWorker, new Run(payload, task.taskFilter), maxBytes);
                reply = ProcessPoolProtocol.read(w.fromWorker, maxBytes);
            } catch (IOException e) {
                reply = null;
                failure = e;
            }
            finish(w, task, reply, failure);
        }

        /** Completes {@code task} with the worker's reply, or with what {@code e} says happened to it. */
        private void finish(WorkerProcess w, PoolTask<?> task, Message reply, IOException broken) {
            if (broken != null) {
                task.runningOn.set(null);
                RuntimeException failure = lost(w, broken);
                if (state == STOP || task.isCancelled()) {
                    task.cancel(false);
                } else {
                    task.fail(failure);
                }
                return;
            }
            if (task.runningOn.getAndSet(null) == null) {
                // cancel(true) claimed the task first and kills this worker: do not reuse it.
                retireWorker();
                return;
            }
            switch (reply) {
                case Done d -> {
                    try {
                        task.succeed(ProcessPoolProtocol.deserialize(d.value(), task.resultFilter));
                    } catch (IOException | ClassNotFoundException | RuntimeException e) {
                        task.fail(new IllegalStateException("the task's result could not be read: " + e
                                + " (a class outside the task's packages and java.base basics is refused by the"
                                + " pool's deserialization filter: allow it with ProcessPool.Builder.allow)", e));
                    }
                }
                case Failure f -> task.fail(rebuild(f, task.resultFilter, w.pid));
                default -> {
                    task.fail(lost(w, new IOException("protocol error: unexpected " + reply.getClass().getSimpleName())));
                    return;
                }
            }
            tasksOnWorker++;
            if (maxTasksPerWorker > 0 && tasksOnWorker >= maxTasksPerWorker) {
                retireWorker();
            }
        }

        /** The worker died or broke the protocol: retire it and say what happened. */
        private RuntimeException lost(WorkerProcess w, IOException e) {
            boolean died = e instanceof EOFException || !w.process.isAlive();
            if (!died) {
                // It broke the protocol, or closed its channel: it cannot be trusted any more.
                try {
                    died = w.process.waitFor(2, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                if (!died) {
                    w.process.destroyForcibly();
                }
            }
            retireWorker();
            if (died) {
                return new WorkerDiedException(w.pid, w.process.exitValue(), w.lastOutput());
            }
            return new UncheckedIOException("worker pid " + w.pid + " broke the channel protocol and was replaced: "
                    + e.getMessage(), e);
        }

        private void retireWorker() {
            WorkerProcess w = worker;
            if (w != null) {
                w.retire();
                worker = null;
            }
        }
    }

    /**
     * The line a JVM prints when a signal (SIGTERM from a shell, say) ends it so early in its
     * start-up that {@code Runtime.exit} cannot find its logger yet: {@code Runtime.exit(143)
     * logging failed: Cannot invoke "java.lang.Module.getClassLoader()" because "m" is null}. It
     * says nothing about the task (the exit code does), and no logging setting turns it off (-Xrs
     * would, but it also gives up the SIGQUIT that thread dumps and jcmd rely on), so the pool drops
     * it instead of forwarding it.
     */
    static boolean isJdkExitNoise(String line) {
        return JDK_EXIT_NOISE.matcher(line).matches();
    }

    private static final java.util.regex.Pattern JDK_EXIT_NOISE =
            java.util.regex.Pattern.compile("Runtime\\.exit\\(-?\\d+\\) logging failed: .*");

    private String initializerResultFilter() {
        return ProcessPoolProtocol.resultFilter(List.of(), allow, maxBytes);
    }

    /** A task's exception as itself if the filter allows it, else as a {@link RemoteTaskException}. */
    static Throwable rebuild(Failure f, String filter, long pid) {
        String why;
        if (f.exception() == null) {
            why = "the exception is not serializable";
        } else {
            try {
                Object o = ProcessPoolProtocol.deserialize(f.exception(), filter);
                if (o instanceof Throwable t) {
                    return t;
                }
                why = "not an exception: " + o.getClass().getName();
            } catch (Exception | LinkageError e) {
                why = "not rebuilt here: " + e;
            }
        }
        return new RemoteTaskException(f.type(), f.message(), f.stack(), "worker pid " + pid + ", " + why);
    }

    // ---- the future ------------------------------------------------------------------------

    /** A submitted task: the future the caller holds, and the serialized task the worker gets. */
    private final class PoolTask<T> extends FutureTask<T> {
        /** The serialized task; dropped once the task is done, so a kept future holds no copy. */
        volatile byte[] payload;
        final String taskFilter;
        final String resultFilter;
        /** The worker running the task; whoever clears it first (the slot or cancel(true)) owns the outcome. */
        final AtomicReference<WorkerProcess> runningOn = new AtomicReference<>();
        volatile Consumer<Future<?>> whenDone;
        volatile boolean reportFailure;

        PoolTask(Callable<T> task, byte[] payload, String taskFilter, String resultFilter) {
            super(task);
            this.payload = payload;
            this.taskFilter = taskFilter;
            this.resultFilter = resultFilter;
        }

        /**
         * Marks the task as running on {@code w}: {@link #GO}, or {@link #SKIP} if it was cancelled
         * meanwhile, or {@link #WORKER_KILLED} if a {@code cancel(true)} also took {@code w} to kill it.
         */
        int begin(WorkerProcess w) {
            runningOn.set(w);
            if (!isDone()) {
                return GO;
            }
            return runningOn.getAndSet(null) == null ? WORKER_KILLED : SKIP;
        }

        @SuppressWarnings("unchecked")
        void succeed(Object value) {
            set((T) value);
        }

        void fail(Throwable t) {
            setException(t);
        }

        /** Cancelling a queued task removes it; {@code cancel(true)} on a running task kills its worker. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(false);
            if (cancelled) {
                queue.remove(this);
                WorkerProcess w = mayInterruptIfRunning ? runningOn.getAndSet(null) : null;
                if (w != null) {
                    w.process.destroyForcibly();
                }
            }
            return cancelled;
        }

        @Override
        protected void done() {
            payload = null;
            Consumer<Future<?>> listener = whenDone;
            if (listener != null) {
                listener.accept(this);
            }
            if (reportFailure && !isCancelled()) {
                try {
                    get();
                } catch (ExecutionException e) {
                    System.err.println("[" + name + "] a task given to execute() failed: " + e.getCause());
                } catch (InterruptedException | CancellationException ignored) {
                    // Not a failure of the task.
                }
            }
        }
    }
}
