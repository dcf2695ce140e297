package dev.loomcookbook.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Task overhead: what it costs to hand a trivial task to an executor and get its result back,
 * for each executor kind, and what structured fork+join costs against the two older ways of
 * waiting for a group ({@code CompletableFuture.allOf}, {@code invokeAll}).
 *
 * <p>Why: Python's {@code ProcessPoolExecutor.submit(f).result()} costs about 150 µs, a thread
 * pool round trip tens of µs, an asyncio task a few µs; these numbers tell a Python developer
 * which task granularity pays off on the JVM.
 *
 * <p>The task returns a field of this state object, so neither the call nor its result can be
 * folded; every result is returned to JMH. A round trip is measured from the calling thread (the
 * JMH thread, a platform thread): submit, the executor's thread runs the task, the caller wakes.
 * The group benchmarks all start {@code group} virtual threads, so they differ only in the API
 * that forks and waits. Every executor is created once per trial, except the scope, which by
 * design is opened per group.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:exec@benchmarks}, or JMH's {@code Main TaskOverhead}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(JmhSettings.FORKS) // JVM flags: JmhSettings.JVM_ARGS
@State(Scope.Benchmark)
public class TaskOverhead {

    /** Subtasks per group in the fork+join comparison. */
    @Param("10")
    public int group;

    /** The trivial task's answer; a field, so the JIT cannot treat it as a constant. */
    public long answer = 42;

    private ExecutorService platformPool;
    private ExecutorService singleThread;
    private ForkJoinPool forkJoin;
    private ExecutorService virtualPerTask;
    private ExecutorService processPool;
    private final Callable<Long> serializableTrivial = ProcessPools.trivialTask();

    @Setup
    public void startExecutors() throws Exception {
        platformPool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        singleThread = Executors.newSingleThreadExecutor();
        forkJoin = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        virtualPerTask = Executors.newVirtualThreadPerTaskExecutor();
        processPool = ProcessPools.create(Runtime.getRuntime().availableProcessors());
        // Wait until the child JVMs are up: the round trip is measured on a warm pool.
        processPool.invokeAll(java.util.Collections.nCopies(
                Runtime.getRuntime().availableProcessors() * 2, serializableTrivial));
    }

    @TearDown
    public void stopExecutors() {
        platformPool.close();
        singleThread.close();
        forkJoin.close();
        virtualPerTask.close();
        processPool.close();
    }

    private long trivial() {
        return answer;
    }

    @Benchmark
    public long platformPoolRoundTrip() throws Exception {
        return platformPool.submit(this::trivial).get();
    }

    @Benchmark
    public long singleThreadExecutorRoundTrip() throws Exception {
        return singleThread.submit(this::trivial).get();
    }

    @Benchmark
    public long forkJoinPoolRoundTrip() {
        return forkJoin.submit(this::trivial).join();
    }

    @Benchmark
    public long virtualThreadRoundTrip() throws Exception {
        return virtualPerTask.submit(this::trivial).get();
    }

    /** Serialize the task, pipe it to a warm child JVM, run it, and bring the result back. */
    @Benchmark
    public long processPoolRoundTrip() throws Exception {
        return processPool.submit(serializableTrivial).get();
    }

    @Benchmark
    public long newPlatformThreadRoundTrip() throws Exception {
        long[] box = new long[1];
        Thread t = Thread.ofPlatform().start(() -> box[0] = trivial());
        t.join();
        return box[0];
    }

    @Benchmark
    public long scopeForkJoin() throws Exception {
        try (var scope =
                StructuredTaskScope.open(StructuredTaskScope.Joiner.<Long>allSuccessfulOrThrow())) {
            for (int i = 0; i < group; i++) {
                scope.fork(this::trivial);
            }
            return scope.join().mapToLong(StructuredTaskScope.Subtask::get).sum();
        }
    }

    @Benchmark
    public long completableFutureAllOf() {
        List<CompletableFuture<Long>> futures = new ArrayList<>(group);
        for (int i = 0; i < group; i++) {
            futures.add(CompletableFuture.supplyAsync(this::trivial, virtualPerTask));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        long sum = 0;
        for (CompletableFuture<Long> f : futures) {
            sum += f.join();
        }
        return sum;
    }

    @Benchmark
    public long invokeAll() throws Exception {
        List<Callable<Long>> tasks = new ArrayList<>(group);
        for (int i = 0; i < group; i++) {
            tasks.add(this::trivial);
        }
        long sum = 0;
        for (Future<Long> f : virtualPerTask.invokeAll(tasks)) {
            sum += f.get();
        }
        return sum;
    }
}
