package dev.loomcookbook.benchmarks;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.loomcookbook.cluster.ClusterConfig;
import dev.loomcookbook.cluster.ClusterMap;
import dev.loomcookbook.cluster.CountTask;
import dev.loomcookbook.cluster.LiteMember;
import dev.loomcookbook.cluster.LocalCluster;
import dev.loomcookbook.cluster.TaskRun;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A Hazelcast cluster of member JVMs on this machine: a trivial task's round trip, and the pooling
 * workload's fan-out ({@code count(k)} for items 1..10, the batch {@link CpuFanOut} times on the
 * platform pools and ProcessPools in the same run, and {@link TaskOverhead} their round trips).
 *
 * <p>Why: the cluster is the step beyond one machine, and a Python user wants to know its price
 * on one: each task and result is serialized and crosses loopback TCP (Hazelcast's operation
 * protocol) instead of a pipe, and the members' JIT and GC share the same cores. The report
 * divides {@code CpuFanOut.sequential} by each fan-out time (the speed-up, at most the core
 * count) and sets the round trip beside {@code TaskOverhead}'s.
 *
 * <p>The members (and the lite member that sends the tasks from this JVM) are started once per
 * trial, in the setup of the {@link Cluster} state, which only the cluster benchmarks use; the
 * warmup iterations warm the members' JIT. Every result is summed and returned. The members'
 * combined resident memory is printed at the end of each trial.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:exec@benchmarks
 * -Dbenchmarks.args="jmh ClusterExecutor"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// A first run with 4 warmup iterations still showed the round trip falling through the measured
// ones (the members' JIT and the lite member's): the warmup is longer than the other classes'.
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--sun-misc-unsafe-memory-access=allow"})
public class ClusterExecutor {

    /** Items 1..10, like the book's. */
    static final int ITEMS = 10;

    /** The cluster's size and the work per item. */
    @State(Scope.Benchmark)
    public static class Size {
        /** Member JVMs. */
        @Param("3")
        public int members;

        /** Steps of one {@code count(k)}: the book's 10,000,000. */
        @Param("10000000")
        public long stepsPerItem;
    }

    /** The cluster: member JVMs and this JVM's lite member, started once per trial. */
    @State(Scope.Benchmark)
    public static class Cluster {
        LocalCluster members;
        HazelcastInstance lite;
        IExecutorService executor;
        List<Member> dataMembers;
        ClusterMap<TaskRun> map;
        List<CountTask> batch;
        int next;

        @Setup(Level.Trial)
        public void start(Size size) throws Exception {
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / size.members);
            members = LocalCluster.start(size.members, threads);
            lite = LiteMember.join(members.clusterName(), members.addresses(), null, size.members,
                    Duration.ofSeconds(60));
            executor = lite.getExecutorService(ClusterConfig.EXECUTOR);
            dataMembers = lite.getCluster().getMembers().stream()
                    .filter(m -> !m.isLiteMember()).toList();
            map = new ClusterMap<>(lite);
            batch = IntStream.rangeClosed(1, ITEMS)
                    .mapToObj(k -> new CountTask(k, size.stepsPerItem)).toList();
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            // After the measured iterations: what the warm members hold. (JMH's own results have
            // no place for it; the full run's log keeps this line.)
            System.out.printf("%nmembers' combined RSS: %d MiB (%d members)%n",
                    members.residentKb() / 1024, members.members().size());
            lite.shutdown();
            members.close();
        }
    }

    /** Sends a trivial task to the next member (round robin) and waits for its answer. */
    @Benchmark
    public long clusterRoundTrip(Cluster c) throws Exception {
        Member member = c.dataMembers.get(c.next++ % c.dataMembers.size());
        return c.executor.submitToMember(Trivial.TASK, member).get();
    }

    /** count(1..10) through ClusterMap, as the demo sends it; returns the sum of the results. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long clusterFanOut(Cluster c) throws Exception {
        long sum = 0;
        for (ClusterMap.Outcome<TaskRun> o : c.map.map(c.batch)) {
            sum += o.result().result();
        }
        return sum;
    }

    /** A trivial serializable task for the members: returns 42 from a static field. */
    static final class Trivial implements Callable<Long>, java.io.Serializable {
        static final Trivial TASK = new Trivial();

        @Override
        public Long call() {
            return SideBySide.answer;
        }
    }
}
