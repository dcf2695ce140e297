package dev.loomcookbook.cluster;

import com.hazelcast.cluster.Member;
import dev.loomcookbook.common.Timing;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cluster demo's view of a batch as it runs: prints each item as it completes (Dask's
 * {@code as_completed}), each loss and resend, and remembers which member holds which item, so
 * that a kill can say what was in flight. Called on Hazelcast's threads and on the members'
 * output readers; each line is printed whole.
 */
final class BatchProgress implements ClusterMap.Listener<TaskRun> {

    private final PrintWriter out;
    private final Map<UUID, String> labels;
    private final Map<Integer, UUID> heldBy = new ConcurrentHashMap<>();
    private final Map<UUID, Set<Integer>> lostBy = new ConcurrentHashMap<>();
    private final AtomicBoolean killed = new AtomicBoolean();
    private volatile LocalCluster cluster;
    private volatile LocalCluster.MemberJvm victim;
    /** The item the victim reported first, or 0. */
    private volatile int victimStarted;
    private volatile boolean allSent;

    /** Prints to {@code out}, naming members by {@code labels} ("1", "2", ...). */
    BatchProgress(PrintWriter out, Map<UUID, String> labels) {
        this.out = out;
        this.labels = labels;
    }

    /**
     * Kills {@code victim} with SIGKILL when it reports its first task start, after printing what
     * it holds: the items sent to it and not yet returned. A start reported while the batch is
     * still being sent waits for the last send, so that what it holds is the whole of its share
     * and no item is sent to a member already killed.
     */
    void killOnFirstStart(LocalCluster cluster, LocalCluster.MemberJvm victim) {
        this.cluster = cluster;
        this.victim = victim;
        cluster.onTaskStart((member, item) -> {
            if (member.equals(victim) && victimStarted == 0) {
                victimStarted = item;
                killIfDue();
            }
        });
    }

    /** Kills the victim once it has started a task and every item was sent (whichever is last). */
    private void killIfDue() {
        LocalCluster.MemberJvm v = victim;
        int item = victimStarted;
        if (v == null || item == 0 || !allSent || !killed.compareAndSet(false, true)) {
            return;
        }
        List<Integer> held = heldBy.entrySet().stream()
                .filter(e -> e.getValue().equals(v.uuid()))
                .map(Map.Entry::getKey).sorted().toList();
        print(String.format("   killing member %s (pid %d) with SIGKILL: it started item %d;"
                + " it holds items %s", labels.get(v.uuid()), v.pid(), item,
                ClusterDemo.itemList(held)));
        try {
            cluster.kill(v);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a member was killed. */
    boolean killed() {
        return killed.get();
    }

    /** The items each member held when it left, by member UUID. */
    Map<UUID, Set<Integer>> lostBy() {
        return lostBy;
    }

    @Override
    public void sent(int index, Member member, int attempt) {
        heldBy.put(index + 1, member.getUuid());
        if (attempt > 1) {
            print(String.format("   item %d sent again, to member %s (attempt %d)", index + 1,
                    labels.get(member.getUuid()), attempt));
        }
    }

    @Override
    public void allSent(int tasks) {
        allSent = true;
        killIfDue();
    }

    @Override
    public void lost(int index, Member member, Throwable cause) {
        lostBy.computeIfAbsent(member.getUuid(), u -> ConcurrentHashMap.newKeySet()).add(index + 1);
        print(String.format("   item %d lost with member %s: %s", index + 1,
                labels.get(member.getUuid()), cause.getClass().getSimpleName()));
    }

    @Override
    public void completed(int index, Member member, TaskRun result) {
        heldBy.remove(index + 1);
        print(String.format("Item %d, result %d   (member %s, %s)", index + 1, result.result(),
                labels.get(member.getUuid()), Timing.format(result.computeNanos())));
    }

    private void print(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
