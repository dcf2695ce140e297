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
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Beyond one machine: the pooling workload through a Hazelcast cluster's
 * {@code IExecutorService}, as a Python user moves from {@code ProcessPoolExecutor} to Dask's
 * {@code distributed.Client}. It starts member JVMs on 127.0.0.1 (or joins the members of
 * {@code --members}), joins them as a lite member, sends each item's {@code count(k)} to a member
 * ({@link ClusterMap}), then runs the same items on a local platform pool and on a
 * {@link ProcessPool} for comparison. {@code --kill-member} kills a member with SIGKILL as soon as
 * it starts a task: its tasks fail with {@code MemberLeftException}, run again on the survivors,
 * and every result arrives once.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Beyond one machine: the pooling workload on a Hazelcast cluster (Dask's Client).",
            "Starts member JVMs on 127.0.0.1 (or joins --members), sends them count(k) for",
            "each item, then runs the same on a platform pool and on a ProcessPool.",
            "With --kill-member a member dies mid-batch and its items run again elsewhere."
        })
public final class ClusterDemo implements Demo {

    static final int DEFAULT_MEMBERS = 3;
    static final int MAX_MEMBERS = 8;
    static final int MAX_ITEMS = 1_000;
    static final long MAX_ITERATIONS = 10_000_000_000L;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--local-members", converter = PositiveInt.class, paramLabel = "N",
            description = "Member JVMs to start on 127.0.0.1, N <= " + MAX_MEMBERS
                    + " (default: " + DEFAULT_MEMBERS + ").")
    Integer localMembers;

    @Option(names = "--members", split = ",", converter = MemberAddress.Converter.class,
            paramLabel = "HOST:PORT",
            description = "Join running members at these addresses instead (with --cluster-name).")
    List<MemberAddress> members = new ArrayList<>();

    @Option(names = "--cluster-name", paramLabel = "NAME",
            description = "The cluster name of --members (each member prints it when it starts).")
    String clusterName;

    @Option(names = "--address", converter = MemberAddress.Converter.class,
            paramLabel = "HOST:PORT",
            description = "This JVM's address in the cluster (default: 127.0.0.1, a free port);"
                    + " with members on other machines, one of this machine's they can reach.")
    MemberAddress address;

    @Option(names = "--items", converter = PositiveInt.class, defaultValue = "10", paramLabel = "N",
            description = "Items 1..N, N <= " + MAX_ITEMS + " (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--iterations", defaultValue = "10000000", paramLabel = "N",
            description = "Steps of work per item, up to 10,000,000,000"
                    + " (default: ${DEFAULT-VALUE}).")
    long iterations;

    @Option(names = "--threads", converter = PositiveInt.class, paramLabel = "N",
            description = "Task threads per started member (default: cores / members, at least 1).")
    Integer threads;

    @Option(names = "--kill-member",
            description = "SIGKILL the youngest member when it starts its first task.")
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

    /** One item as the cluster ran it, for the tables. */
    private record Row(int item, TaskRun run, List<Member> members, long nanos) {}

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf("Items 1..%d, each count(k) = %,d steps of work returning %,d x k.%n",
                items, iterations, iterations);
        out.printf("%d cores on this machine.%n%n", cores);
        CpuWork.count(1, Math.min(iterations, 2_000_000)); // this JVM's JIT, for the local runs

        LocalCluster local = null;
        HazelcastInstance lite = null;
        try {
            String name = clusterName;
            List<MemberAddress> addresses = members;
            int expected = 1;
            if (members.isEmpty()) {
                int n = localMembers == null ? DEFAULT_MEMBERS : localMembers;
                int perMember = threads != null ? threads : Math.max(1, cores / n);
                out.printf("== A Hazelcast cluster of %d member JVMs on 127.0.0.1, %d task thread%s"
                        + " each%n", n, perMember, perMember == 1 ? "" : "s");
                printConcept(out, n);
                out.printf("   starting %d member JVMs ...%n", n);
                out.flush();
                long start = System.nanoTime();
                try {
                    local = LocalCluster.start(n, perMember);
                } catch (IOException e) {
                    return failure(e.getMessage());
                }
                out.printf("   started in %s, cluster %s%n", Timing.format(Timing.since(start)),
                        local.clusterName());
                name = local.clusterName();
                addresses = local.addresses();
                expected = n;
            } else {
                out.printf("== The Hazelcast cluster %s%n   at %s%n", clusterName,
                        MemberAddress.join(members));
                printConcept(out, members.size());
            }
            long joinStart = System.nanoTime();
            try {
                lite = LiteMember.join(name, addresses, address, expected, JOIN_TIMEOUT);
            } catch (IllegalStateException e) {
                return failure(e.getMessage());
            }
            out.printf("   this JVM joined as a lite member (no data, no tasks) at %s in %s%n",
                    lite.getCluster().getLocalMember().getAddress(),
                    Timing.format(Timing.since(joinStart)));
            printMemberList(out, local, lite);
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
        if (!members.isEmpty()) {
            String startOnly = localMembers != null ? "--local-members"
                    : threads != null ? "--threads" : killMember ? "--kill-member" : null;
            if (startOnly != null) {
                throw usage("--members joins running members: drop " + startOnly
                        + " (it is for the members this demo starts)");
            }
            if (clusterName == null || clusterName.isBlank()) {
                throw usage("--members needs --cluster-name (each member prints it)");
            }
            try {
                MemberAddress.distinct(members);
            } catch (IllegalArgumentException e) {
                throw usage("--members: " + e.getMessage());
            }
        } else if (clusterName != null) {
            throw usage("--cluster-name is for --members:"
                    + " a started cluster gets a new name each run");
        }
        int n = localMembers == null ? DEFAULT_MEMBERS : localMembers;
        if (n > MAX_MEMBERS) {
            throw usage(String.format(Locale.ROOT,
                    "--local-members must be at most %d (each is a JVM), but was %d",
                    MAX_MEMBERS, n));
        }
        if (items > MAX_ITEMS) {
            throw usage(String.format(Locale.ROOT, "--items must be at most %,d, but was %,d",
                    MAX_ITEMS, items));
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw usage(String.format(Locale.ROOT,
                    "--iterations must be between 1 and %,d, but was %,d",
                    MAX_ITERATIONS, iterations));
        }
        if (killMember && n < 2) {
            throw usage("--kill-member needs at least 2 members: one to die, one to survive");
        }
        if (killMember && items < n) {
            throw usage("--kill-member needs at least as many items as members (" + n
                    + "), so that the one killed has a task");
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static void printConcept(PrintWriter out, int n) {
        out.println("   Java:   new ClusterMap<>(hz).map(tasks)  // submitToMember; resent if a"
                + " member leaves");
        out.printf("   Python: client = Client(LocalCluster(n_workers=%d))%n", n);
        out.println("           client.gather(client.map(count, items))");
    }

    /** The members that run tasks, oldest first (the order of the cluster's member list). */
    private static List<Member> dataMembers(HazelcastInstance lite) {
        return lite.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).toList();
    }

    private static String addressOf(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    private static void printMemberList(
            PrintWriter out, LocalCluster local, HazelcastInstance lite) {
        List<Member> data = dataMembers(lite);
        for (int i = 0; i < data.size(); i++) {
            Member m = data.get(i);
            String pid = local == null ? ""
                    : local.member(m.getUuid()).map(j -> "  pid " + j.pid()).orElse("");
            out.printf("   member %d  %-15s%s%s%n", i + 1, addressOf(m), pid,
                    i == 0 ? "  (the oldest: the cluster's master)" : "");
        }
        out.println();
        out.flush();
    }

    /** "1", "2", ...: each member's place in the cluster's member list, oldest first. */
    private static Map<UUID, String> memberLabels(HazelcastInstance lite) {
        Map<UUID, String> labels = new LinkedHashMap<>();
        List<Member> data = dataMembers(lite);
        for (int i = 0; i < data.size(); i++) {
            labels.put(data.get(i).getUuid(), String.valueOf(i + 1));
        }
        return Map.copyOf(labels);
    }

    private int runAll(PrintWriter out, LocalCluster local, HazelcastInstance lite, int cores)
            throws Exception {
        Map<UUID, String> labels = memberLabels(lite);
        Map<UUID, String> addresses = new LinkedHashMap<>();
        dataMembers(lite).forEach(m -> addresses.put(m.getUuid(), addressOf(m)));
        BatchProgress progress = new BatchProgress(out, labels);
        // The youngest member: killing the master would add an election to the story.
        LocalCluster.MemberJvm victim = killMember
                ? local.member(dataMembers(lite).getLast().getUuid()).orElseThrow() : null;
        if (victim != null) {
            progress.killOnFirstStart(local, victim);
        }
        List<CountTask> tasks = IntStream.rangeClosed(1, items)
                .mapToObj(k -> new CountTask(k, iterations)).toList();
        long start = System.nanoTime();
        List<ClusterMap.Outcome<TaskRun>> outcomes =
                new ClusterMap<>(lite, ClusterMap.DEFAULT_MAX_ATTEMPTS, progress).map(tasks);
        long clusterNanos = Timing.since(start);
        out.printf("   time: %s%n%n", Timing.format(clusterNanos));

        List<Row> rows = outcomes.stream()
                .map(o -> new Row(o.index() + 1, o.result(), o.members(), o.nanos())).toList();
        printMembers(out, local, addresses, labels, rows, progress.lostBy(), victim);
        printTasks(out, labels, rows);
        List<Row> retried = rows.stream().filter(r -> r.members().size() > 1).toList();
        if (killMember) {
            printRetried(out, labels, retried);
        }

        int workers = addresses.size();
        long threadsNanos = platformPool(cores);
        long[] processRun = processPool(out, workers);
        out.printf("== Summary (%d items x %,d steps, %d cores)%n", items, iterations, cores);
        Table summary = new Table("where", "Java", "batch time", "time / platform pool's");
        summary.row("cluster", "ClusterMap over " + workers + " members"
                + (progress.killed() ? " (1 killed)" : ""), Timing.format(clusterNanos),
                ratio(clusterNanos, threadsNanos));
        summary.row("threads", "Executors.newFixedThreadPool(" + cores + ")",
                Timing.format(threadsNanos), "1.00x");
        summary.row("processes", "new ProcessPool(" + workers + ")", Timing.format(processRun[0]),
                ratio(processRun[0], threadsNanos));
        summary.print(out);
        out.printf("  (batch times only: the members were started before; the ProcessPool's %d"
                + " JVMs started in %s)%n%n", workers, Timing.format(processRun[1]));
        out.println("""
                What it shows: on one machine a cluster only costs: every task and result is
                serialized and crosses the network stack, and each member JVM has its own cold JIT,
                on the same cores. It buys what one machine cannot give: members on other machines
                add their cores (--members), and a member lost mid-batch costs only its tasks'
                rerun (--kill-member), as with Dask.""");

        List<String> wrong = check(rows);
        if (!wrong.isEmpty()) {
            return failure(String.join("; ", wrong));
        }
        out.printf("All %d items: exactly one result each, all correct%s.%n", items,
                retried.isEmpty() ? ""
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

    private static void printMembers(PrintWriter out, LocalCluster local,
            Map<UUID, String> addresses, Map<UUID, String> labels, List<Row> rows,
            Map<UUID, Set<Integer>> lostBy, LocalCluster.MemberJvm victim) {
        out.println("== Per member");
        Table table =
                new Table("member", "address", "pid", "results", "items", "lost when it left");
        for (Map.Entry<UUID, String> e : addresses.entrySet()) {
            List<Row> ran = rows.stream().filter(r -> r.run().member().equals(e.getKey())).toList();
            long pid = ran.isEmpty()
                    ? local == null ? -1 : local.member(e.getKey()).orElseThrow().pid()
                    : ran.getFirst().run().pid();
            List<Integer> lost =
                    lostBy.getOrDefault(e.getKey(), Set.of()).stream().sorted().toList();
            boolean killed = victim != null && victim.uuid().equals(e.getKey());
            table.row(labels.get(e.getKey()) + (killed ? " (killed)" : ""), e.getValue(),
                    pid < 0 ? "-" : String.valueOf(pid), ran.size(),
                    itemList(ran.stream().map(Row::item).toList()), itemList(lost));
        }
        table.print(out);
        out.println();
    }

    private static void printTasks(PrintWriter out, Map<UUID, String> labels, List<Row> rows) {
        out.println("== Per task (compute: count(k) on the member;"
                + " round trip: from first send to result)");
        Table table = new Table("item", "member", "sends", "compute", "round trip");
        for (Row r : rows) {
            table.row(r.item(), labels.getOrDefault(r.run().member(), "?"), r.members().size(),
                    Timing.format(r.run().computeNanos()), Timing.format(r.nanos()));
        }
        table.print(out);
        out.println();
    }

    private static void printRetried(PrintWriter out, Map<UUID, String> labels, List<Row> retried) {
        if (retried.isEmpty()) {
            out.println("The killed member had finished its tasks before the kill landed: nothing"
                    + " ran again (raise --iterations).");
        } else {
            out.println("Retried (their member left mid-task; Dask reschedules a lost worker's"
                    + " tasks):");
            for (Row r : retried) {
                out.printf("  item %d: %s%n", r.item(), String.join(" -> ", r.members().stream()
                        .map(m -> "member " + labels.get(m.getUuid())).toList()));
            }
        }
        out.println();
    }

    /** "1, 2, 3" (cut after about 40 columns), or "-". */
    static String itemList(List<Integer> items) {
        if (items.isEmpty()) {
            return "-";
        }
        String all = String.join(", ", items.stream().map(String::valueOf).toList());
        return all.length() <= 40 ? all : all.substring(0, all.lastIndexOf(',', 37)) + ", ...";
    }

    private static String ratio(long nanos, long baseline) {
        return String.format(Locale.ROOT, "%.2fx", (double) nanos / Math.max(1, baseline));
    }

    /** The items on a fixed pool of one platform thread per core; returns the batch time. */
    private long platformPool(int cores) throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(cores)) {
            long start = System.nanoTime();
            List<Future<Long>> futures = new ArrayList<>();
            for (int k = 1; k <= items; k++) {
                long item = k;
                futures.add(pool.submit(() -> CpuWork.count(item, iterations)));
            }
            checkLocal("threads", futures);
            return Timing.since(start);
        }
    }

    /** The items on a ProcessPool of {@code workers} JVMs: {batch time, start-up time}. */
    private long[] processPool(PrintWriter out, int workers)
            throws InterruptedException, ExecutionException {
        out.printf("   (for the summary: the same items on a platform pool and on a ProcessPool of"
                + " %d JVMs ...)%n%n", workers);
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
            checkLocal("processes", futures);
            return new long[] {Timing.since(batchStart), startUp};
        }
    }

    private void checkLocal(String where, List<Future<Long>> futures)
            throws InterruptedException, ExecutionException {
        for (int k = 1; k <= futures.size(); k++) {
            long result = futures.get(k - 1).get();
            if (result != iterations * k) {
                throw new IllegalStateException(where + ": item " + k + " returned " + result);
            }
        }
    }
}
