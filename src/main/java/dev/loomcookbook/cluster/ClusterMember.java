package dev.loomcookbook.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.PositiveInt;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.ChildJvm;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One cluster member, in its own JVM: what {@link LocalCluster} starts on this machine, and what
 * you start by hand on another machine (same class path) to run the demo's tasks there.
 *
 * <pre>
 * java --enable-preview -cp CLASSPATH dev.loomcookbook.cluster.ClusterMember \
 *     --cluster-name NAME --address 192.0.2.10:5701 --members 192.0.2.10:5701,192.0.2.11:5701
 * </pre>
 *
 * It runs until Ctrl-C (or, started by {@link LocalCluster}, until its parent is gone: it then
 * halts at once, even after {@code kill -9} of the parent).
 */
@Command(name = "cluster-member", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A Hazelcast member that runs the cluster demo's tasks, until Ctrl-C.",
            "Start one per machine with the same class path,",
            "then: loomcookbook cluster --cluster-name NAME --members ..."
        })
public final class ClusterMember implements Callable<Integer> {

    /** The exit code when the member's port was taken: its parent starts it again elsewhere. */
    public static final int PORT_TAKEN = 4;

    /** The first word of the line a child member prints once it is in the cluster. */
    static final String READY = "ready";
    /** The first word of the line a child member prints when a task starts. */
    static final String STARTED = "started";

    @Spec
    CommandSpec spec;

    @Option(names = "--cluster-name", required = true, paramLabel = "NAME",
            description = "The cluster's name: only members with the same name join each other.")
    String clusterName;

    @Option(names = "--address", required = true, converter = MemberAddress.Converter.class,
            paramLabel = "HOST:PORT", description = "This member's address: it listens there only.")
    MemberAddress address;

    @Option(names = "--members", required = true, split = ",",
            converter = MemberAddress.Converter.class, paramLabel = "HOST:PORT",
            description = "Every member's address, comma-separated (this one may be among them).")
    List<MemberAddress> members = new ArrayList<>();

    @Option(names = "--threads", converter = PositiveInt.class, paramLabel = "N",
            description = "Threads that run tasks (default: the cores of this machine).")
    Integer threads;

    @Option(names = "--expect", converter = PositiveInt.class, hidden = true,
            description = "Wait until this many members (not lite ones) are in the cluster.")
    int expect = 1;

    @Option(names = "--child", hidden = true,
            description = "Started by LocalCluster: report on stdout and end with the parent.")
    boolean child;

    public static void main(String[] args) {
        System.exit(Cli.run(new ClusterMember(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        if (child) {
            ChildJvm.exitWithParent();
        }
        List<MemberAddress> all;
        try {
            all = MemberAddress.distinct(members);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--members: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        HazelcastLogging.install();
        int pool = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        HazelcastInstance member;
        try {
            member = Hazelcast.newHazelcastInstance(
                    ClusterConfig.member(clusterName, address, all, pool));
        } catch (RuntimeException e) {
            if (LiteMember.causedByBind(e)) {
                spec.commandLine().getErr()
                        .println("error: " + address + " is taken: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return PORT_TAKEN;
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        member.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.SHUTDOWN) {
                stopped.countDown();
            }
        });
        while (LiteMember.dataMembers(member) < expect) {
            Thread.sleep(20);
        }
        String uuid = member.getCluster().getLocalMember().getUuid().toString();
        long pid = ProcessHandle.current().pid();
        if (child) {
            CountTask.onStart((item, self) -> {
                synchronized (out) {
                    out.println(STARTED + " " + item);
                    out.flush();
                }
            });
            synchronized (out) {
                out.println(READY + " " + uuid + " " + pid);
                out.flush();
            }
        } else {
            out.printf("member %s of cluster %s is up: uuid %s, pid %d, %d task threads.%n",
                    address, clusterName, uuid, pid, pool);
            out.println("Run tasks on it: loomcookbook cluster --cluster-name " + clusterName
                    + " --members " + MemberAddress.join(all));
            out.println("Ctrl-C stops it.");
            out.flush();
            CountTask.onStart((item, self) -> {
                synchronized (out) {
                    out.println("running item " + item);
                    out.flush();
                }
            });
        }
        stopped.await();
        return 0;
    }
}
