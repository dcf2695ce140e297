package dev.loomcookbook.testing;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.loomcookbook.inspect.ThreadDump;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test (or a test class, for what its {@code @BeforeAll} started) that leaves behind a
 * thread it started, virtual or platform, or a child process.
 *
 * <p>Registered for every test class by auto-detection (see {@code junit-platform.properties}).
 * Virtual threads do not appear in {@link Thread#getAllStackTraces()}, so threads are read from
 * the JSON thread dump, which lists every thread, virtual ones included. Threads and processes
 * that are ending anyway get a grace period ({@value #GRACE_SECONDS} s) before they count as
 * leaked. The JDK's own shared threads (virtual-thread carriers, the common pool, the process
 * reaper and other JDK system threads) start lazily and live on by design: they are not leaks.
 * Nor are the threads of a Hazelcast instance that was running before a test and still is (a
 * cluster shared by a test class), for the test; the class is checked once the instance is gone.
 */
public final class LeakCheckExtension
        implements
            BeforeAllCallback,
            AfterAllCallback,
            BeforeEachCallback,
            AfterEachCallback {

    static final long GRACE_SECONDS = 10;
    /** Configuration parameter that shortens the grace period, in milliseconds (for the meta-test). */
    static final String GRACE_MILLIS = "loomcookbook.leakcheck.grace.millis";
    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(LeakCheckExtension.class);

    /**
     * What was alive before: thread ids, child process ids, and the names of the running
     * Hazelcast instances (a cluster a test class shares between its tests).
     */
    private record Snapshot(Set<Long> threads, Set<Long> processes,
            Set<String> hazelcastInstances) {}

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("class", snapshot());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context.getStore(NS).get("class", Snapshot.class),
                "test class " + context.getDisplayName(), grace(context));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("test", snapshot());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(context.getStore(NS).get("test", Snapshot.class), "test " + context.getDisplayName(),
                grace(context));
    }

    /** Every thread id, the JDK's own included: one that was there before is never a leak. */
    private static Snapshot snapshot() {
        return new Snapshot(liveThreads(true).keySet(), childProcesses(), hazelcastInstances());
    }

    private static Duration grace(ExtensionContext context) {
        return context.getConfigurationParameter(GRACE_MILLIS).map(Long::parseLong)
                .map(Duration::ofMillis)
                .orElse(Duration.ofSeconds(GRACE_SECONDS));
    }

    private static void check(Snapshot before, String what, Duration grace) {
        if (before == null) {
            return;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            Map<Long, String> leakedThreads = new HashMap<>(liveThreads(false));
            leakedThreads.keySet().removeAll(before.threads());
            leakedThreads.keySet()
                    .removeAll(threadsOfRunningInstances(before.hazelcastInstances()));
            List<ProcessHandle> leakedProcesses = ProcessHandle.current().descendants()
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> !before.processes().contains(p.pid()))
                    .toList();
            if (leakedThreads.isEmpty() && leakedProcesses.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                List<String> problems = new ArrayList<>();
                if (!leakedThreads.isEmpty()) {
                    problems.add(
                            "threads still running: " + leakedThreads.values().stream().sorted()
                                    .collect(Collectors.joining(", ")));
                }
                if (!leakedProcesses.isEmpty()) {
                    problems.add("child processes still running: " + leakedProcesses.stream()
                            .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                            .collect(Collectors.joining(", ")));
                }
                throw new AssertionError(what + " leaked " + String.join("; ", problems));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while checking " + what + " for leaks", e);
            }
        }
    }

    /**
     * The names of the Hazelcast instances running in this JVM. Asked only once a Hazelcast thread
     * exists: asking loads Hazelcast, whose loggers would then be set up before a test's choice.
     */
    private static Set<String> hazelcastInstances() {
        boolean anyHazelcastThread = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("hz."));
        if (!anyHazelcastThread) {
            return new java.util.HashSet<>();
        }
        return Hazelcast.getAllHazelcastInstances().stream().map(HazelcastInstance::getName)
                .collect(Collectors.toSet());
    }

    /**
     * The threads of the Hazelcast instances that were running before and still are: an instance
     * starts some of its pool threads only when work comes, and they serve it until it shuts down.
     * They are named after their instance: {@code hz.NAME.cached.thread-3},
     * {@code NAME-NioNetworking-closeListenerExecutor}. Once the instance is shut down they must
     * end like any other thread; the test class that started it is checked for that.
     */
    private static Set<Long> threadsOfRunningInstances(Set<String> before) {
        Set<String> running = hazelcastInstances();
        running.retainAll(before);
        if (running.isEmpty()) {
            return Set.of();
        }
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> running.stream().anyMatch(name -> isThreadOf(t, name)))
                .map(Thread::threadId)
                .collect(Collectors.toSet());
    }

    private static boolean isThreadOf(Thread t, String instance) {
        String name = t.getName();
        return name.startsWith("hz." + instance + ".") || name.startsWith(instance + "-");
    }

    private static Set<Long> childProcesses() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** Every live thread (or, unless {@code all}, every one that could be a leak), by id, described. */
    static Map<Long, String> liveThreads(boolean all) {
        Map<Long, Thread> platform = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            platform.put(t.threadId(), t);
        }
        Map<Long, String> live = new HashMap<>();
        for (ThreadDump.Container container : ThreadDump.ofThisJvm().containers()) {
            // The virtual-thread scheduler's pool: its carriers and its delay scheduler live on.
            boolean schedulerPool = container.threads().stream().map(d -> platform.get(d.tid()))
                    .anyMatch(t -> t != null
                            && t.getClass().getName().equals("jdk.internal.misc.CarrierThread"));
            for (ThreadDump.DumpedThread thread : container.threads()) {
                Thread t = platform.get(thread.tid());
                if (!all && t != null && (schedulerPool || isJdkShared(t))) {
                    continue;
                }
                if (!all && t == null && isJdkPoller(thread)) {
                    continue;
                }
                String kind = t == null ? "virtual" : "platform";
                live.put(thread.tid(),
                        "#" + thread.tid() + " '" + thread.name() + "' (" + kind + ", "
                                + thread.state() + ", in " + container.id() + ")");
            }
        }
        return live;
    }

    /**
     * The JDK's I/O sub-pollers ({@code SubPoller-N}): virtual threads that start when a virtual
     * thread first blocks on a socket and live on by design.
     */
    private static boolean isJdkPoller(ThreadDump.DumpedThread thread) {
        return thread.stack().stream().anyMatch(frame -> frame.contains("sun.nio.ch.Poller."));
    }

    /** JDK threads that start on first use and live on by design. */
    @SuppressWarnings("ReferenceEquality") // the common pool is one instance: identity is meant
    private static boolean isJdkShared(Thread t) {
        String type = t.getClass().getName();
        // DelayScheduler: a ForkJoinPool's timer thread. The virtual-thread scheduler's outlives its
        // carriers, which the JDK retires after some idle time; the common pool's starts on the first
        // scope timeout (StructuredTaskScope schedules its timeouts there) and lives on with the pool.
        if (type.equals("jdk.internal.misc.CarrierThread")
                || type.equals("jdk.internal.misc.InnocuousThread")
                || type.equals("java.util.concurrent.DelayScheduler")) {
            return true;
        }
        if (t instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool()) {
            return true;
        }
        String name = t.getName();
        // JUnit's own timeout watcher starts with the first test and serves all the others.
        return name.equals("Attach Listener") || name.startsWith("JFR ")
                || name.equals("process reaper")
                || name.equals("junit-jupiter-timeout-watcher")
                || (t.getThreadGroup() != null && t.getThreadGroup().getName().equals("system"));
    }
}
