package dev.loomcookbook.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dask's {@code client.gather(client.map(f, items))} on a Hazelcast cluster: every task is sent
 * to the member with the fewest of this batch's tasks outstanding, through the cluster's
 * {@link IExecutorService}, and the results come back in the order of the tasks.
 *
 * <p>A member that leaves while it holds tasks (it crashed, was killed, lost the network) fails
 * them with {@link MemberLeftException}; each such task is sent again to a surviving member, up
 * to {@link #maxAttempts} runs in all, as Dask's scheduler reschedules a lost worker's tasks
 * (there, {@code distributed.scheduler.allowed-failures}, also 3). Every task's result is
 * delivered exactly once; a task may have run more than once (the lost member may have finished
 * it before it died), so tasks must be safe to repeat, as Dask's must. A task that throws is
 * not retried: its exception is the cause of the {@link ExecutionException}, as in
 * {@code Executor.map}.
 */
public final class ClusterMap<R> {

    /** Runs a task may get in all, the first included (Dask's default allowed-failures is 3). */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** What happens to the tasks, for a demo to print; called on Hazelcast's threads. */
    public interface Listener<R> {
        /** Task {@code index} was sent to {@code member}; {@code attempt} counts from 1. */
        default void sent(int index, Member member, int attempt) {}

        /** Every one of the batch's {@code tasks} has been handed to Hazelcast once. */
        default void allSent(int tasks) {}

        /** Task {@code index} was lost with {@code member} ({@code cause}); it is sent again. */
        default void lost(int index, Member member, Throwable cause) {}

        /** Task {@code index} returned {@code result} from {@code member}. */
        default void completed(int index, Member member, R result) {}
    }

    /**
     * One task's outcome.
     *
     * @param index    the task's position in the batch, from 0
     * @param result   its result
     * @param members  the members it was sent to, in order: the last one returned the result
     * @param nanos    from the first send to the result
     */
    public record Outcome<R>(int index, R result, List<Member> members, long nanos) {

        /** Whether the task had to be sent again because a member left. */
        public boolean retried() {
            return members.size() > 1;
        }
    }

    private final IExecutorService executor;
    private final HazelcastInstance instance;
    private final int maxAttempts;
    private final Listener<? super R> listener;
    private final Map<UUID, AtomicInteger> outstanding = new ConcurrentHashMap<>();
    private final Map<UUID, AtomicInteger> sent = new ConcurrentHashMap<>();

    /** A map over {@code instance}'s cluster with the default attempts and no listener. */
    public ClusterMap(HazelcastInstance instance) {
        this(instance, DEFAULT_MAX_ATTEMPTS, new Listener<R>() {});
    }

    /** A map over {@code instance}'s cluster, through {@link ClusterConfig#EXECUTOR}. */
    public ClusterMap(HazelcastInstance instance, int maxAttempts, Listener<? super R> listener) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(
                    "maxAttempts must be at least 1, but was " + maxAttempts);
        }
        this.instance = Objects.requireNonNull(instance);
        this.executor = instance.getExecutorService(ClusterConfig.EXECUTOR);
        this.maxAttempts = maxAttempts;
        this.listener = Objects.requireNonNull(listener);
    }

    /**
     * Sends every task and waits for all the results, in the order of {@code tasks}. The tasks
     * must be serializable and their classes on every member's class path.
     *
     * @throws ExecutionException a task threw (the cause), or it was lost {@link #maxAttempts}
     *     times, or no member was left to run it (a {@link MemberLeftException} cause)
     * @throws IllegalStateException the cluster has no member that runs tasks
     */
    public List<Outcome<R>> map(List<? extends Callable<R>> tasks)
            throws InterruptedException, ExecutionException {
        if (dataMembers().isEmpty()) {
            throw new IllegalStateException(
                    "the cluster has no member that runs tasks (only lite members)");
        }
        List<Flight<R>> flights = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Flight<R> f = new Flight<>(i, Objects.requireNonNull(tasks.get(i)), System.nanoTime());
            flights.add(f);
            send(f, leastBusy(List.of()));
        }
        listener.allSent(tasks.size());
        List<Outcome<R>> outcomes = new ArrayList<>();
        for (Flight<R> f : flights) {
            outcomes.add(await(f.done));
        }
        return outcomes;
    }

    private static <T> T await(CompletableFuture<T> f)
            throws InterruptedException, ExecutionException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            // The task's own exception (or the last MemberLeftException), not our wrapper.
            throw new ExecutionException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** One task on its way: where it went and how it ended. */
    private static final class Flight<R> {
        final int index;
        final Callable<R> task;
        final long start;
        final List<Member> members = new CopyOnWriteArrayList<>();
        final CompletableFuture<Outcome<R>> done = new CompletableFuture<>();

        Flight(int index, Callable<R> task, long start) {
            this.index = index;
            this.task = task;
            this.start = start;
        }
    }

    private void send(Flight<R> f, Member member) {
        if (member == null) {
            f.done.completeExceptionally(new MemberLeftException("no member left to run task "
                    + f.index + " (it was sent to " + f.members.size() + " members that left)"));
            return;
        }
        f.members.add(member);
        AtomicInteger count =
                outstanding.computeIfAbsent(member.getUuid(), u -> new AtomicInteger());
        count.incrementAndGet();
        sent.computeIfAbsent(member.getUuid(), u -> new AtomicInteger()).incrementAndGet();
        listener.sent(f.index, member, f.members.size());
        ExecutionCallback<R> callback = new ExecutionCallback<>() {
            @Override
            public void onResponse(R result) {
                count.decrementAndGet();
                try {
                    listener.completed(f.index, member, result);
                } finally { // a listener that throws must not leave the batch waiting forever
                    f.done.complete(new Outcome<>(
                            f.index, result, List.copyOf(f.members), System.nanoTime() - f.start));
                }
            }

            @Override
            public void onFailure(Throwable t) {
                count.decrementAndGet();
                if (memberLost(t) && f.members.size() < maxAttempts) {
                    try {
                        listener.lost(f.index, member, t);
                    } catch (RuntimeException e) {
                        f.done.completeExceptionally(e);
                        return;
                    }
                    send(f, leastBusy(f.members));
                } else {
                    f.done.completeExceptionally(taskFailure(t));
                }
            }
        };
        try {
            executor.submitToMember(f.task, member, callback);
        } catch (RuntimeException e) {
            callback.onFailure(e);
        }
    }

    /** The task's own exception, which Hazelcast hands over wrapped in an ExecutionException. */
    private static Throwable taskFailure(Throwable t) {
        boolean wrapped = t instanceof ExecutionException && !(t instanceof MemberLeftException);
        return wrapped && t.getCause() != null ? t.getCause() : t;
    }

    /** Whether {@code t} says the task's member is gone, rather than that the task failed. */
    static boolean memberLost(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetNotMemberException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The member that runs tasks with the fewest outstanding, then the fewest sent, not one of
     * {@code tried}; or null. So the first N tasks go to N different members, whatever finishes.
     */
    private Member leastBusy(List<Member> tried) {
        List<UUID> excluded = tried.stream().map(Member::getUuid).toList();
        return dataMembers().stream()
                .filter(m -> !excluded.contains(m.getUuid()))
                .min(Comparator.comparingInt((Member m) -> count(outstanding, m))
                        .thenComparingInt(m -> count(sent, m)))
                .orElse(null);
    }

    private static int count(Map<UUID, AtomicInteger> counts, Member m) {
        AtomicInteger c = counts.get(m.getUuid());
        return c == null ? 0 : c.get();
    }

    private List<Member> dataMembers() {
        return instance.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).toList();
    }
}
