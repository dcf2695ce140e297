package dev.loomcookbook.benchmarks;

import dev.loomcookbook.eventloop.EventLoop;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * EventLoop dispatch rate: the time per callback to schedule {@value #CALLBACKS} trivial callbacks
 * and have {@code runForever} run them (the last one stops the loop), which is exactly what
 * {@code call_soon.py} does with asyncio's loop.
 *
 * <p>Why: asyncio's loop runs every callback and every coroutine step; its dispatch cost is the
 * floor under any asyncio program. {@code callSoon} schedules from the loop's own thread (before
 * it runs); {@code callSoonThreadsafe} from another platform thread while the loop runs, which
 * adds the lock hand-off and the loop's wake-ups.
 *
 * <p>The callbacks increment a counter that is returned, so none can be removed. Creating the
 * loop is part of each operation, spread over the callbacks.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:exec@benchmarks}, or JMH's {@code Main EventLoopDispatch}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class EventLoopDispatch {

    static final int CALLBACKS = 100_000;

    private long counter;

    private void callback() {
        counter++;
    }

    @Benchmark
    @OperationsPerInvocation(CALLBACKS)
    public long callSoon() {
        counter = 0;
        try (EventLoop loop = new EventLoop()) {
            for (int i = 0; i < CALLBACKS; i++) {
                loop.callSoon(this::callback);
            }
            loop.callSoon(loop::stop);
            loop.runForever();
        }
        return counter;
    }

    @Benchmark
    @OperationsPerInvocation(CALLBACKS)
    public long callSoonThreadsafe() throws InterruptedException {
        counter = 0;
        try (EventLoop loop = new EventLoop()) {
            Thread producer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < CALLBACKS; i++) {
                    loop.callSoonThreadsafe(this::callback);
                }
                loop.callSoonThreadsafe(loop::stop);
            });
            loop.runForever();
            producer.join();
        }
        return counter;
    }
}
