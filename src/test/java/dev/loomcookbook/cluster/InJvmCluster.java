package dev.loomcookbook.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.loomcookbook.testing.Latches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

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

    /**
     * Starts one more member, which joins the others, and returns once every instance lists it:
     * the new member's join returns before the others (the lite member among them) have heard
     * of it, and a lite member that has not sends it no task.
     */
    HazelcastInstance addMember(int threads) throws InterruptedException {
        MemberAddress self = MemberAddress.loopback(ClusterConfig.freeLoopbackPorts(1).getFirst());
        List<MemberAddress> all = new ArrayList<>(addresses);
        all.add(self);
        HazelcastInstance member =
                Hazelcast.newHazelcastInstance(ClusterConfig.member(name, self, all, threads));
        members.add(member);
        addresses.add(self);
        UUID id = uuid(member);
        await("every instance lists the new member " + id,
                () -> instances().stream().allMatch(i -> lists(i, id)));
        return member;
    }

    static UUID uuid(HazelcastInstance instance) {
        return instance.getCluster().getLocalMember().getUuid();
    }

    /**
     * Ends a member as a crash would: no goodbye to the others, no data handed over; returns once
     * no instance lists it any more, so that the next test finds the cluster as it was.
     */
    void crash(HazelcastInstance member) throws InterruptedException {
        UUID id = uuid(member);
        member.getLifecycleService().terminate();
        int i = members.indexOf(member);
        members.remove(i);
        addresses.remove(i);
        await("no instance lists the crashed member " + id,
                () -> instances().stream().noneMatch(m -> lists(m, id)));
    }

    /** The running instances: the members and the lite member. */
    private List<HazelcastInstance> instances() {
        List<HazelcastInstance> all = new ArrayList<>(members);
        if (lite != null) {
            all.add(lite);
        }
        return all;
    }

    private static boolean lists(HazelcastInstance instance, UUID member) {
        return instance.getCluster().getMembers().stream()
                .anyMatch(m -> m.getUuid().equals(member));
    }

    /** Waits until {@code condition} holds; fails, naming {@code what}, after 60 s. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Latches.awaitUntil(what, Duration.ofSeconds(60), condition);
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
