package dev.loomcookbook.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.MemberLeftException;
import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.testing.CliRun;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What needs running members, on one cluster of three members inside the test JVM (fast: no JVM
 * start-ups), shared by the tests: {@link ClusterMap}, the demo joined with {@code --members},
 * and where members listen. Each test leaves the cluster as it found it: three members that run
 * tasks and the lite member that sends them.
 */
class InJvmClusterTest {

    private static final long ITERATIONS = 1_000;
    private static InJvmCluster cluster;

    @BeforeAll
    static void startCluster() throws InterruptedException {
        CpuWork.count(1, 1); // load the kernel's class before any member thread needs it
        cluster = InJvmCluster.start(3, 2);
    }

    /**
     * Shutting the cluster down leaves no Hazelcast instance and, within the leak check's grace,
     * no thread named after one (the leak check then proves it for the whole class).
     */
    @AfterAll
    static void stopCluster() throws InterruptedException {
        List<String> names =
                new ArrayList<>(cluster.members.stream().map(m -> m.getName()).toList());
        names.add(cluster.lite.getName());
        assertThat(threadsOf(names)).isNotEmpty();
        cluster.close();
        assertThat(Hazelcast.getAllHazelcastInstances()).isEmpty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!threadsOf(names).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(threadsOf(names)).as("threads of the shut-down instances").isEmpty();
    }

    /** The live threads named after one of the instances: hz.NAME.* or NAME-*. */
    private static List<String> threadsOf(List<String> instances) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(t -> instances.stream()
                        .anyMatch(i -> t.startsWith("hz." + i + ".") || t.startsWith(i + "-")))
                .toList();
    }

    @AfterEach
    void forgetStarts() {
        CountTask.clearOnStart();
    }

    // ---- ClusterMap ---------------------------------------------------------------------------

    /** With three members, each one runs at least one task (each result names its member). */
    @Test
    void tasksSpreadOverEveryMember() throws Exception {
        List<ClusterMap.Outcome<TaskRun>> outcomes = map(countTasks(9));
        Set<UUID> ranOn = outcomes.stream().map(o -> o.result().member())
                .collect(Collectors.toSet());
        assertThat(ranOn).containsExactlyInAnyOrderElementsOf(
                cluster.members.stream().map(InJvmCluster::uuid).toList());
        assertThat(outcomes).noneMatch(ClusterMap.Outcome::retried);
    }

    /** Results come back in the order the tasks were given, with each one's correct result. */
    @Test
    void resultsComeBackInSubmissionOrder() throws Exception {
        List<ClusterMap.Outcome<TaskRun>> outcomes = map(countTasks(7));
        assertThat(outcomes).extracting(ClusterMap.Outcome::index)
                .containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(outcomes).extracting(o -> o.result().item())
                .containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(outcomes).extracting(o -> o.result().result()).containsExactly(
                IntStream.rangeClosed(1, 7).mapToObj(k -> ITERATIONS * k).toArray(Long[]::new));
    }

    /** The first task finishes last (it waits for the last one): its result still comes first. */
    @Test
    void orderHoldsWhenAnEarlierTaskFinishesLast() throws Exception {
        WaitForLast.lastDone = new CountDownLatch(1);
        List<Callable<Integer>> tasks = List.of(
                new WaitForLast(0, false), new WaitForLast(1, false), new WaitForLast(2, true));
        List<ClusterMap.Outcome<Integer>> outcomes = map(tasks);
        assertThat(outcomes).extracting(ClusterMap.Outcome::result).containsExactly(0, 1, 2);
    }

    /** A task that throws fails with its own exception as the cause and is not run again. */
    @Test
    void aFailingTaskIsNotRetried() {
        Thrower.runs.set(0);
        assertThatThrownBy(() -> map(List.of(new Thrower())))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("bad item");
        assertThat(Thrower.runs.get()).isEqualTo(1);
    }

    /**
     * A member lost mid-task: its tasks fail with MemberLeftException, each is sent again to a
     * survivor, and every item's result arrives exactly once. (A fourth member joins for this
     * test and is the one lost; its tasks wait in flight until it is gone.)
     */
    @Test
    void aLostMembersTasksAreRunAgainOnTheSurvivors() throws Exception {
        int tasks = 8;
        // As many task threads as tasks: every task sent to the victim starts there.
        HazelcastInstance victim = cluster.addMember(tasks);
        UUID victimId = InJvmCluster.uuid(victim);
        Set<Integer> startedOnVictim = ConcurrentHashMap.newKeySet();
        CountDownLatch release = new CountDownLatch(1);
        CountTask.onStart((item, member) -> {
            if (member.equals(victimId)) {
                startedOnVictim.add(item - 1);
                awaitQuietly(release);
            }
        });
        Map<Integer, Throwable> lost = new ConcurrentHashMap<>();
        Map<Integer, UUID> lostWith = new ConcurrentHashMap<>();
        Set<Integer> sentToVictim = ConcurrentHashMap.newKeySet();
        AtomicInteger firstSends = new AtomicInteger();
        ClusterMap.Listener<TaskRun> listener = new ClusterMap.Listener<>() {
            @Override
            public void sent(int index, Member member, int attempt) {
                if (member.getUuid().equals(victimId)) {
                    sentToVictim.add(index);
                }
                if (attempt == 1) {
                    firstSends.incrementAndGet();
                }
            }

            @Override
            public void lost(int index, Member member, Throwable cause) {
                lost.put(index, cause);
                lostWith.put(index, member.getUuid());
            }
        };
        ClusterMap<TaskRun> map =
                new ClusterMap<>(cluster.lite, ClusterMap.DEFAULT_MAX_ATTEMPTS, listener);
        try (ExecutorService caller = Executors.newSingleThreadExecutor()) {
            Future<List<ClusterMap.Outcome<TaskRun>>> batch =
                    caller.submit(() -> map.map(countTasks(tasks)));
            // The crash comes once every task was sent and those sent to the victim started
            // there: a send still under way when it comes would meet a member that is leaving.
            InJvmCluster.await("every task sent, and each one sent to the victim started there",
                    () -> firstSends.get() == tasks && !sentToVictim.isEmpty()
                            && startedOnVictim.containsAll(sentToVictim));
            cluster.crash(victim);
            List<ClusterMap.Outcome<TaskRun>> outcomes = batch.get(60, TimeUnit.SECONDS);
            release.countDown();

            assertThat(outcomes).extracting(o -> o.result().item())
                    .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(outcomes)
                    .allMatch(o -> o.result().result() == ITERATIONS * o.result().item())
                    .allMatch(o -> !o.result().member().equals(victimId));
            List<Integer> retried = outcomes.stream().filter(ClusterMap.Outcome::retried)
                    .map(ClusterMap.Outcome::index).toList();
            // Which tasks the victim gets depends on how fast the others finish: at least one.
            assertThat(retried).as("exactly the tasks sent to the victim").isNotEmpty()
                    .containsExactlyInAnyOrderElementsOf(sentToVictim)
                    .containsExactlyInAnyOrderElementsOf(lost.keySet());
            assertThat(lost.values()).allMatch(t -> t instanceof MemberLeftException);
            assertThat(lostWith.values()).containsOnly(victimId);
            assertThat(outcomes).filteredOn(ClusterMap.Outcome::retried)
                    .allMatch(o -> o.members().size() == 2)
                    .allMatch(o -> o.members().getFirst().getUuid().equals(victimId));
        } finally {
            release.countDown();
        }
    }

    // ---- The demo, joined to running members as to members on other machines -----------------

    /** The demo runs every item on the members it was pointed at, each result once. */
    @Test
    void theDemoJoinsTheMembersGivenByAddress() {
        // The members share this JVM: each task waits until all six have started, so that none
        // finishes before the demo has sent the last. The demo sends each task to the member with
        // the fewest outstanding, so each member then gets two.
        CountDownLatch allStarted = new CountDownLatch(6);
        CountTask.onStart((item, member) -> {
            allStarted.countDown();
            awaitQuietly(allStarted);
        });
        String members = MemberAddress.join(cluster.addresses);
        CliRun run = CliRun.of(new ClusterDemo(), "--members", members, "--cluster-name",
                cluster.name, "--items", "6", "--iterations", "100000");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("== The Hazelcast cluster " + cluster.name)
                .contains("All 6 items: exactly one result each, all correct.")
                .contains("new ProcessPool(3)");
        for (int k = 1; k <= 6; k++) {
            assertThat(run.out()).containsOnlyOnce("Item " + k + ", result " + 100_000L * k + " ");
        }
        for (MemberAddress a : cluster.addresses) {
            // Each member's row in the table: label, address, pid, 2 results.
            assertThat(run.out())
                    .containsPattern("(?m)^ +\\d+ +" + Pattern.quote(a.toString()) + " +\\d+ +2 ");
        }
        ClusterDemoTest.assertFitsIn100Columns(run.out());
    }

    /** A wrong cluster name finds no member: a one-line error, not a hang or a stack trace. */
    @Test
    void aWrongClusterNameIsAClearError() {
        String members = MemberAddress.join(cluster.addresses);
        CliRun run = CliRun.of(new ClusterDemo(), "--members", members, "--cluster-name",
                "not-" + cluster.name, "--items", "2", "--iterations", "10");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().findFirst().orElseThrow()).startsWith("error: ")
                .contains("not-" + cluster.name);
        assertThat(run.err()).doesNotContain("\tat ", "Exception");
    }

    // ---- Where members listen ------------------------------------------------------------------

    /**
     * A member configured by ClusterConfig listens on 127.0.0.1 only, not on every interface: its
     * listening socket, in /proc/net/tcp or tcp6 (a dual-stack socket), has a loopback address.
     */
    @Test
    void membersListenOnLoopbackOnly() throws Exception {
        Path tcp = Path.of("/proc/net/tcp");
        Path tcp6 = Path.of("/proc/net/tcp6");
        Assumptions.assumeTrue(Files.isReadable(tcp), "needs Linux's /proc/net/tcp");
        List<String> lines = new ArrayList<>(Files.readAllLines(tcp));
        if (Files.isReadable(tcp6)) {
            lines.addAll(Files.readAllLines(tcp6));
        }
        for (MemberAddress a : cluster.addresses) {
            String port = String.format(":%04X", a.port());
            List<String> listening = lines.stream().map(l -> l.trim().split("\\s+"))
                    .filter(f -> f.length > 3 && f[3].equals("0A") && f[1].endsWith(port))
                    .map(f -> f[1]).toList();
            assertThat(listening).as("listening sockets on " + a).isNotEmpty()
                    .allMatch(local -> local.equals("0100007F" + port)
                            || local.equals("0000000000000000FFFF00000100007F" + port));
        }
    }

    // ---- Helpers -------------------------------------------------------------------------------

    private static <R> List<ClusterMap.Outcome<R>> map(List<? extends Callable<R>> tasks)
            throws InterruptedException, ExecutionException {
        return new ClusterMap<R>(cluster.lite).map(tasks);
    }

    private static List<CountTask> countTasks(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(k -> new CountTask(k, ITERATIONS)).toList();
    }

    /** Waits (at most a minute, so that nothing can hang) without throwing. */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns its index; all but the last wait until the last one ran (members share this JVM). */
    record WaitForLast(int index, boolean last) implements Callable<Integer>, Serializable {
        static volatile CountDownLatch lastDone;

        @Override
        public Integer call() throws InterruptedException {
            if (last) {
                lastDone.countDown();
            } else if (!lastDone.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the last task never ran");
            }
            return index;
        }
    }

    /** Always throws; counts its runs. */
    record Thrower() implements Callable<Long>, Serializable {
        static final AtomicInteger runs = new AtomicInteger();

        @Override
        public Long call() {
            runs.incrementAndGet();
            throw new IllegalStateException("bad item");
        }
    }
}
