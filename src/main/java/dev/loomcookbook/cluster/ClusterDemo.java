package dev.loomcookbook.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.PositiveInt;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import dev.loomcookbook.pooling.ProcessPool;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Beyond one machine: the pooling workload through a Hazelcast cluster's {@code IExecutorService},
 * as a Python user moves from {@code ProcessPoolExecutor} to Dask's {@code distributed.Client}.
 * It starts member JVMs on 127.0.0.1 (or joins the members of {@code --members}), joins them as a
 * lite member, sends each item's {@code count(k)} to a member ({@link ClusterMap}), then runs the
 * same items on a local platform pool and on a {@link ProcessPool} for comparison.
 * {@code --kill-member} kills a member with SIGKILL as soon as it starts a task: its tasks fail
 * with {@code MemberLeftException}, run again on the survivors, and every result arrives once.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Beyond one machine: the pooling workload on a Hazelcast cluster (Dask's Client.submit).",
            "Starts member JVMs on 127.0.0.1 (or joins --members) and sends count(k) for each item to them;",
            "then the same on a platform pool and a ProcessPool. --kill-member: a member dies mid-batch."
        })
public final class ClusterDemo implements Demo {

    static final int MAX_MEMBERS = 8;
    static final int MAX_ITEMS = 1_000;
    static final long MAX_ITERATIONS = 10_000_000_000L;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--local-members", converter = PositiveInt.class, paramLabel = "N",
            description = "Member JVMs to start on 127.0.0.1, N <= " + MAX_MEMBERS + " (default: 3).")
    Integer localMembers;

    @Option(names = "--members", split = ",", converter = MemberAddress.Converter.class, paramLabel = "HOST:PORT",
            description = "Join the running members at these addresses instead of starting any (with --cluster-name).")
    List<MemberAddress> members = new ArrayList<>();

    @Option(names = "--cluster-name", paramLabel = "NAME",
            description = "The name of the cluster of --members (each member prints it when it starts).")
    String clusterName;

    @Option(names = "--address", converter = MemberAddress.Converter.class, paramLabel = "HOST:PORT",
            description = "This JVM's address in the cluster (default: 127.0.0.1 and a free port); with"
                    + " members on other machines, one of this machine's addresses that they can reach.")
    MemberAddress address;

    @Option(names = "--items", converter = PositiveInt.class, defaultValue = "10", paramLabel = "N",
            description = "Items 1..N, N <= " + MAX_ITEMS + " (default: ${DEFAULT-VALUE}, as in the book).")
    int items;

    @Option(names = "--iterations", defaultValue = "10000000", paramLabel = "N",
            description = "Steps of work per item, 1 to 10,000,000,000 (default: ${DEFAULT-VALUE}, the book's).")
    long iterations;

    @Option(names = "--threads", converter = PositiveInt.class, paramLabel = "N",
            description = "Task threads per started member (default: cores / members, at least 1).")
    Integer threads;

    @Option(names = "--kill-member",
            description = "Kill the last member (SIGKILL) when it starts its first task; its tasks run again elsewhere.")
    boolean killMember;

    @Override
    public String pythonConcept() {
        return "dask.distributed Client.submit / gather";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--local-members", "2", "--kill-member", "--iterations", "50000000");
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new ClusterDemo(), args));
    }

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf("Items 1..%d, each count(k) = %,d steps of work returning %,d x k.%n",
                items, iterations, iterations);
        out.printf("%d cores on this machine.%n%n", cores);
        CpuWork.count(1, Math.min(iterations, 2_000_000)); // this JVM's JIT, for the local runs below

        LocalCluster local = null;
        HazelcastInstance lite = null;
        try {
            String name;
            List<MemberAddress> addresses;
            int expected;
            if (members.isEmpty()) {
                int n = localMembers == null ? 3 : localMembers;
                int perMember = threads != null ? threads : Math.max(1, cores / n);
                out.printf("== A Hazelcast cluster of %d member JVMs on 127.0.0.1, %d task thread%s each%n", n,
                        perMember, perMember == 1 ? "" : "s");
                printConcept(out, n);
                out.printf("   starting %d member JVMs ...%n", n);
                out.flush();
                long start = System.nanoTime();
                try {
                    local = LocalCluster.start(n, perMember);
                } catch (java.io.IOException e) {
                    return failure(e.getMessage());
                }
                out.printf("   started in %s, cluster %s%n", Timing.format(Timing.since(start)), local.clusterName());
                name = local.clusterName();
                addresses = local.addresses();
                expected = n;
            } else {
                out.printf("== The Hazelcast cluster %s%n   at %s%n", clusterName, joined(members));
                printConcept(out, members.size());
                name = clusterName;
                addresses = members;
                expected = 1;
            }
            long joinStart = System.nanoTime();
            try {
                lite = LiteMember.join(name, addresses, address, expected, JOIN_TIMEOUT);
            } catch (IllegalStateException e) {
                return failure(e.getMessage());
            }
            out.printf("   this JVM joined as a lite member (no data, no tasks) at %s in %s%n",
                    lite.getCluster().getLocalMember().getAddress(), Timing.format(Timing.since(joinStart)));
            List<Member> dataMembers = dataMembers(lite);
            for (int i = 0; i < dataMembers.size(); i++) {
                Member m = dataMembers.get(i);
                String pid = local == null ? "" : local.member(m.getUuid()).map(j -> "  pid " + j.pid()).orElse("");
                out.printf("   member %d  %-15s%s%s%n", i + 1, m.getAddress().getHost() + ":" + m.getAddress().getPort(),
                        pid, i == 0 ? "  (the oldest: the cluster's master)" : "");
            }
            out.println();
            out.flush();
            return runAll(out, local, lite, cores);
        } finally {
            if (lite != null) {
                lite.shutdown();
            }
            if (local != null) {
                local.close();
            }
        }
    }

    /** A failure that is not a bug: one line on stderr, exit code 1. */
    private int failure(String message) {
        spec.commandLine().getErr().println("error: " + message);
        spec.commandLine().getErr().flush();
        return 1;
    }

    private void checkOptions() {
        CommandLine cl = spec.commandLine();
        if (!members.isEmpty()) {
            if (localMembers != null || threads != null || killMember) {
                throw new CommandLine.ParameterException(cl, "--members joins running members: drop "
                        + (localMembers != null ? "--local-members" : threads != null ? "--threads" : "--kill-member")
                        + " (it is for the members this demo starts)");
            }
            if (clusterName == null || clusterName.isBlank()) {
                throw new CommandLine.ParameterException(cl, "--members needs --cluster-name (each member prints it)");
            }
            try {
                MemberAddress.distinct(members);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--members: " + e.getMessage());
            }
        } else if (clusterName != null) {
            throw new CommandLine.ParameterException(cl,
                    "--cluster-name is for --members: a started cluster gets a name new to each run");
        }
        if (localMembers != null && localMembers > MAX_MEMBERS) {
            throw new CommandLine.ParameterException(cl, String.format(Locale.ROOT,
                    "--local-members must be at most %d (each is a JVM), but was %d", MAX_MEMBERS, localMembers));
        }
        if (items > MAX_ITEMS) {
            throw new CommandLine.ParameterException(cl, String.format(Locale.ROOT,
                    "--items must be at most %,d, but was %,d", MAX_ITEMS, items));
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new CommandLine.ParameterException(cl, String.format(Locale.ROOT,
                    "--iterations must be between 1 and %,d, but was %,d", MAX_ITERATIONS, iterations));
        }
        int n = localMembers == null ? 3 : localMembers;
        if (killMember && n < 2) {
            throw new CommandLine.ParameterException(cl, "--kill-member needs at least 2 members: one to die, one to survive");
        }
        if (killMember && items < n) {
            throw new CommandLine.ParameterException(cl, "--kill-member needs at least as many items as members ("
                    + n + "), so that the one killed has a task");
        }
    }

    private static void printConcept(PrintWriter out, int n) {
        out.println("   Java:   new ClusterMap<>(hz).map(tasks)  // submitToMember; resent if a member leaves");
        out.printf("   Python: client = Client(LocalCluster(n_workers=%d)); client.gather(client.map(count, items))%n", n);
    }

    private static String joined(List<MemberAddress> addresses) {
        return String.join(",", addresses.stream().map(MemberAddress::toString).toList());
    }

    /** One item as the cluster ran it, for the tables. */
    private record Row(int item, TaskRun run, List<Member> members, long nanos) {}

    private int runAll(PrintWriter out, LocalCluster local, HazelcastInstance lite, int cores) throws Exception {
        Map<UUID, String> labels = memberLabels(lite);
        Map<Integer, UUID> heldBy = new ConcurrentHashMap<>();
        Map<UUID, Set<Integer>> lostBy = new ConcurrentHashMap<>();
        AtomicBoolean killed = new AtomicBoolean();
        // The youngest member: killing the master would add a new master's election to the story.
        LocalCluster.MemberJvm victim = killMember
                ? local.member(dataMembers(lite).getLast().getUuid()).orElseThrow() : null;
        Object printing = new Object();
        if (victim != null) {
            local.onTaskStart((member, item) -> {
                if (member.equals(victim) && killed.compareAndSet(false, true)) {
                    List<Integer> held = heldBy.entrySet().stream().filter(e -> e.getValue().equals(victim.uuid()))
                            .map(Map.Entry::getKey).sorted().toList();
                    synchronized (printing) {
                        out.printf("   killing member %s (pid %d) with SIGKILL: it started item %d; it holds items %s%n",
                                labels.get(victim.uuid()), victim.pid(), item, itemList(held));
                        out.flush();
                    }
                    try {
                        local.kill(victim);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
        ClusterMap.Listener<TaskRun> listener = new ClusterMap.Listener<>() {
            @Override
            public void sent(int index, Member member, int attempt) {
                heldBy.put(index + 1, member.getUuid());
                if (attempt > 1) {
                    synchronized (printing) {
                        out.printf("   item %d sent again, to member %s (attempt %d)%n", index + 1,
                                labels.get(member.getUuid()), attempt);
                        out.flush();
                    }
                }
            }

            @Override
            public void lost(int index, Member member, Throwable cause) {
                lostBy.computeIfAbsent(member.getUuid(), u -> ConcurrentHashMap.newKeySet()).add(index + 1);
                synchronized (printing) {
                    out.printf("   item %d lost with member %s: %s%n", index + 1, labels.get(member.getUuid()),
                            cause.getClass().getSimpleName());
                    out.flush();
                }
            }

            @Override
            public void completed(int index, Member member, TaskRun result) {
                heldBy.remove(index + 1);
                synchronized (printing) {
                    out.printf("Item %d, result %d   (member %s, %s)%n", index + 1, result.result(),
                            labels.get(member.getUuid()), Timing.format(result.computeNanos()));
                    out.flush();
                }
            }
        };
        List<CountTask> tasks = IntStream.rangeClosed(1, items).mapToObj(k -> new CountTask(k, iterations)).toList();
        long start = System.nanoTime();
        List<ClusterMap.Outcome<TaskRun>> outcomes = new ClusterMap<>(lite, ClusterMap.DEFAULT_MAX_ATTEMPTS, listener)
                .map(tasks);
        long clusterNanos = Timing.since(start);
        out.printf("   time: %s%n%n", Timing.format(clusterNanos));

        List<Row> rows = outcomes.stream()
                .map(o -> new Row(o.index() + 1, o.result(), o.members(), o.nanos())).toList();
        printMembers(out, local, lite, labels, rows, lostBy, victim);
        printTasks(out, labels, rows);
        List<Row> retried = rows.stream().filter(r -> r.members().size() > 1).toList();
        if (killMember) {
            if (retried.isEmpty()) {
                out.println("The killed member had finished its tasks before the kill landed: nothing to run again"
                        + " (raise --iterations).");
            } else {
                out.println("Retried (their member left the cluster mid-task; Dask reschedules a lost worker's tasks):");
                for (Row r : retried) {
                    out.printf("  item %d: %s%n", r.item(), String.join(" -> ", r.members().stream()
                            .map(m -> "member " + labels.get(m.getUuid())).toList()));
                }
            }
            out.println();
        }

        long[] poolRun = platformPool(cores);
        int workers = local != null ? local.members().size() : (int) Math.min(MAX_MEMBERS, LiteMember.dataMembers(lite));
        long[] processRun = processPool(out, workers);
        int dataMembers = (int) LiteMember.dataMembers(lite) + (victim != null && killed.get() ? 1 : 0);
        out.printf("== Summary (%d items x %,d steps, %d cores)%n", items, iterations, cores);
        Table summary = new Table("where", "Java", "batch time", "time / platform pool's");
        summary.row("cluster", "ClusterMap over " + dataMembers + " members" + (killed.get() ? " (1 killed)" : ""),
                Timing.format(clusterNanos), ratio(clusterNanos, poolRun[0]));
        summary.row("threads", "Executors.newFixedThreadPool(" + cores + ")", Timing.format(poolRun[0]), "1.00x");
        summary.row("processes", "new ProcessPool(" + workers + ")", Timing.format(processRun[0]),
                ratio(processRun[0], poolRun[0]));
        summary.print(out);
        out.printf("  (batch times only: the members were started before, the ProcessPool's %d JVMs in %s)%n",
                workers, Timing.format(processRun[1]));
        out.println();
        out.println("What it shows: on one machine a cluster only costs: every task and result is serialized and");
        out.println("crosses the network stack, and each member JVM has its own cold JIT, on the same cores. It buys");
        out.println("what one machine cannot give: members on other machines add their cores (--members), and a");
        out.println("member lost mid-batch costs only its tasks' rerun (--kill-member), as with Dask.");

        List<String> wrong = check(rows);
        if (!wrong.isEmpty()) {
            return failure(String.join("; ", wrong));
        }
        out.printf("All %d items: exactly one result each, all correct%s.%n", items, retried.isEmpty() ? ""
                : " (" + retried.size() + " ran again after their member left)");
        out.flush();
        return 0;
    }

    /** What is wrong with the results: a missing, repeated or incorrect one. */
    private List<String> check(List<Row> rows) {
        List<String> wrong = new ArrayList<>();
        if (rows.size() != items) {
            wrong.add(rows.size() + " results for " + items + " items");
        }
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.item() != i + 1 || r.run().item() != i + 1) {
                wrong.add("result " + (i + 1) + " is for item " + r.run().item());
            } else if (r.run().result() != iterations * r.item()) {
                wrong.add("item " + r.item() + " returned " + r.run().result());
            }
        }
        return wrong;
    }

    /** The members that run tasks, oldest first (the order of the cluster's member list). */
    private static List<Member> dataMembers(HazelcastInstance lite) {
        return lite.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).toList();
    }

    /** "1", "2", ...: each member's place in the cluster's member list, oldest first. */
    private static Map<UUID, String> memberLabels(HazelcastInstance lite) {
        Map<UUID, String> labels = new ConcurrentHashMap<>();
        List<Member> members = dataMembers(lite);
        for (int i = 0; i < members.size(); i++) {
            labels.put(members.get(i).getUuid(), String.valueOf(i + 1));
        }
        return labels;
    }

    private void printMembers(PrintWriter out, LocalCluster local, HazelcastInstance lite, Map<UUID, String> labels,
            List<Row> rows, Map<UUID, Set<Integer>> lostBy, LocalCluster.MemberJvm victim) {
        out.println("== Per member");
        Table table = new Table("member", "address", "pid", "results", "items", "lost when it left");
        Map<UUID, String> addresses = new LinkedHashMap<>();
        for (Member m : dataMembers(lite)) {
            addresses.put(m.getUuid(), m.getAddress().getHost() + ":" + m.getAddress().getPort());
        }
        if (victim != null && !addresses.containsKey(victim.uuid())) {
            addresses.put(victim.uuid(), victim.address().toString()); // it left the member list
        }
        for (Map.Entry<UUID, String> e : addresses.entrySet()) {
            List<Integer> ran = rows.stream().filter(r -> r.run().member().equals(e.getKey())).map(Row::item).toList();
            long pid = rows.stream().filter(r -> r.run().member().equals(e.getKey())).mapToLong(r -> r.run().pid())
                    .findFirst().orElse(local == null ? -1 : local.member(e.getKey()).orElseThrow().pid());
            Set<Integer> lost = lostBy.getOrDefault(e.getKey(), Set.of());
            String label = labels.getOrDefault(e.getKey(), "?")
                    + (victim != null && victim.uuid().equals(e.getKey()) ? " (killed)" : "");
            table.row(label, e.getValue(), pid < 0 ? "-" : String.valueOf(pid), ran.size(), itemList(ran),
                    lost.isEmpty() ? "-" : itemList(lost.stream().sorted().toList()));
        }
        table.print(out);
        out.println();
    }

    private static void printTasks(PrintWriter out, Map<UUID, String> labels, List<Row> rows) {
        out.println("== Per task (compute: count(k) on the member; round trip: from first send to result)");
        Table table = new Table("item", "member", "sends", "compute", "round trip");
        for (Row r : rows) {
            table.row(r.item(), labels.getOrDefault(r.run().member(), "?"), r.members().size(),
                    Timing.format(r.run().computeNanos()), Timing.format(r.nanos()));
        }
        table.print(out);
        out.println();
    }

    private static String itemList(List<Integer> items) {
        if (items.isEmpty()) {
            return "-";
        }
        String all = String.join(", ", items.stream().map(String::valueOf).toList());
        return all.length() <= 40 ? all : all.substring(0, all.lastIndexOf(',', 37)) + ", ...";
    }

    private static String ratio(long nanos, long baseline) {
        return String.format(Locale.ROOT, "%.2fx", (double) nanos / Math.max(1, baseline));
    }

    /** The items on a fixed pool of one platform thread per core: {time}. */
    private long[] platformPool(int cores) throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(cores)) {
            long start = System.nanoTime();
            List<Future<Long>> futures = new ArrayList<>();
            for (int k = 1; k <= items; k++) {
                long item = k;
                futures.add(pool.submit(() -> CpuWork.count(item, iterations)));
            }
            for (int k = 1; k <= items; k++) {
                checkLocal("threads", k, futures.get(k - 1).get());
            }
            return new long[] {Timing.since(start)};
        }
    }

    /** The items on a ProcessPool of {@code workers} JVMs: {batch time, start-up time}. */
    private long[] processPool(PrintWriter out, int workers) throws InterruptedException, ExecutionException {
        out.printf("   (for the summary: the same items on a platform pool and on a ProcessPool of %d JVMs ...)%n%n",
                workers);
        out.flush();
        long start = System.nanoTime();
        try (ProcessPool pool = new ProcessPool(workers)) {
            pool.awaitWorkersStarted();
            long startUp = Timing.since(start);
            long batchStart = System.nanoTime();
            List<Future<Long>> futures = new ArrayList<>();
            for (int k = 1; k <= items; k++) {
                long item = k;
                long n = iterations;
                futures.add(pool.submit((ProcessPool.Task<Long>) () -> CpuWork.count(item, n)));
            }
            for (int k = 1; k <= items; k++) {
                checkLocal("processes", k, futures.get(k - 1).get());
            }
            return new long[] {Timing.since(batchStart), startUp};
        }
    }

    private void checkLocal(String where, int k, long result) {
        if (result != iterations * k) {
            throw new IllegalStateException(where + ": item " + k + " returned " + result);
        }
    }
}
