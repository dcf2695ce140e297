package dev.loomcookbook.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.loomcookbook.common.CpuWork;
import java.io.Serial;
import java.io.Serializable;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * The pooling workload's item k as a cluster task: {@code count(k)}, the same CPU kernel, run on
 * whichever member it is sent to. It travels by Java serialization (two plain fields), so its
 * class must be on every member's class path; the member hands itself over before the call
 * ({@link HazelcastInstanceAware}), which is how the result names the member that ran it.
 */
public final class CountTask implements Callable<TaskRun>, Serializable, HazelcastInstanceAware {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Told of every start in this JVM: the item and the member; a member JVM reports it. */
    private static volatile BiConsumer<Integer, UUID> onStart = (item, member) -> {};

    private final int item;
    private final long iterations;
    private transient HazelcastInstance member;

    /** Item {@code item} with {@code iterations} steps of work. */
    public CountTask(int item, long iterations) {
        if (item < 1 || iterations < 1) {
            throw new IllegalArgumentException("item and iterations must be at least 1");
        }
        this.item = item;
        this.iterations = iterations;
    }

    /**
     * Sets what every start of a task in this JVM calls, before the work (the member JVM prints
     * it for its parent; a test may block there to hold a task in flight).
     */
    public static void onStart(BiConsumer<Integer, UUID> listener) {
        onStart = listener;
    }

    /** Back to the default: starts are not reported. */
    public static void clearOnStart() {
        onStart = (item, member) -> {};
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
        this.member = member;
    }

    /** The item k. */
    public int item() {
        return item;
    }

    @Override
    public TaskRun call() {
        UUID self = member.getCluster().getLocalMember().getUuid();
        onStart.accept(item, self);
        long start = System.nanoTime();
        long result = CpuWork.count(item, iterations);
        long nanos = System.nanoTime() - start;
        return new TaskRun(item, result, self, ProcessHandle.current().pid(), nanos);
    }
}
