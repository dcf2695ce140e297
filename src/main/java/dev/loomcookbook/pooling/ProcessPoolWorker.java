package dev.loomcookbook.pooling;

import dev.loomcookbook.common.ChildJvm;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Body;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Failure;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Frame;
import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameReader;
import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameWriter;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Kind;
import dev.loomcookbook.pooling.ProcessPoolProtocol.MessageTooLargeException;
import dev.loomcookbook.pooling.ProcessPoolProtocol.ProtocolException;
import dev.loomcookbook.pooling.ProcessPoolProtocol.RefusedException;
import java.io.ByteArrayInputStream;
import java.io.Externalizable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The main class of a {@link ProcessPool} worker JVM. Not for direct use.
 *
 * <p>The pool starts it with its channel on file descriptors 3 and 4 (see
 * {@link ChildJvm#withPrivateChannel}), standard input reading {@code /dev/null} and standard
 * output going to standard error, which the parent forwards; {@code System.out} and
 * {@code System.err} print there too. So nothing a task does with file descriptors 0, 1 and 2
 * (closing them, native code writing to them, children that inherit them) reaches the channel.
 * Where there is no {@code /bin/sh} the channel is standard input and output itself.
 *
 * <p>It reads tasks under a {@link ClassPolicy} built from its command line (the message limit
 * and the allowed patterns): no message can widen it.
 *
 * <p>It never outlives its parent: the end of the channel (the parent closed the pool, or died
 * and the kernel closed the pipe) ends it, and so does a watch on the parent process. Ending, it
 * also ends the processes its tasks started. An {@link OutOfMemoryError} ends the JVM
 * ({@code -XX:+ExitOnOutOfMemoryError}, set by the pool), since the heap of a JVM that ran out of
 * memory cannot be trusted.
 *
 * <p>Two threads share the work and trade roles. The one that reads a task runs it; a task that
 * ends within a few milliseconds (most of them) is answered and the same thread reads the next,
 * with no hand-off and no wake-up of the other thread. The other thread looks in every
 * {@value #BUSY_TICK_MILLIS} ms (and sleeps for good after a second with no task): when a task is
 * still running, it tells the parent so (a BUSY frame, which lets a caller that waits by reading
 * the channel go back to a wait it can interrupt) and takes over reading the channel, so that
 * the end of the channel is seen at once even while the task runs. The parent sends one task at
 * a time, so the two never run tasks at once.
 */
public final class ProcessPoolWorker {

    /** How often the second thread looks at the running task. */
    static final int BUSY_TICK_MILLIS = 5;
    private static final long BUSY_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(BUSY_TICK_MILLIS);
    private static final long DEEP_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A read back may use this much CPU time at least, or 20 times what writing it used. */
    private static final long READ_BACK_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * A read back may take this many times its CPU budget in elapsed time: CPU time is the budget
     * (a busy machine's stalls do not count against a result), elapsed time only the bound on a
     * reader that blocks instead of computing.
     */
    private static final int READ_BACK_ELAPSED_PER_CPU = 10;
    private static final Duration READ_BACK_POLL = Duration.ofMillis(10);
    private static final int MAX_MESSAGE_CHARS = 16 * 1024;
    private static final int MAX_STACK_FRAMES = 1024;

    /** JDK classes whose reading rebuilds a hash table from the elements: their cost depends on the elements. */
    private static final Set<String> REBUILT_BY_HASHING = Set.of(
            "java.util.HashMap", "java.util.HashSet", "java.util.LinkedHashMap",
            "java.util.LinkedHashSet",
            "java.util.Hashtable", "java.util.Properties", "java.util.concurrent.ConcurrentHashMap",
            "java.util.CollSer");

    private static final ReentrantLock READER = new ReentrantLock();
    /** Orders the two threads' frames on the channel, and a BUSY frame before its task's answer. */
    private static final Object OUT = new Object();
    private static final ClassLoader LOADER = ClassLoader.getSystemClassLoader();

    private static InputStream channelStream;
    private static FrameReader channelIn;
    private static OutputStream channelOut;
    private static PrintStream console;
    private static int maxBytes;
    private static List<String> allow;
    private static ClassPolicy taskPolicy;
    private static final ClassPolicyCache RESULT_POLICIES = new ClassPolicyCache();

    /** The number of the last task read (written by the reading thread only). */
    private static long taskNumber;
    /** The number of the task running, or 0. */
    private static volatile long running;
    /** The parent's number for the task running (echoed in its BUSY and its answer). */
    private static volatile int runningFor;
    private static volatile long lastStart = System.nanoTime();
    /** The task a BUSY frame was sent for (guarded by {@link #OUT}). */
    private static long busySentFor;
    private static volatile boolean deepIdle;
    private static volatile Thread deepSleeper;

    private ProcessPoolWorker() {}

    /** What the parent sent: a kind, the parent's task number and the fields. */
    @SuppressWarnings("ArrayRecordComponent") // never compared: the fields as they arrived
    private record Request(Kind kind, int task, byte[] first, byte[] second) {}

    /**
     * Arguments: {@code --max-bytes=N}, {@code --allow=P;Q...} (the patterns of
     * {@code ProcessPool.Builder.allow}) and {@code --channel=fds} (3 and 4) or {@code stdio}.
     */
    public static void main(String[] args) throws Exception {
        String channel = null;
        for (String a : args) {
            if (a.startsWith("--max-bytes=")) {
                maxBytes = Integer.parseInt(a.substring("--max-bytes=".length()));
            } else if (a.startsWith("--allow=")) {
                String p = a.substring("--allow=".length());
                allow = p.isEmpty() ? List.of() : List.of(p.split(";"));
            } else if (a.startsWith("--channel=")) {
                channel = a.substring("--channel=".length());
            }
        }
        if (maxBytes < 1 || allow == null || !("fds".equals(channel) || "stdio".equals(channel))) {
            System.err.println(
                    "usage: ProcessPoolWorker --max-bytes=N --allow=PATTERNS --channel=fds|stdio");
            System.exit(2);
        }
        allow.forEach(ClassPolicy::checkPattern);
        taskPolicy = ClassPolicy.forTasks(allow);
        if (channel.equals("fds")) {
            channelStream = new FileInputStream("/dev/fd/3");
            channelOut = new FileOutputStream("/dev/fd/4");
        } else {
            channelStream = new FileInputStream(FileDescriptor.in);
            channelOut = new FileOutputStream(FileDescriptor.out);
        }
        channelIn = new FrameReader(channelStream, maxBytes + ProcessPoolProtocol.OVERHEAD_BYTES);
        console = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        System.setOut(console);
        System.setErr(console);
        System.setIn(new ByteArrayInputStream(new byte[0]));

        ProcessHandle.current().parent().ifPresent(parent -> {
            var _ = parent.onExit().thenRun(() -> {
                endDescendants();
                Runtime.getRuntime().halt(ChildJvm.PARENT_GONE);
            });
        });

        Request init = readRequest();
        if (init.kind() != Kind.INIT) {
            end("the parent sent " + init.kind() + " first");
        }
        begin(init.task());
        Thread.ofPlatform().daemon().name("process-pool-worker-2").start(ProcessPoolWorker::serve);
        FrameWriter out = new FrameWriter(8 * 1024, maxBytes + ProcessPoolProtocol.OVERHEAD_BYTES);
        Failure initFailure = null;
        if (init.first() != null) {
            try {
                Runnable initializer = (Runnable) taskPolicy.read(init.first(), 0,
                        init.first().length, LOADER, null);
                initializer.run();
            } catch (Throwable t) {
                initFailure = failure(t, ClassPolicy.forResults(Set.of(), allow));
            }
        }
        out.writeLong(ProcessHandle.current().pid());
        out.writeByte(initFailure == null ? 0 : 1);
        if (initFailure != null) {
            initFailure.writeTo(out);
        }
        answer(out.finish(Kind.READY, init.task()));
        serve();
    }

    /** Both threads: read a task and run it when the channel is free, else watch the running one. */
    private static void serve() {
        FrameWriter out = new FrameWriter(8 * 1024, maxBytes + ProcessPoolProtocol.OVERHEAD_BYTES);
        while (true) {
            if (READER.tryLock()) {
                Request r;
                try {
                    r = readRequest();
                    begin(r.task());
                } finally {
                    READER.unlock();
                }
                if (deepIdle) {
                    LockSupport.unpark(deepSleeper);
                }
                boolean exitAfter = run(r, out.reset());
                if (exitAfter) {
                    retiring();
                }
                answer(out);
                if (exitAfter) {
                    end("a thread is stuck rebuilding a result");
                }
            } else {
                watch();
            }
        }
    }

    /** Marks a new task as running (called by the reading thread). */
    private static void begin(int parentTask) {
        runningFor = parentTask;
        running = ++taskNumber;
        lastStart = System.nanoTime();
    }

    /** The parent's number for the task running in this worker, or 0 (for tests that forge answers). */
    static int runningTask() {
        return running == 0 ? 0 : runningFor;
    }

    /**
     * Ticks until a task is seen running on two ticks in a row, then sends BUSY for it and
     * returns (to take over reading). Sleeps for good after a second without a task, until the
     * reading thread wakes it.
     */
    private static void watch() {
        long seen = 0;
        while (true) {
            long task = running;
            if (task != 0 && task == seen) {
                synchronized (OUT) {
                    if (running == task && busySentFor != task) {
                        byte[] busy = ProcessPoolProtocol.emptyFrame(Kind.BUSY, runningFor);
                        write(busy, busy.length);
                        busySentFor = task;
                    }
                }
                return;
            }
            seen = task;
            if (task == 0 && System.nanoTime() - lastStart > DEEP_IDLE_NANOS) {
                deepSleeper = Thread.currentThread();
                deepIdle = true;
                if (running == 0) {
                    LockSupport.park();
                }
                deepIdle = false;
            } else {
                LockSupport.parkNanos(BUSY_TICK_NANOS);
            }
        }
    }

    /** Reads the next request (its fields copied out); the end of the channel ends the worker. */
    private static Request readRequest() {
        try {
            Frame f = channelIn.read();
            Body b = f.body();
            Request r = switch (f.kind()) {
                case INIT -> new Request(Kind.INIT, f.task(), b.readBytes(), null);
                case CALL -> new Request(Kind.CALL, f.task(), b.rest(), null);
                case CHUNK -> new Request(Kind.CHUNK, f.task(), b.readBytes(), b.rest());
                default -> throw new ProtocolException("the parent sent a " + f.kind() + " frame");
            };
            b.end();
            return r;
        } catch (java.io.EOFException closed) {
            end(null);
        } catch (IOException e) {
            end("the channel from the parent broke: " + e.getMessage());
        }
        throw new AssertionError("unreachable");
    }

    /** Runs a task or a chunk and writes its answer into {@code out}; true if the worker must end after it. */
    private static boolean run(Request r, FrameWriter out) {
        Set<Class<?>> classes = new HashSet<>();
        Object code;
        try {
            code = taskPolicy.read(r.first(), 0, r.first().length, LOADER, classes);
        } catch (Throwable t) {
            String why = t instanceof RefusedException ? t.getMessage() : t.toString();
            return fail(out, r.task(),
                    new IllegalArgumentException("the worker could not read the task: " + why),
                    ClassPolicy.forResults(Set.of(), allow));
        }
        ClassPolicy results = RESULT_POLICIES.get(classes, allow);
        if (r.kind() == Kind.CALL) {
            Object value;
            try {
                value = ((Callable<?>) code).call();
            } catch (Throwable t) {
                return fail(out, r.task(), t, results);
            }
            String why = writeValues(out, new Object[] {value}, 1, results);
            if (why != null) {
                return unsendable(out, r.task(), "the task's result " + why);
            }
            out.finish(Kind.DONE, r.task());
            return mustExit;
        }
        Object[] items;
        try {
            items = ProcessPoolProtocol.readValues(new Body(r.second(), 0, r.second().length),
                    taskPolicy.reader(LOADER));
        } catch (Throwable t) {
            String why = t instanceof RefusedException ? t.getMessage() : t.toString();
            return fail(out, r.task(), new IllegalArgumentException(
                    "the worker could not read the map's items: " + why), results);
        }
        @SuppressWarnings("unchecked")
        Function<Object, Object> fn = (Function<Object, Object>) code;
        Object[] values = new Object[items.length];
        int done = 0;
        Throwable thrown = null;
        for (; done < items.length; done++) {
            try {
                values[done] = fn.apply(items[done]);
            } catch (Throwable t) {
                thrown = t;
                break;
            }
        }
        String why = writeValues(out, values, done, results);
        if (why != null) {
            return unsendable(out, r.task(),
                    "the results of the chunk's first " + done + " items " + why);
        }
        try {
            out.writeByte(thrown == null ? 0 : 1);
            if (thrown != null) {
                failure(thrown, results).writeTo(out);
            }
        } catch (IOException e) {
            return unsendable(out, r.task(),
                    "the exception of an item cannot be sent: " + e.getMessage());
        }
        out.finish(Kind.CHUNK_DONE, r.task());
        return mustExit;
    }

    /** Set when a read-back check left a thread spinning: the worker must not be reused. */
    private static boolean mustExit;

    private static boolean fail(FrameWriter out, int task, Throwable t, ClassPolicy results) {
        try {
            failure(t, results).writeTo(out.reset());
            out.finish(Kind.FAILED, task);
        } catch (IOException e) {
            return unsendable(out, task, "the task's exception cannot be sent: " + e.getMessage());
        }
        return mustExit;
    }

    private static boolean unsendable(FrameWriter out, int task, String why) {
        try {
            out.reset().writeString(why);
        } catch (IOException impossible) {
            throw new AssertionError(impossible);
        }
        out.finish(Kind.UNSENDABLE, task);
        return mustExit;
    }

    /**
     * Writes {@code values[0, n)} into {@code out} and checks them as the parent will read them;
     * null if they can be sent, else why not (the rest of a sentence).
     */
    private static String writeValues(FrameWriter out, Object[] values, int n,
            ClassPolicy results) {
        // A thread's CPU time costs a system call: taken only where a read back may follow.
        long start = ProcessPoolProtocol.isCompact(values, n) ? 0 : cpuTime();
        int mark = out.length();
        Set<Class<?>> classes;
        try {
            classes = ProcessPoolProtocol.writeValues(out, values, n);
        } catch (MessageTooLargeException e) {
            return String.format("cannot be sent: it is larger than the limit of %,d bytes"
                    + " (ProcessPool.Builder.maxMessageBytes)", maxBytes);
        } catch (NotSerializableException e) {
            return "cannot be serialized: " + e.getMessage() + " is not Serializable";
        } catch (IOException | RuntimeException e) {
            return "cannot be serialized: " + e;
        }
        if (out.length() - mark > maxBytes) {
            return String.format(
                    "cannot be sent: it is %,d bytes, larger than the limit of %,d bytes"
                            + " (ProcessPool.Builder.maxMessageBytes)",
                    out.length() - mark, maxBytes);
        }
        Class<?> refused = results.firstRefused(classes);
        if (refused != null) {
            return "was refused: " + results.refusal(refused);
        }
        if (needsReadBack(classes)) {
            // The serialized Object[] follows the tag, the count and its own length.
            int at = mark + 1 + 4 + 4;
            String why = readBack(Arrays.copyOfRange(out.bytes(), at, out.length()), results,
                    Math.max(READ_BACK_MIN_NANOS, 20 * (cpuTime() - start)));
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** Whether reading these classes runs code whose cost depends on the data (rebuilding hash tables, custom readers). */
    static boolean needsReadBack(Set<Class<?>> classes) {
        for (Class<?> c : classes) {
            if (REBUILT_BY_HASHING.contains(c.getName())) {
                return true;
            }
            if (!ClassPolicy.isJdk(c) && (Externalizable.class.isAssignableFrom(c)
                    || declares(c, "readObject",
                            ObjectInputStream.class)
                    || declares(c, "readResolve") || declares(c, "readObjectNoData"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean declares(Class<?> c, String name, Class<?>... parameters) {
        try {
            return c.getDeclaredMethod(name, parameters) != null; // or it throws
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * Reads {@code bytes} back as the parent will, on a thread of its own, for at most
     * {@code budgetNanos} of that thread's CPU time (and ten times as long in elapsed time); null
     * if that went well, else why not.
     */
    private static String readBack(byte[] bytes, ClassPolicy results, long budgetNanos) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader =
                Thread.ofPlatform().daemon().name("process-pool-worker-read-back").start(() -> {
                    try {
                        results.read(bytes, 0, bytes.length, LOADER, null);
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
        try {
            if (!endsWithin(reader, budgetNanos)) {
                mustExit = true;
                return String.format(
                        "could not be rebuilt from its serialized form within %.1f s of CPU time, so the parent"
                                + " could not rebuild it either (nested hash-based collections that share their elements"
                                + " rebuild in exponential time)",
                        budgetNanos / 1e9);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t == null) {
            return null;
        }
        return t instanceof RefusedException ? "was refused: " + t.getMessage()
                : "could not be read back: " + t;
    }

    /**
     * Whether {@code reader} ends before it has used {@code cpuNanos} of CPU time, or
     * {@value #READ_BACK_ELAPSED_PER_CPU} times that in elapsed time (elapsed time alone where the
     * JVM cannot measure a thread's CPU time).
     */
    private static boolean endsWithin(Thread reader, long cpuNanos) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpu = cpuTimeMeasured(threads);
        long start = System.nanoTime();
        long elapsedNanos = cpu ? READ_BACK_ELAPSED_PER_CPU * cpuNanos : cpuNanos;
        while (!reader.join(READ_BACK_POLL)) {
            long used = cpu ? threads.getThreadCpuTime(reader.threadId()) : 0;
            if (used > cpuNanos || System.nanoTime() - start > elapsedNanos) {
                return !reader.isAlive();
            }
        }
        return true;
    }

    /** This thread's CPU time in nanoseconds, or the elapsed time where the JVM cannot say. */
    private static long cpuTime() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return cpuTimeMeasured(threads) ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static boolean cpuTimeMeasured(ThreadMXBean threads) {
        return threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
    }

    /** A task's exception as a {@link Failure}, with the exception itself if the parent can read it. */
    private static Failure failure(Throwable t, ClassPolicy results) {
        byte[] exception = null;
        try {
            FrameWriter bytes = new FrameWriter(1024, maxBytes / 2);
            Set<Class<?>> classes = ProcessPoolProtocol.serializeInto(bytes, t);
            byte[] serialized = Arrays.copyOfRange(bytes.bytes(), ProcessPoolProtocol.HEADER_BYTES,
                    bytes.length());
            if (results.firstRefused(classes) == null
                    && (!needsReadBack(classes)
                            || readBack(serialized, results, READ_BACK_MIN_NANOS) == null)) {
                exception = serialized;
            }
        } catch (IOException | RuntimeException notSerializable) {
            // Sent as type, message and stack only.
        }
        String message = t.getMessage();
        if (message != null && message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "... (cut)";
        }
        StackTraceElement[] stack = t.getStackTrace();
        if (stack.length > MAX_STACK_FRAMES) {
            stack = Arrays.copyOf(stack, MAX_STACK_FRAMES);
        }
        return new Failure(t.getClass().getName(), message, stack, exception);
    }

    /**
     * Tells the parent, before the answer, that this worker ends after it: else the parent could
     * send the next task in the moment between the answer and the exit, and that task would fail.
     */
    private static void retiring() {
        synchronized (OUT) {
            byte[] frame = ProcessPoolProtocol.emptyFrame(Kind.RETIRING, runningFor);
            write(frame, frame.length);
        }
    }

    /** Sends an answer; it marks the task as no longer running, so no BUSY can follow it. */
    private static void answer(FrameWriter frame) {
        synchronized (OUT) {
            running = 0;
            write(frame.bytes(), frame.length());
        }
    }

    private static void write(byte[] frame, int length) {
        try {
            channelOut.write(frame, 0, length);
        } catch (IOException e) {
            end("the channel to the parent broke: " + e.getMessage());
        }
    }

    /**
     * The parent closed the channel (or died, or broke the protocol): end the processes the
     * tasks started, then stop. Idle, exit normally; busy, halt (the task's code may never return).
     */
    private static void end(String why) {
        if (why != null) {
            console.println("process pool worker ending: " + why);
        }
        endDescendants();
        if (running != 0) {
            Runtime.getRuntime().halt(why == null ? ChildJvm.PARENT_GONE : 0);
        }
        console.flush();
        System.exit(0);
    }

    private static void endDescendants() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /** The result policies of recent task classes (a worker sees the same few again and again). */
    private static final class ClassPolicyCache {
        private final java.util.LinkedHashMap<Set<Class<?>>, ClassPolicy> map =
                new java.util.LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(
                            java.util.Map.Entry<Set<Class<?>>, ClassPolicy> eldest) {
                        return size() > 64;
                    }
                };

        synchronized ClassPolicy get(Set<Class<?>> classes, List<String> allow) {
            return map.computeIfAbsent(classes, c -> ClassPolicy.forResults(c, allow));
        }
    }
}
