package dev.loomcookbook.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link EventLoop} follows asyncio's event-loop rules, one rule per test. */
class EventLoopTest {

    private static final String FACTORIES = "dev.loomcookbook.testing.ThreadFactories#both";

    /** call_soon callbacks run in the order they were scheduled. */
    @Test
    void callSoonRunsInFifoOrder() {
        try (EventLoop loop = new EventLoop()) {
            List<Integer> ran = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                loop.callSoon(() -> ran.add(n));
            }
            loop.callSoon(loop::stop);
            loop.runForever();
            assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
        }
    }

    /** Timers run by deadline, whatever the scheduling order, and none before its deadline. */
    @Test
    void timersRunInDeadlineOrder() {
        FakeClock clock = new FakeClock();
        try (EventLoop loop = new EventLoop(clock)) {
            List<String> ran = new ArrayList<>();
            loop.callLater(Duration.ofSeconds(3), () -> ran.add("later 3 s"));
            loop.callAt(1.0, () -> ran.add("at 1.0"));
            loop.callLater(Duration.ofSeconds(2), () -> ran.add("later 2 s"));
            loop.callLater(Duration.ofMillis(500), () -> ran.add("later 0.5 s"));
            clock.advance(Duration.ofMillis(2500));
            runOneBatch(loop);
            assertThat(ran).containsExactly("later 0.5 s", "at 1.0", "later 2 s");
            clock.advance(Duration.ofSeconds(1));
            runOneBatch(loop);
            assertThat(ran).containsExactly("later 0.5 s", "at 1.0", "later 2 s", "later 3 s");
        }
    }

    /** Timers with equal deadlines, from call_later and call_at alike, run in scheduling order. */
    @Test
    void equalDeadlinesRunInSchedulingOrder() {
        FakeClock clock = new FakeClock();
        try (EventLoop loop = new EventLoop(clock)) {
            List<Integer> ran = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                if (i % 2 == 0) {
                    loop.callLater(Duration.ofSeconds(1), () -> ran.add(n));
                } else {
                    loop.callAt(1.0, () -> ran.add(n));
                }
            }
            clock.advance(Duration.ofSeconds(1));
            runOneBatch(loop);
            assertThat(ran).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
        }
    }

    /** A cancelled handle never runs: a call_soon one, a timer, and one cancelled earlier in its own batch. */
    @Test
    void cancelledHandleNeverRuns() {
        FakeClock clock = new FakeClock();
        try (EventLoop loop = new EventLoop(clock)) {
            List<String> ran = new ArrayList<>();
            Handle soon = loop.callSoon(() -> ran.add("soon"));
            TimerHandle timer = loop.callLater(Duration.ofSeconds(1), () -> ran.add("timer"));
            AtomicReference<Handle> victim = new AtomicReference<>();
            loop.callSoon(() -> victim.get().cancel());
            victim.set(loop.callSoon(() -> ran.add("cancelled by the callback before it")));
            loop.callSoon(() -> ran.add("kept"));
            soon.cancel();
            timer.cancel();
            clock.advance(Duration.ofSeconds(2));
            runOneBatch(loop);
            assertThat(ran).containsExactly("kept");
            assertThat(List.of(soon.isCancelled(), timer.isCancelled(), victim.get().isCancelled()))
                    .containsOnly(true);
        }
    }

    /** stop() from a callback lets the batch finish; callbacks scheduled during it wait for the next run. */
    @Test
    void stopFinishesTheBatchAndDefersNewCallbacks() {
        try (EventLoop loop = new EventLoop()) {
            List<String> ran = new ArrayList<>();
            loop.callSoon(() -> {
                ran.add("stops the loop");
                loop.stop();
                loop.callSoon(() -> ran.add("scheduled during the batch"));
            });
            loop.callSoon(() -> ran.add("same batch"));
            loop.runForever();
            assertThat(ran).containsExactly("stops the loop", "same batch");
            runOneBatch(loop);
            assertThat(ran).containsExactly("stops the loop", "same batch",
                    "scheduled during the batch");
        }
    }

    /** stop() before run_forever makes it run one batch and return. */
    @Test
    void stopBeforeRunForeverRunsOneBatch() {
        try (EventLoop loop = new EventLoop()) {
            List<String> ran = new ArrayList<>();
            loop.callSoon(() -> {
                ran.add("first batch");
                loop.callSoon(() -> ran.add("second batch"));
            });
            loop.stop();
            loop.runForever();
            assertThat(ran).containsExactly("first batch");
            assertThat(loop.isRunning()).isFalse();
        }
    }

    /** Running a running loop (run_forever or run_until_complete from a callback) fails as asyncio's does. */
    @Test
    void runningARunningLoopFails() {
        try (EventLoop loop = new EventLoop()) {
            List<Throwable> failures = new ArrayList<>();
            loop.callSoon(() -> {
                failures.add(catchThrowable(loop::runForever));
                failures.add(
                        catchThrowable(() -> loop.runUntilComplete(new CompletableFuture<>())));
                loop.stop();
            });
            loop.runForever();
            assertThat(failures).hasSize(2).allSatisfy(e -> assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("This event loop is already running"));
        }
    }

    /** A second loop cannot run on a thread that is already running a loop. */
    @Test
    void runningAnotherLoopOnTheLoopThreadFails() {
        try (EventLoop outer = new EventLoop(); EventLoop inner = new EventLoop()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            outer.callSoon(() -> {
                failure.set(catchThrowable(inner::runForever));
                outer.stop();
            });
            outer.runForever();
            assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessage("Cannot run the event loop while another loop is running");
        }
    }

    /** Closing a running loop fails, and the loop stays open. */
    @Test
    void closingARunningLoopFails() {
        try (EventLoop loop = new EventLoop()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            loop.callSoon(() -> {
                failure.set(catchThrowable(loop::close));
                loop.stop();
            });
            loop.runForever();
            assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessage("Cannot close a running event loop");
            assertThat(loop.isClosed()).isFalse();
        }
    }

    /** After close(), scheduling and running fail with "Event loop is closed". */
    @Test
    void schedulingAfterCloseFails() {
        EventLoop loop = new EventLoop();
        loop.close();
        List<Runnable> uses = List.of(
                () -> loop.callSoon(EventLoopTest::nothing),
                () -> loop.callLater(Duration.ofSeconds(1), EventLoopTest::nothing),
                () -> loop.callAt(1.0, EventLoopTest::nothing),
                () -> loop.callSoonThreadsafe(EventLoopTest::nothing),
                loop::runForever,
                () -> loop.runUntilComplete(CompletableFuture.completedFuture(1)));
        for (Runnable use : uses) {
            assertThatThrownBy(use::run).isInstanceOf(IllegalStateException.class)
                    .hasMessage("Event loop is closed");
        }
    }

    /** Closing a closed loop is fine. */
    @Test
    void closeTwiceIsFine() {
        EventLoop loop = new EventLoop();
        loop.close();
        loop.close();
        assertThat(loop.isClosed()).isTrue();
    }

    /** An exception in a callback reaches the exception handler, and the loop goes on. */
    @Test
    void exceptionInCallbackReachesTheHandlerAndTheLoopGoesOn() {
        try (EventLoop loop = new EventLoop()) {
            List<ExceptionContext> handled = new ArrayList<>();
            List<String> ran = new ArrayList<>();
            loop.setExceptionHandler((l, context) -> handled.add(context));
            IllegalStateException boom = new IllegalStateException("boom");
            Handle failing = loop.callSoon(() -> {
                throw boom;
            });
            loop.callSoon(() -> ran.add("same batch"));
            loop.callSoon(() -> loop.callSoon(() -> {
                ran.add("next batch");
                loop.stop();
            }));
            loop.runForever();
            assertThat(ran).containsExactly("same batch", "next batch");
            assertThat(handled).singleElement().satisfies(context -> {
                assertThat(context.exception()).isSameAs(boom);
                assertThat(context.handle()).isSameAs(failing);
                assertThat(context.message()).startsWith("Exception in callback");
            });
        }
    }

    /** call_soon_threadsafe from 8 threads at once delivers every callback exactly once, on the loop thread. */
    @ParameterizedTest
    @MethodSource(FACTORIES)
    void callSoonThreadsafeFromEightThreadsDeliversEachOnce(ThreadFactory factory)
            throws Exception {
        int producers = 8;
        int perProducer = 1_000;
        List<Integer> delivered = new ArrayList<>(); // touched by the loop thread only
        List<Thread> ranOn = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        Thread loopThread;
        try (EventLoop loop = new EventLoop();
                RunningLoop running = RunningLoop.start(factory, loop)) {
            loopThread = running.thread();
            CyclicBarrier together = new CyclicBarrier(producers);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                threads.add(factory.newThread(() -> {
                    await(together);
                    for (int i = 0; i < perProducer; i++) {
                        int id = base + i;
                        loop.callSoonThreadsafe(() -> {
                            delivered.add(id);
                            ranOn.add(Thread.currentThread());
                            all.countDown();
                        });
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).as("every callback ran").isTrue();
        }
        // The loop thread has been joined: its writes are visible here.
        assertThat(delivered).hasSize(producers * perProducer);
        assertThat(new HashSet<>(delivered)).hasSize(producers * perProducer);
        assertThat(ranOn).containsOnly(loopThread);
    }

    /** call_soon_threadsafe wakes a loop that is parked with nothing to do. */
    @ParameterizedTest
    @MethodSource(FACTORIES)
    void callSoonThreadsafeWakesAnIdleLoop(ThreadFactory factory) throws Exception {
        try (EventLoop loop = new EventLoop();
                RunningLoop running = RunningLoop.start(factory, loop)) {
            awaitParked(running.thread());
            CountDownLatch woke = new CountDownLatch(1);
            loop.callSoonThreadsafe(woke::countDown);
            assertThat(woke.await(30, TimeUnit.SECONDS)).as("the parked loop ran the callback")
                    .isTrue();
        }
    }

    /** An idle loop waiting for a far deadline is parked (TIMED_WAITING) and runs no iterations. */
    @ParameterizedTest
    @MethodSource(FACTORIES)
    void idleLoopIsParkedNotSpinning(ThreadFactory factory) throws Exception {
        EventLoop loop = new EventLoop();
        loop.callLater(Duration.ofHours(1), EventLoopTest::nothing);
        try (loop; RunningLoop running = RunningLoop.start(factory, loop)) {
            Thread loopThread = running.thread();
            awaitParked(loopThread);
            long iterations = loop.iterations();
            for (int sample = 0; sample < 50; sample++) {
                assertThat(loopThread.getState()).as("sample %d", sample)
                        .isEqualTo(Thread.State.TIMED_WAITING);
                Thread.sleep(2); // let time pass between samples; a spinning loop would count iterations
            }
            assertThat(loop.iterations()).as("iterations while idle").isEqualTo(iterations);
        }
    }

    /** call_soon, call_later and call_at from a foreign thread while the loop runs fail as asyncio's debug check does. */
    @Test
    void nonThreadsafeCallFromAForeignThreadFails() throws Exception {
        try (EventLoop loop = new EventLoop();
                RunningLoop running = RunningLoop.start(Thread.ofPlatform().factory(), loop)) {
            assertThat(running.loop().isRunning()).as("the loop runs on another thread").isTrue();
            List<Runnable> uses = List.of(
                    () -> loop.callSoon(EventLoopTest::nothing),
                    () -> loop.callLater(Duration.ZERO, EventLoopTest::nothing),
                    () -> loop.callAt(0.0, EventLoopTest::nothing));
            for (Runnable use : uses) {
                assertThatThrownBy(use::run).isInstanceOf(WrongThreadException.class)
                        .hasMessage(
                                "Non-thread-safe operation invoked on an event loop other than the current one");
            }
        }
    }

    /** A null or negative delay is rejected. */
    @Test
    void nullOrNegativeDelayIsRejected() {
        try (EventLoop loop = new EventLoop()) {
            assertThatThrownBy(() -> loop.callLater(null, EventLoopTest::nothing))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("delay must not be null");
            assertThatThrownBy(() -> loop.callLater(Duration.ofMillis(-1), EventLoopTest::nothing))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("delay must not be negative");
        }
    }

    /** run_until_complete returns the future's result once a callback completes it. */
    @Test
    void runUntilCompleteReturnsTheResult() {
        FakeClock clock = new FakeClock();
        try (EventLoop loop = new EventLoop(clock)) {
            CompletableFuture<String> future = new CompletableFuture<>();
            loop.callSoon(() -> loop.callAt(0.0, () -> future.complete("done")));
            assertThat(loop.runUntilComplete(future)).isEqualTo("done");
            assertThat(loop.runUntilComplete(() -> 6 * 7)).isEqualTo(42);
        }
    }

    /** run_until_complete rethrows the future's exception as it is. */
    @Test
    void runUntilCompleteRethrowsTheException() {
        try (EventLoop loop = new EventLoop()) {
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            assertThatThrownBy(() -> loop.runUntilComplete(() -> {
                throw boom;
            })).isSameAs(boom);
        }
    }

    /** run_until_complete fails when stop() ends the run before the future completes. */
    @Test
    void runUntilCompleteFailsWhenStoppedFirst() {
        try (EventLoop loop = new EventLoop()) {
            loop.callSoon(loop::stop);
            assertThatThrownBy(() -> loop.runUntilComplete(new CompletableFuture<>()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Event loop stopped before Future completed.");
        }
    }

    /** get_running_loop: inside a callback it is the loop; with no loop running it fails. */
    @Test
    void runningLoopIsTheLoopOnlyWhileItRuns() {
        try (EventLoop loop = new EventLoop()) {
            AtomicReference<EventLoop> seen = new AtomicReference<>();
            loop.callSoon(() -> seen.set(EventLoop.runningLoop()));
            runOneBatch(loop);
            assertThat(seen.get()).isSameAs(loop);
            assertThatThrownBy(EventLoop::runningLoop).isInstanceOf(IllegalStateException.class)
                    .hasMessage("no running event loop");
        }
    }

    /** Interrupting a parked loop thread stops the loop and leaves the interrupt status set. */
    @ParameterizedTest
    @MethodSource(FACTORIES)
    void interruptStopsAParkedLoop(ThreadFactory factory) throws Exception {
        try (EventLoop loop = new EventLoop()) {
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
            loop.callSoon(started::countDown);
            Thread thread = factory.newThread(() -> {
                loop.runForever();
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
            thread.start();
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            awaitParked(thread);
            thread.interrupt();
            assertThat(thread.join(Duration.ofSeconds(30))).as("runForever returned").isTrue();
            assertThat(interruptedAfter.get()).isTrue();
            assertThat(loop.isRunning()).isFalse();
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    /** A clock the test moves by hand. */
    private static final class FakeClock implements LongSupplier {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long getAsLong() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    /** stop() then run_forever: exactly one batch. */
    private static void runOneBatch(EventLoop loop) {
        loop.stop();
        loop.runForever();
    }

    /** run_forever on its own thread; close() stops the loop and joins the thread. */
    private record RunningLoop(EventLoop loop, Thread thread) implements AutoCloseable {

        /** Starts the thread and returns once the loop has run its first callback. */
        static RunningLoop start(ThreadFactory factory, EventLoop loop)
                throws InterruptedException {
            CountDownLatch started = new CountDownLatch(1);
            loop.callSoon(started::countDown);
            Thread thread = factory.newThread(loop::runForever);
            thread.start();
            RunningLoop running = new RunningLoop(loop, thread);
            if (!started.await(30, TimeUnit.SECONDS)) {
                running.close();
                throw new AssertionError("the loop never started");
            }
            return running;
        }

        @Override
        public void close() {
            loop.stop();
            try {
                if (!thread.join(Duration.ofSeconds(30))) {
                    throw new AssertionError("the loop thread did not end");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while joining the loop thread", e);
            }
        }
    }

    /** Waits (bounded) until the loop thread is parked. */
    private static void awaitParked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != Thread.State.WAITING
                && thread.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the loop thread never parked; last state " + thread.getState());
            }
            Thread.sleep(1);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the producers never started together", e);
        }
    }

    private static Throwable catchThrowable(Runnable action) {
        try {
            action.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** A callback that does nothing. */
    private static void nothing() {}
}
