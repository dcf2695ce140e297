package dev.loomcookbook.pooling;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ProcessPool} against real worker JVMs. Tasks that must be seen running block at a
 * {@link Gate} (a loopback socket the test controls), so nothing here depends on timing.
 */
class ProcessPoolTest {

    /** Quick-starting worker JVMs: these tests measure behaviour, not speed. */
    static ProcessPool.Builder pool(int workers) {
        return ProcessPool.builder().workers(workers)
                .jvmOptions("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC",
                        "-XX:-UsePerfData", "-Xmx64m");
    }

    /** Two workers for the tests that leave them as they found them (no deaths, kills or static state). */
    private static ProcessPool shared;

    @BeforeAll
    static void startSharedPool() throws InterruptedException {
        shared = pool(2).build();
        shared.awaitWorkersStarted();
    }

    @AfterAll
    static void closeSharedPool() {
        shared.close();
    }

    /** Static state of this class; each worker JVM has its own copy. */
    static String label = "initial";
    static int initializerRuns;
    static int tasksReceived;

    /** submit returns a Callable's result. */
    @Test
    void submitReturnsTheCallablesResult() throws Exception {
        ProcessPool p = shared;
        assertThat(p.submit(() -> 6 * 7).get(30, SECONDS)).isEqualTo(42);
    }

    /** submit of a Runnable (a void lambda) completes with null. */
    @Test
    void submitOfARunnableCompletesWithNull() throws Exception {
        ProcessPool p = shared;
        assertThat(p.submit(() -> {
            label = "a void lambda ran";
        }).get(30, SECONDS)).isNull();
    }

    /** submit of a method reference to a Serializable record returns its result. */
    @Test
    void submitOfAMethodReferenceReturnsItsResult() throws Exception {
        ProcessPool p = shared;
        assertThat(p.submit(new Greeting("r")::call).get(30, SECONDS)).isEqualTo("hello r");
    }

    /** invokeAll returns every task's result, in task order. */
    @Test
    void invokeAllReturnsEveryResultInOrder() throws Exception {
        ProcessPool p = shared;
        List<String> all = new ArrayList<>();
        for (Future<String> f : p.invokeAll(List.of(new Greeting("a"), new Greeting("b")), 30,
                SECONDS)) {
            all.add(f.get(30, SECONDS));
        }
        assertThat(all).containsExactly("hello a", "hello b");
    }

    /** invokeAny returns the result of one of the tasks. */
    @Test
    void invokeAnyReturnsOneResult() throws Exception {
        try (ProcessPool p = pool(2).build()) {
            assertThat(p.invokeAny(List.of(new Greeting("a"), new Greeting("b")), 30, SECONDS))
                    .isIn("hello a", "hello b");
        }
    }

    /** map returns fn applied to each item. */
    @Test
    void mapReturnsEachItemsResult() throws Exception {
        ProcessPool p = shared;
        assertThat(p.map((Integer k) -> k * k, List.of(1, 2, 3), Duration.ofSeconds(30)).toList())
                .containsExactly(1, 4, 9);
    }

    /** JDK collections travel inside a task and back in its result (the filters allow the arrays they read). */
    @Test
    void collectionsTravelInTasksAndResults() throws Exception {
        ProcessPool p = shared;
        ArrayList<Integer> list = new ArrayList<>(List.of(1, 2, 3));
        HashMap<String, Integer> table = new HashMap<>(Map.of("a", 1));
        HashSet<String> set = new HashSet<>(Set.of("x"));
        assertThat(p.submit(() -> new ArrayList<>(List.of(list.size(), table.get("a"), set.size())))
                .get(30, SECONDS))
                .containsExactly(3, 1, 1);
    }

    /** Tasks run in other processes: their PIDs differ from the test's and are its children. */
    @Test
    void tasksRunInChildProcesses() throws Exception {
        long me = ProcessHandle.current().pid();
        ProcessPool p = shared;
        long worker = p.submit(() -> ProcessHandle.current().pid()).get(30, SECONDS);
        long workersParent = p.submit(() -> ProcessHandle.current().parent().orElseThrow().pid())
                .get(30, SECONDS);
        assertThat(worker).isNotEqualTo(me);
        assertThat(workersParent).isEqualTo(me);
        assertThat(ProcessHandle.current().children().map(ProcessHandle::pid)).contains(worker);
    }

    /** Two workers run two tasks at the same time: both are at the gate before either is released. */
    @Test
    void tasksRunInParallelUpToTheWorkerCount() throws Exception {
        ProcessPool p = shared;
        try (Gate gate = new Gate()) {
            int port = gate.port();
            Future<Long> a = p.submit(() -> Gate.arrive(port));
            Future<Long> b = p.submit(() -> Gate.arrive(port));
            Gate.Arrival first = gate.awaitArrival();
            Gate.Arrival second = gate.awaitArrival();
            assertThat(first.pid()).isNotEqualTo(second.pid());
            gate.release(first);
            gate.release(second);
            assertThat(List.of(a.get(30, SECONDS), b.get(30, SECONDS)))
                    .containsExactlyInAnyOrder(first.pid(), second.pid());
        }
    }

    /** Threads of either kind submitting at once each get their own results back. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void concurrentSubmittersGetTheirOwnResults(ThreadFactory factory) throws Exception {
        int submitters = 6;
        CyclicBarrier together = new CyclicBarrier(submitters);
        ProcessPool p = shared;
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(factory)) {
            List<Future<List<Integer>>> outcomes = new ArrayList<>();
            for (int i = 0; i < submitters; i++) {
                int base = i * 100;
                outcomes.add(threads.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    List<Future<Integer>> mine = new ArrayList<>();
                    for (int j = 0; j < 5; j++) {
                        int n = base + j;
                        mine.add(p.submit(() -> n));
                    }
                    List<Integer> got = new ArrayList<>();
                    for (Future<Integer> f : mine) {
                        got.add(f.get(30, SECONDS));
                    }
                    return got;
                }));
            }
            for (int i = 0; i < submitters; i++) {
                int base = i * 100;
                assertThat(outcomes.get(i).get(30, SECONDS)).containsExactly(base, base + 1,
                        base + 2, base + 3, base + 4);
            }
        }
    }

    /** A static field set in the parent is not seen by a worker, and a worker's change does not reach the parent. */
    @Test
    void staticStateIsNotSharedWithTheParent() throws Exception {
        label = "set in the parent";
        try (ProcessPool p = pool(1).build()) {
            String seenInWorker = p.submit(() -> {
                String before = label;
                label = "set in the worker";
                return before;
            }).get(30, SECONDS);
            assertThat(seenInWorker).isEqualTo("initial");
            assertThat(p.submit(() -> label).get(30, SECONDS)).isEqualTo("set in the worker");
            assertThat(label).isEqualTo("set in the parent");
        } finally {
            label = "initial";
        }
    }

    /** A worker killed mid-task fails that task saying it was killed by SIGKILL; the next task runs on a new worker. */
    @Test
    void killedWorkerFailsOnlyItsTask() throws Exception {
        try (ProcessPool p = pool(1).build(); Gate gate = new Gate()) {
            int port = gate.port();
            Future<Long> blocked = p.submit(() -> Gate.arrive(port));
            long pid = gate.awaitArrival().pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();

            assertThatThrownBy(() -> blocked.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("worker pid " + pid)
                    .hasMessageContaining("killed by signal 9 (SIGKILL)");
            long next = p.submit(() -> ProcessHandle.current().pid()).get(30, TimeUnit.SECONDS);
            assertThat(next).isNotEqualTo(pid);
        }
    }

    /** System.exit in a task fails that task with the exit code; the pool keeps serving. */
    @Test
    void systemExitInATaskFailsOnlyThatTask() throws Exception {
        try (ProcessPool p = pool(1).build()) {
            Future<Object> exits = p.submit(() -> {
                System.exit(42);
                return null;
            });
            assertThatThrownBy(() -> exits.get(30, SECONDS)).cause()
                    .isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("exited with code 42");
            assertThat(((WorkerDiedException) causeOf(exits)).exitCode()).isEqualTo(42);
            assertThat(p.submit(() -> "still serving").get(30, SECONDS)).isEqualTo("still serving");
        }
    }

    /** Running out of memory ends the worker (ExitOnOutOfMemoryError): the task fails, saying so, and the pool goes on. */
    @Test
    void outOfMemoryFailsOnlyThatTask() throws Exception {
        try (ProcessPool p = pool(1).build()) {
            Future<Integer> hog = p.submit(() -> new long[512 * 1024 * 1024].length);
            assertThatThrownBy(() -> hog.get(30, SECONDS)).cause()
                    .isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("exited with code 3")
                    .hasMessageContaining("OutOfMemoryError");
            assertThat(p.submit(() -> 1 + 1).get(30, SECONDS)).isEqualTo(2);
        }
    }

    /** shutdownNow returns exactly the tasks that never started, and cancels the running one. */
    @Test
    void shutdownNowReturnsTheTasksThatNeverStarted() throws Exception {
        // The gate closes first (releasing a task still at it), so close() never waits on a blocked task.
        try (ProcessPool p = pool(1).build(); Gate gate = new Gate()) {
            int port = gate.port();
            Future<Long> running = p.submit(() -> Gate.arrive(port));
            gate.awaitArrival();
            List<Future<Integer>> queued =
                    List.of(p.submit(() -> 1), p.submit(() -> 2), p.submit(() -> 3));

            List<Runnable> neverStarted = p.shutdownNow();

            assertThat(neverStarted)
                    .containsExactlyElementsOf(queued.stream().map(f -> (Runnable) f).toList());
            assertThat(p.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> running.get(30, SECONDS))
                    .isInstanceOf(CancellationException.class);
            assertThatThrownBy(() -> p.submit(() -> 4))
                    .isInstanceOf(RejectedExecutionException.class);
        }
    }

    /** shutdown(true) cancels the queued tasks, and the running one still finishes. */
    @Test
    void shutdownCancellingQueuedTasksLetsTheRunningOneFinish() throws Exception {
        try (ProcessPool p = pool(1).build(); Gate gate = new Gate()) {
            int port = gate.port();
            Future<Long> running = p.submit(() -> Gate.arrive(port));
            Gate.Arrival arrival = gate.awaitArrival();
            Future<Integer> queued = p.submit(() -> 1);

            p.shutdown(true);
            gate.release(arrival);

            assertThat(queued.isCancelled()).isTrue();
            assertThat(running.get(30, SECONDS)).isEqualTo(arrival.pid());
            assertThat(p.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** After close no worker process remains, and the pool is terminated. */
    @Test
    void noChildProcessRemainsAfterClose() throws Exception {
        ProcessPool p = pool(3).build();
        List<Long> pids;
        try {
            p.awaitWorkersStarted();
            pids = p.workerPids();
            assertThat(pids).hasSize(3);
            p.submit(() -> 1).get(30, SECONDS);
        } finally {
            p.close();
        }
        assertThat(p.isTerminated()).isTrue();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("worker " + pid)
                    .isEmpty();
        }
        assertThat(ProcessHandle.current().descendants().filter(d -> pids.contains(d.pid())))
                .isEmpty();
    }

    /** A task that is not Serializable, or holds something that is not, is refused at submit and nothing reaches a worker. */
    @Test
    void nonSerializableTaskIsRefusedAndNothingIsSent() throws Exception {
        try (ProcessPool p = pool(1).build()) {
            Callable<Integer> plain = new Callable<>() {
                @Override
                public Integer call() {
                    tasksReceived++;
                    return 0;
                }
            };
            assertThatThrownBy(() -> p.submit(plain))
                    .isInstanceOf(TaskNotSerializableException.class)
                    .hasMessageContaining("is not java.io.Serializable");
            Object notSerializable = new Object();
            assertThatThrownBy(() -> p.submit(() -> {
                tasksReceived++;
                return notSerializable.hashCode();
            })).isInstanceOf(TaskNotSerializableException.class)
                    .hasMessageContaining("cannot be serialized");
            Runnable plainRunnable = () -> tasksReceived++;
            assertThatThrownBy(() -> p.execute(plainRunnable))
                    .isInstanceOf(TaskNotSerializableException.class);

            assertThat(p.submit(() -> ++tasksReceived).get(30, SECONDS))
                    .as("the first task this worker received").isEqualTo(1);
        }
    }

    /** A result whose class the parent's deserialization filter refuses fails its task with the filter's rejection. */
    @Test
    void resultOfARefusedClassIsRejected() throws Exception {
        ProcessPool p = shared;
        Future<AtomicLong> refused = p.submit(() -> new AtomicLong(7));
        assertThatThrownBy(() -> refused.get(30, SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UnreadableResultException.class)
                .hasMessageContaining(
                        "java.util.concurrent.atomic.AtomicLong, which the pool does not accept in a result")
                .hasMessageContaining("ProcessPool.Builder.allow");
    }

    /** A class named with Builder.allow passes the filter and its result arrives. */
    @Test
    void allowedClassIsAccepted() throws Exception {
        try (ProcessPool p = pool(1).allow("java.util.concurrent.atomic.AtomicLong").build()) {
            assertThat(p.submit(() -> new AtomicLong(7)).get(30, SECONDS).get()).isEqualTo(7);
        }
    }

    /** A task above the message limit is refused at submit. */
    @Test
    void oversizedTaskIsRefusedAtSubmit() throws Exception {
        try (ProcessPool p = pool(1).maxMessageBytes(4096).build()) {
            byte[] big = new byte[8192];
            assertThatThrownBy(() -> p.submit(() -> big.length))
                    .isInstanceOf(TaskNotSerializableException.class)
                    .hasMessageContaining("too large");
        }
    }

    /** A result above the message limit fails only its task; the pool goes on. */
    @Test
    void oversizedResultFailsOnlyItsTask() throws Exception {
        try (ProcessPool p = pool(1).maxMessageBytes(4096).build()) {
            Future<byte[]> bigResult = p.submit(() -> new byte[8192]);
            assertThatThrownBy(() -> bigResult.get(30, SECONDS)).cause()
                    .isInstanceOf(UnreadableResultException.class)
                    .hasMessageContaining("larger than the limit of 4,096 bytes");
            assertThat(p.submit(() -> "small").get(30, SECONDS)).isEqualTo("small");
        }
    }

    /** A task's exception keeps its type, its message and the worker's stack trace. */
    @Test
    void taskExceptionKeepsItsTypeAndMessage() throws Exception {
        ProcessPool p = shared;
        Future<Object> f = p.submit(new Failing("no such item"));
        assertThatThrownBy(() -> f.get(30, SECONDS)).isInstanceOf(ExecutionException.class);
        Throwable cause = causeOf(f);
        assertThat(cause).isInstanceOf(ItemException.class).hasMessage("no such item");
        assertThat(cause.getStackTrace()).extracting(StackTraceElement::getClassName)
                .contains(Failing.class.getName(), ProcessPoolWorker.class.getName());

        Future<Object> g = p.submit(() -> {
            throw new IllegalStateException("bad state");
        });
        assertThat(causeOf(g)).isInstanceOf(IllegalStateException.class).hasMessage("bad state");
    }

    /** An exception that cannot travel as itself arrives as a RemoteTaskException with its type name, message and remote stack. */
    @Test
    void unserializableExceptionArrivesAsRemoteTaskException() throws Exception {
        ProcessPool p = shared;
        Future<Object> f = p.submit(() -> {
            throw new UnserializableException("holds a thread");
        });
        Throwable cause = causeOf(f);
        assertThat(cause).isInstanceOf(RemoteTaskException.class)
                .hasMessageContaining(UnserializableException.class.getName())
                .hasMessageContaining("holds a thread");
        RemoteTaskException remote = (RemoteTaskException) cause;
        assertThat(remote.remoteType()).isEqualTo(UnserializableException.class.getName());
        assertThat(remote.remoteMessage()).isEqualTo("holds a thread");
        assertThat(remote.getStackTrace()).extracting(StackTraceElement::getClassName)
                .contains(ProcessPoolWorker.class.getName());
    }

    /** map returns results in item order even when a later item finishes first. */
    @Test
    void mapKeepsItemOrder() throws Exception {
        ProcessPool p = shared;
        try (Gate first = new Gate(); Gate later = new Gate()) {
            int firstPort = first.port();
            int laterPort = later.port();
            MapResults<Integer> results = p.map((Integer k) -> {
                try {
                    Gate.arrive(k == 0 ? firstPort : laterPort);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return k * 10;
            }, List.of(0, 1, 2), Duration.ofSeconds(60));
            // Item 0 holds one worker at its gate; item 1 runs on the other and is released.
            Gate.Arrival item0 = first.awaitArrival();
            Gate.Arrival item1 = later.awaitArrival();
            later.release(item1);
            // Item 2 can only start on a free worker: item 1's, once item 1 has finished.
            Gate.Arrival item2 = later.awaitArrival();
            assertThat(item2.pid()).as("item 1 finished, freeing its worker").isEqualTo(item1.pid())
                    .isNotEqualTo(item0.pid());
            later.release(item2);
            first.release(item0);
            assertThat(results.toList()).containsExactly(0, 10, 20);
        }
    }

    /** map's timeout raises TimeoutException when a result is not ready. */
    @Test
    void mapRaisesTimeoutExceptionWhenAResultIsLate() throws Exception {
        try (ProcessPool p = pool(1).build(); Gate gate = new Gate()) {
            int port = gate.port();
            MapResults<Long> results =
                    p.map((Integer k) -> arriveAt(port), List.of(1, 2), Duration.ofMillis(200));
            gate.awaitArrival();
            assertThatThrownBy(results::next).isInstanceOf(TimeoutException.class);
        }
    }

    /** After map's timeout the items not started are cancelled: they never run, and a new task runs next. */
    @Test
    void mapTimeoutCancelsTheItemsNotStarted() throws Exception {
        try (ProcessPool p = pool(1).build(); Gate gate = new Gate()) {
            int port = gate.port();
            MapResults<Long> results =
                    p.map((Integer k) -> arriveAt(port), List.of(1, 2), Duration.ofMillis(200));
            Gate.Arrival item1 = gate.awaitArrival();
            assertThatThrownBy(results::next).isInstanceOf(TimeoutException.class);
            gate.release(item1);
            // Had item 2 not been cancelled, it would run next on the only worker and block at the gate.
            assertThat(p.submit(() -> "ran next").get(30, SECONDS)).isEqualTo("ran next");
        }
    }

    /** map raises a task's exception when its result is reached, after the results before it. */
    @Test
    void mapRaisesATaskExceptionWhenItsResultIsReached() throws Exception {
        ProcessPool p = shared;
        MapResults<Integer> results =
                p.map((Integer k) -> 12 / k, List.of(1, 0, 3), Duration.ofSeconds(30));
        assertThat(results.next()).isEqualTo(12);
        assertThatThrownBy(results::next).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ArithmeticException.class).hasMessage("/ by zero");
        assertThat(results.hasNext()).isFalse();
    }

    /** maxTasksPerWorker replaces a worker by a new process after that many tasks. */
    @Test
    void maxTasksPerWorkerReplacesTheWorker() throws Exception {
        try (ProcessPool p = pool(1).maxTasksPerWorker(2).build()) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                pids.add(p.submit(() -> ProcessHandle.current().pid()).get(30, SECONDS));
            }
            assertThat(pids.get(0)).isEqualTo(pids.get(1));
            assertThat(pids.get(2)).isEqualTo(pids.get(3)).isNotEqualTo(pids.get(0));
        }
    }

    /** The initializer runs once in each worker, before its tasks. */
    @Test
    void initializerRunsOncePerWorker() throws Exception {
        try (ProcessPool p =
                pool(1).maxTasksPerWorker(2).initializer(() -> initializerRuns++).build()) {
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                seen.add(p.submit(() -> initializerRuns).get(30, SECONDS));
            }
            assertThat(seen).containsExactly(1, 1, 1);
        }
        assertThat(initializerRuns).as("never in the parent").isZero();
    }

    /** An initializer that throws fails the task that needed the worker, saying so, instead of hanging. */
    @Test
    void failingInitializerFailsTheTaskWithTheCause() throws Exception {
        try (ProcessPool p = pool(1).initializer(() -> {
            throw new IllegalStateException("no config");
        }).build()) {
            Future<Integer> f = p.submit(() -> 1);
            assertThatThrownBy(() -> f.get(30, SECONDS)).cause()
                    .hasMessageContaining("the initializer failed in worker pid")
                    .cause().isInstanceOf(IllegalStateException.class).hasMessage("no config");
        }
    }

    /** A worker JVM that cannot start fails the task with its exit code and last output, instead of hanging. */
    @Test
    void workerThatCannotStartFailsTheTask() throws Exception {
        try (ProcessPool p =
                ProcessPool.builder().workers(1).jvmOptions("-XX:+NoSuchOption").build()) {
            Future<Integer> f = p.submit(() -> 1);
            assertThatThrownBy(() -> f.get(30, SECONDS)).cause()
                    .hasMessageContaining("failed to start")
                    .hasMessageContaining("exited with code 1")
                    .hasMessageContaining("Could not create the Java Virtual Machine");
        }
    }

    /** What a task prints goes to the pool's output sink, prefixed with the worker, and never breaks the channel. */
    @Test
    void workerOutputDoesNotBreakTheChannel() throws Exception {
        WorkerLines output = new WorkerLines();
        try (ProcessPool p = pool(1).workerOutput(output).build()) {
            Future<Long> noisy = p.submit(() -> {
                // Bytes that look like a frame, on both streams, then a marker line.
                System.out.print("LOOM\0\0\0\4junk");
                System.out.write(new byte[] {0x4C, 0x4F, 0x4F, 0x4D, 0, 0, 0, 1, 0, '\n'});
                for (int i = 0; i < 1000; i++) {
                    System.err.println("noise " + i);
                }
                System.out.println("marker");
                return ProcessHandle.current().pid();
            });
            long pid = noisy.get(30, SECONDS);
            assertThat(p.submit(() -> "still fine").get(30, SECONDS)).isEqualTo("still fine");
            assertThat(output.awaitMarker()).isTrue();
            assertThat(output.lines).contains("[worker pid " + pid + "] noise 999",
                    "[worker pid " + pid + "] marker");
        }
    }

    /** The JDK's "Runtime.exit(N) logging failed" line (a worker killed during start-up) is dropped, other lines pass. */
    @Test
    void jdkExitLoggingNoiseIsNotForwarded() throws Exception {
        WorkerLines output = new WorkerLines();
        try (ProcessPool p = pool(1).workerOutput(output).build()) {
            long pid = p.submit(() -> {
                System.err.println("Runtime.exit(143) logging failed: Cannot invoke"
                        + " \"java.lang.Module.getClassLoader()\" because \"m\" is null");
                System.err.println("Runtime.exit is fine to mention in a normal line");
                System.err.println("marker");
                return ProcessHandle.current().pid();
            }).get(30, SECONDS);
            assertThat(output.awaitMarker()).isTrue();
            assertThat(output.lines).containsExactly(
                    "[worker pid " + pid + "] Runtime.exit is fine to mention in a normal line",
                    "[worker pid " + pid + "] marker");
        }
    }

    /** The worker lines a pool forwards, and a wait for the one that ends with "marker". */
    private static final class WorkerLines implements Consumer<String> {
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final CountDownLatch sawMarker = new CountDownLatch(1);

        @Override
        public void accept(String line) {
            lines.add(line);
            if (line.endsWith("marker")) {
                sawMarker.countDown();
            }
        }

        boolean awaitMarker() throws InterruptedException {
            return sawMarker.await(30, SECONDS);
        }
    }

    /** The worker count must be from 1 to MAX_WORKERS; the builder refuses anything else before starting a JVM. */
    @Test
    void workerCountIsBounded() {
        assertThatThrownBy(() -> ProcessPool.builder().workers(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and " + ProcessPool.MAX_WORKERS);
        assertThatThrownBy(() -> ProcessPool.builder().workers(ProcessPool.MAX_WORKERS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 1025");
        assertThat(ProcessPool.builder().workers(ProcessPool.MAX_WORKERS)).isNotNull();
    }

    /** cancel(true) on a running task kills its worker, which is replaced. */
    @Test
    void cancellingARunningTaskReplacesItsWorker() throws Exception {
        try (ProcessPool p = pool(1).build(); Gate gate = new Gate()) {
            int port = gate.port();
            Future<Long> running = p.submit(() -> Gate.arrive(port));
            long pid = gate.awaitArrival().pid();
            assertThat(running.cancel(true)).isTrue();
            Optional<ProcessHandle> worker = ProcessHandle.of(pid);
            if (worker.isPresent()) {
                assertThat(worker.get().onExit().get(30, SECONDS).isAlive()).as("worker " + pid)
                        .isFalse();
            }
            assertThat(p.submit(() -> ProcessHandle.current().pid()).get(30, SECONDS))
                    .isNotEqualTo(pid);
        }
    }

    /** Task side: arrive at the gate on {@code port}, wrapping the IOException for a TaskFunction. */
    static long arriveAt(int port) {
        try {
            return Gate.arrive(port);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Throwable causeOf(Future<?> f) throws Exception {
        try {
            f.get(30, SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the task did not fail");
    }

    record Greeting(String name) implements Callable<String>, Serializable {
        @Override
        public String call() {
            return "hello " + name;
        }
    }

    static final class ItemException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ItemException(String message) {
            super(message);
        }
    }

    record Failing(String message) implements ProcessPool.Task<Object> {
        @Override
        public Object call() {
            throw new ItemException(message);
        }
    }

    /** An exception that cannot be serialized: it holds a thread. */
    static final class UnserializableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("unused")
        private final Object thread = Thread.currentThread();

        UnserializableException(String message) {
            super(message);
        }
    }
}
