package dev.loomcookbook.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Members inside the test JVM (fast: no JVM start-ups), configured exactly as the demo's member
 * JVMs are, plus one lite member that submits; {@link #close()} shuts every one down.
 */
final class InJvmCluster implements AutoCloseable {

    final String name = ClusterConfig.newClusterName();
    final List<HazelcastInstance> members = new ArrayList<>();
    final List<MemberAddress> addresses = new ArrayList<>();
    HazelcastInstance lite;

    /**
     * {@code count} members with {@code threads} task threads each, started one after another,
     * and the lite member.
     */
    static InJvmCluster start(int count, int threads) throws InterruptedException {
        HazelcastLogging.install();
        InJvmCluster cluster = new InJvmCluster();
        try {
            for (int i = 0; i < count; i++) {
                cluster.addMember(threads);
            }
            cluster.lite = LiteMember.join(
                    cluster.name, cluster.addresses, null, count, Duration.ofSeconds(60));
            return cluster;
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    /** Starts one more member, which joins the others. */
    HazelcastInstance addMember(int threads) {
        MemberAddress self = MemberAddress.loopback(ClusterConfig.freeLoopbackPorts(1).getFirst());
        List<MemberAddress> all = new ArrayList<>(addresses);
        all.add(self);
        HazelcastInstance member =
                Hazelcast.newHazelcastInstance(ClusterConfig.member(name, self, all, threads));
        members.add(member);
        addresses.add(self);
        return member;
    }

    static UUID uuid(HazelcastInstance instance) {
        return instance.getCluster().getLocalMember().getUuid();
    }

    /** Ends a member as a crash would: no goodbye to the others, no data handed over. */
    void crash(HazelcastInstance member) {
        member.getLifecycleService().terminate();
        int i = members.indexOf(member);
        members.remove(i);
        addresses.remove(i);
    }

    @Override
    public void close() {
        if (lite != null) {
            lite.shutdown();
        }
        for (HazelcastInstance m : members) {
            m.getLifecycleService().terminate();
        }
    }
}
