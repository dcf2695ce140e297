package dev.loomcookbook.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.net.BindException;
import java.time.Duration;
import java.util.List;

/**
 * This JVM in the cluster as a lite member: a full member (it hears at once when another member
 * leaves, and the tasks it sent there then fail with {@code MemberLeftException}) that holds no
 * data and, here, runs no tasks. A Hazelcast client would also do, but a client learns of a lost
 * member only as a closed connection ({@code TargetDisconnectedException}).
 *
 * <p>The other members connect back to it, so on several machines its address must be reachable
 * from theirs (see {@code --address} of the demo).
 */
public final class LiteMember {

    private LiteMember() {}

    /**
     * Joins the cluster {@code clusterName} through {@code members} and waits until at least
     * {@code dataMembers} members that run tasks are in it. With {@code self} null it listens on
     * 127.0.0.1, on a port found free (again, if another process takes it first).
     *
     * @throws IllegalStateException no member answered, or the cluster did not show that many
     *     members within {@code timeout}
     */
    public static HazelcastInstance join(String clusterName, List<MemberAddress> members,
            MemberAddress self, int dataMembers, Duration timeout) throws InterruptedException {
        HazelcastLogging.install();
        HazelcastInstance lite = null;
        for (int attempt = 1; lite == null; attempt++) {
            MemberAddress address = self != null ? self
                    : MemberAddress.loopback(ClusterConfig.freeLoopbackPorts(1).getFirst());
            try {
                lite = Hazelcast.newHazelcastInstance(
                        ClusterConfig.liteMember(clusterName, address, members));
            } catch (RuntimeException e) {
                if (self != null || attempt == LocalCluster.ATTEMPTS || !causedByBind(e)) {
                    throw e;
                }
            }
        }
        if (lite.getCluster().getMembers().size() == 1) {
            // The join found nobody: no member runs at those addresses, or none with this name.
            lite.getLifecycleService().terminate();
            throw new IllegalStateException("no member of the cluster '" + clusterName
                    + "' answered at " + MemberAddress.join(members)
                    + ": are they running, with that cluster name?");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (dataMembers(lite) < dataMembers) {
            if (System.nanoTime() > deadline) {
                long found = dataMembers(lite);
                lite.getLifecycleService().terminate();
                throw new IllegalStateException("the cluster " + clusterName + " showed " + found
                        + " members that run tasks within " + timeout.toSeconds() + " s, not "
                        + dataMembers);
            }
            Thread.sleep(20);
        }
        return lite;
    }

    /** How many members of the cluster run tasks (lite members do not). */
    public static long dataMembers(HazelcastInstance instance) {
        return instance.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).count();
    }

    static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }
}
