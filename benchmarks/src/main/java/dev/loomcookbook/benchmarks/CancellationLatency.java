package dev.loomcookbook.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cancellation latency: from the moment one subtask fails until every sibling (1 to 10,000, all
 * blocked in a long sleep) has ended; {@code StructuredTaskScope} (which cancels by itself)
 * against an {@code ExecutorService} whose caller waits for the failing future and then cancels
 * every other future with {@code cancel(true)} and closes the executor.
 *
 * <p>Why: asyncio's {@code TaskGroup} cancels the siblings of a failed task; this shows what
 * the JDK's structured equivalent costs and how it grows with the number of siblings, against the
 * hand-written pattern it replaces. Both sides run every subtask on a virtual thread.
 *
 * <p>How: each measured operation is a single shot. The untimed per-invocation setup starts the
 * siblings and a failing subtask, and waits on a latch until all of them are running. The timed
 * part releases the failing subtask and returns once the scope (or executor) is closed, which is
 * only after every sibling has ended. Starting the threads is therefore not measured.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:exec@benchmarks}, or JMH's {@code Main CancellationLatency}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 20)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class CancellationLatency {

    @Param({"1", "10", "100", "1000", "10000"})
    public int siblings;

    /** A group of blocked siblings and one subtask that fails when {@link #go} opens. */
    abstract static class Armed {
        final CountDownLatch go = new CountDownLatch(1);
        CountDownLatch running;

        Object sibling() throws InterruptedException {
            running.countDown();
            Thread.sleep(TimeUnit.HOURS.toMillis(1));
            throw new AssertionError("a sibling was not cancelled");
        }

        Object failing() throws InterruptedException {
            running.countDown();
            go.await();
            throw new IllegalStateException("subtask failed");
        }
    }

    @State(Scope.Thread)
    public static class ArmedScope extends Armed {
        StructuredTaskScope<Object, Void> scope;

        @Setup(Level.Invocation)
        public void arm(CancellationLatency params) throws InterruptedException {
            running = new CountDownLatch(params.siblings + 1);
            scope = StructuredTaskScope.open();
            for (int i = 0; i < params.siblings; i++) {
                scope.fork(this::sibling);
            }
            scope.fork(this::failing);
            running.await();
        }
    }

    @State(Scope.Thread)
    public static class ArmedExecutor extends Armed {
        ExecutorService executor;
        final List<Future<Object>> siblings = new ArrayList<>();
        Future<Object> failed;

        @Setup(Level.Invocation)
        public void arm(CancellationLatency params) throws InterruptedException {
            running = new CountDownLatch(params.siblings + 1);
            executor = Executors.newVirtualThreadPerTaskExecutor();
            for (int i = 0; i < params.siblings; i++) {
                siblings.add(executor.submit(this::sibling));
            }
            failed = executor.submit(this::failing);
            running.await();
        }
    }

    @Benchmark
    public boolean structuredTaskScope(ArmedScope armed) throws InterruptedException {
        boolean failed = false;
        armed.go.countDown();
        try (var scope = armed.scope) {
            scope.join();
        } catch (StructuredTaskScope.FailedException e) {
            failed = true;
        }
        return failed;
    }

    @Benchmark
    public boolean executorWithFutures(ArmedExecutor armed) throws InterruptedException {
        boolean failed = false;
        armed.go.countDown();
        try {
            armed.failed.get();
        } catch (ExecutionException e) {
            failed = true;
            for (Future<Object> sibling : armed.siblings) {
                sibling.cancel(true);
            }
        }
        armed.executor.close();
        return failed;
    }
}
