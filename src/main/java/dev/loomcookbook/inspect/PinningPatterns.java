package dev.loomcookbook.inspect;

import dev.loomcookbook.common.ChildJvm;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;

/**
 * The child-JVM side of the {@code pinning} demo: runs each blocking pattern while JFR records
 * {@code jdk.VirtualThreadPinned}, and prints one report line for the parent.
 *
 * <p>It must run with one carrier ({@code -Djdk.virtualThreadScheduler.parallelism=1
 * -Djdk.virtualThreadScheduler.maxPoolSize=1}), so that the order of two tasks' events proves
 * whether the first one freed the carrier: task A blocks inside the pattern, then task B is
 * started; B can run before A wakes only if A unmounted. B interrupts A, so an unmounted A wakes
 * as soon as B has run, while a pinned A sleeps for the whole hold time.
 */
public final class PinningPatterns {

    /** The line prefix of the report on standard output (the JVM may log other lines there). */
    static final String REPORT_PREFIX = "PINNING-REPORT ";
    /** The line prefix of a progress line: {@code start PATTERN} or {@code done PATTERN BLOCKED_NANOS ORDER}. */
    static final String PROGRESS_PREFIX = "PINNING-PROGRESS ";
    /** The exit status when the parent went away first. */
    static final int PARENT_GONE = ChildJvm.PARENT_GONE;

    /** The patterns, in the order they run. */
    public enum Pattern {
        SYNCHRONIZED("synchronized + sleep", "synchronized (lock) { Thread.sleep(hold); }"),
        OBJECT_WAIT("Object.wait", "synchronized (lock) { lock.wait(hold); }"),
        CLASS_INIT("class initializer", "static { Thread.sleep(hold); }"),
        NATIVE_UPCALL("native frame (FFM upcall)", "qsort(array, comparator that sleeps)");

        final String label;
        final String javaCode;

        Pattern(String label, String javaCode) {
            this.label = label;
            this.javaCode = javaCode;
        }
    }

    /** What one {@code jdk.VirtualThreadPinned} event said. */
    public record Pin(String pinnedReason, String blockingOperation, long nanos,
            List<String> frames) {}

    /**
     * One pattern's outcome: the pin events of task A (none if it never pinned), the order of
     * A's and B's events, and how long A was blocked.
     */
    public record Result(Pattern pattern, List<Pin> pins, List<String> order, long blockedNanos) {

        public boolean pinned() {
            return !pins.isEmpty();
        }

        /** B ran while A was blocked inside the pattern: A had given the carrier back. */
        public boolean interleaved() {
            int b = order.indexOf(B_RUNS);
            int woke = -1;
            for (int i = 0; i < order.size(); i++) {
                if (order.get(i).startsWith("A wakes")) {
                    woke = i;
                    break;
                }
            }
            return b >= 0 && woke >= 0 && b < woke;
        }
    }

    /** Everything the child measured, with the scheduler settings it ran with. */
    public record Report(String runtimeVersion, String parallelism, String maxPoolSize,
            List<Result> results) {}

    static final String A_BLOCKS = "A blocks";
    static final String B_RUNS = "B runs";

    private PinningPatterns() {}

    /** Argument: how long task A blocks inside each pattern, in milliseconds. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: PinningPatterns HOLD_MILLIS");
            System.exit(2);
        }
        ChildJvm.exitWithParent();
        Duration hold = Duration.ofMillis(Long.parseLong(args[0]));
        Report report = run(hold);
        System.out.println(REPORT_PREFIX + new ObjectMapper().writeValueAsString(report));
        System.out.flush();
    }

    /** Runs every pattern under a JFR recording; pin events are matched to task A by thread id. */
    static Report run(Duration hold) throws InterruptedException {
        Map<Long, List<Pin>> pinsByThread = new ConcurrentHashMap<>();
        List<Result> results = new ArrayList<>();
        try (RecordingStream jfr = new RecordingStream()) {
            jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            jfr.onEvent("jdk.VirtualThreadPinned", e -> {
                Pin pin = pinOf(e);
                // Only pins in the pattern's own blocking call count: on a loaded machine task A can
                // also meet a contended class-loading lock on its way in, which is not the pattern.
                if (e.getThread() != null && pin.frames().stream()
                        .anyMatch(f -> f.contains("PinningPatterns$Blocker."))) {
                    pinsByThread
                            .computeIfAbsent(e.getThread().getJavaThreadId(),
                                    id -> new CopyOnWriteArrayList<>())
                            .add(pin);
                }
            });
            jfr.startAsync();
            List<Run> runs = new ArrayList<>();
            for (Pattern p : Pattern.values()) {
                progress("start " + p.name());
                Run r = runPattern(p, hold);
                runs.add(r);
                progress("done " + p.name() + " " + r.blockedNanos + " "
                        + String.join("|", r.order));
            }
            // stop() returns once every event recorded so far has been delivered to onEvent.
            jfr.stop();
            for (Run r : runs) {
                results.add(new Result(r.pattern,
                        List.copyOf(pinsByThread.getOrDefault(r.taskA, List.of())),
                        r.order, r.blockedNanos));
            }
        }
        return new Report(Runtime.version().toString(),
                System.getProperty("jdk.virtualThreadScheduler.parallelism", "(cores)"),
                System.getProperty("jdk.virtualThreadScheduler.maxPoolSize", "(default)"), results);
    }

    /** One progress line for the parent, which shows it while the next pattern runs. */
    private static void progress(String line) {
        System.out.println(PROGRESS_PREFIX + line);
        System.out.flush();
    }

    private record Run(Pattern pattern, long taskA, List<String> order, long blockedNanos) {}

    /**
     * Task A enters the pattern and blocks. Task B starts first and waits until A is about to
     * block: A's signal queues B for the one carrier before A blocks, so B runs before A wakes
     * exactly when A's block gives the carrier back. No timing decides the order.
     */
    private static Run runPattern(Pattern pattern, Duration hold) throws InterruptedException {
        Blocker blocker = new Blocker(hold);
        Blocker.current = blocker;
        Thread a = Thread.ofVirtual().name("task-A " + pattern.label)
                .unstarted(() -> enter(pattern, blocker));
        Thread b = Thread.ofVirtual().name("task-B " + pattern.label).start(() -> {
            try {
                if (!blocker.aboutToBlock.await(1, TimeUnit.MINUTES)) {
                    blocker.failure =
                            new IllegalStateException("task A never reached its blocking call");
                    return;
                }
            } catch (InterruptedException e) {
                blocker.failure = e;
                return;
            }
            blocker.order.add(B_RUNS);
            a.interrupt();
        });
        a.start();
        Duration limit = hold.multipliedBy(2).plusMinutes(1);
        if (!a.join(limit) || !b.join(limit)) {
            throw new IllegalStateException(
                    pattern.label + ": the tasks did not finish within " + limit);
        }
        if (blocker.failure != null) {
            throw new IllegalStateException(pattern.label + " failed: " + blocker.failure,
                    blocker.failure);
        }
        return new Run(pattern, a.threadId(), List.copyOf(blocker.order), blocker.blockedNanos);
    }

    private static final Object LOCK = new Object();

    private static void enter(Pattern pattern, Blocker blocker) {
        try {
            switch (pattern) {
                case SYNCHRONIZED -> {
                    synchronized (LOCK) {
                        blocker.sleep();
                    }
                }
                case OBJECT_WAIT -> {
                    synchronized (LOCK) {
                        blocker.waitOn(LOCK);
                    }
                }
                case CLASS_INIT -> ClassInitBlocks.touch();
                case NATIVE_UPCALL -> sortWithNativeQsort();
            }
        } catch (Throwable t) {
            blocker.failure = t;
        }
    }

    /** Blocks task A for the hold time, or until task B interrupts it, and records when. */
    static final class Blocker {
        /** The blocker of the running pattern, for the class initializer and the upcall. */
        static volatile Blocker current;

        final Duration hold;
        final Queue<String> order = new ConcurrentLinkedQueue<>();
        final CountDownLatch aboutToBlock = new CountDownLatch(1);
        volatile long blockedNanos;
        volatile Throwable failure;

        Blocker(Duration hold) {
            this.hold = hold;
        }

        void sleep() {
            long start = enterBlock();
            boolean woken = false;
            try {
                Thread.sleep(hold);
            } catch (InterruptedException e) {
                woken = true;
            }
            leaveBlock(start, woken);
        }

        void waitOn(Object lock) {
            long start = enterBlock();
            long deadline = start + hold.toNanos();
            boolean woken = false;
            try {
                // Object.wait may wake spuriously: wait out the whole hold unless interrupted.
                for (long left = hold.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                woken = true;
            }
            leaveBlock(start, woken);
        }

        private long enterBlock() {
            order.add(A_BLOCKS);
            aboutToBlock.countDown();
            return System.nanoTime();
        }

        private void leaveBlock(long start, boolean woken) {
            blockedNanos = System.nanoTime() - start;
            order.add(woken ? "A wakes (B interrupted it)" : "A wakes (hold time over)");
        }
    }

    /** A class whose initializer blocks: the thread initializing it stays pinned meanwhile. */
    static final class ClassInitBlocks {
        static {
            Blocker.current.sleep();
        }

        static void touch() {
            // Calling this triggers the initializer above.
        }
    }

    private static final AtomicBoolean COMPARED = new AtomicBoolean();

    /** libc's qsort calls back into Java for each comparison: the first one blocks. */
    @SuppressWarnings("restricted") // The child JVM runs with --enable-native-access=ALL-UNNAMED.
    private static void sortWithNativeQsort() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(
                linker.defaultLookup().find("qsort")
                        .orElseThrow(() -> new IllegalStateException("no qsort in libc")),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        MethodHandle compare = MethodHandles.lookup().findStatic(PinningPatterns.class, "compare",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        var intPointer = ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment comparator = linker.upcallStub(compare,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, intPointer, intPointer), arena);
            MemorySegment array = arena.allocateFrom(ValueLayout.JAVA_INT, 3, 1, 2);
            qsort.invokeExact(array, 3L, ValueLayout.JAVA_INT.byteSize(), comparator);
        }
    }

    /** The Java comparator that qsort calls: a native frame (qsort) is below it on the stack. */
    @SuppressWarnings("UnusedMethod") // used: found by name for qsort's upcall
    private static int compare(MemorySegment x, MemorySegment y) {
        if (COMPARED.compareAndSet(false, true)) {
            Blocker.current.sleep();
        }
        return Integer.compare(x.get(ValueLayout.JAVA_INT, 0), y.get(ValueLayout.JAVA_INT, 0));
    }

    private static Pin pinOf(RecordedEvent e) {
        List<String> frames = new ArrayList<>();
        if (e.getStackTrace() != null) {
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                if (f.getMethod() == null) {
                    continue;
                }
                frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName()
                        + (f.getLineNumber() > 0 ? "(line " + f.getLineNumber() + ")" : "")
                        + (f.getType().equals("Native") ? " [native]" : ""));
            }
        }
        return new Pin(e.getString("pinnedReason"), e.getString("blockingOperation"),
                e.getDuration().toNanos(), List.copyOf(frames));
    }
}
