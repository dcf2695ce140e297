package dev.loomcookbook.futures;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** asyncio.Future semantics on CompletableFuture: set_result, set_exception and cancel each reach the done-callback once. */
class CompleterTest {

    private static final BigInteger FACTORIAL_50 =
            new BigInteger("30414093201713378043612608166064768844377641568960512000000000000");

    /** What one done-callback saw: how often it ran, and the value or error of its last call. */
    private static final class CallbackLog<T> {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicReference<T> value = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        /** Registers this log as a done-callback; the returned future completes after it ran. */
        CompletableFuture<T> attachTo(CompletableFuture<T> future) {
            return future.whenComplete((v, e) -> {
                calls.incrementAndGet();
                value.set(v);
                error.set(e);
            });
        }
    }

    /** Each future's callback runs exactly once, with that future's result (the book's 1275 and 50!). */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void callbacksRunExactlyOnceWithTheRightValues(ThreadFactory factory) throws Exception {
        CompletableFuture<Long> sum = new CompletableFuture<>();
        CompletableFuture<BigInteger> factorial = new CompletableFuture<>();
        CallbackLog<Long> sumLog = new CallbackLog<>();
        CallbackLog<BigInteger> factorialLog = new CallbackLog<>();
        CompletableFuture<Long> sumDone = sumLog.attachTo(sum);
        CompletableFuture<BigInteger> factorialDone = factorialLog.attachTo(factorial);

        Thread t1 = Completer.start(factory, sum, () -> FuturesDemo.sumOfInts(50));
        Thread t2 = Completer.start(factory, factorial, () -> FuturesDemo.factorial(50));
        sumDone.get(30, SECONDS);
        factorialDone.get(30, SECONDS);
        joinAll(t1, t2);

        assertThat(sumLog.calls).hasValue(1);
        assertThat(sumLog.value).hasValue(1275L);
        assertThat(sumLog.error).hasNullValue();
        assertThat(factorialLog.calls).hasValue(1);
        assertThat(factorialLog.value).hasValue(FACTORIAL_50);
        assertThat(factorialLog.error).hasNullValue();
    }

    /** A task that throws completes its future exceptionally, and the callback receives that exception. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void exceptionalCompletionReachesTheCallback(ThreadFactory factory) throws Exception {
        IllegalStateException failure = new IllegalStateException("the coroutine failed");
        CompletableFuture<Long> future = new CompletableFuture<>();
        CallbackLog<Long> log = new CallbackLog<>();
        CompletableFuture<Long> done = log.attachTo(future);

        Thread thread = Completer.start(factory, future, () -> {
            throw failure;
        });
        done.handle((v, e) -> null).get(30, SECONDS);
        joinAll(thread);

        assertThat(log.calls).hasValue(1);
        assertThat(log.error).hasValue(failure);
        assertThat(log.value).hasNullValue();
        assertThat(future).isCompletedExceptionally();
    }

    /** Cancelling a pending future runs its callback once, with a CancellationException. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void cancellingAPendingFutureReachesTheCallback(ThreadFactory factory) throws Exception {
        CompletableFuture<Long> future = new CompletableFuture<>();
        CallbackLog<Long> log = new CallbackLog<>();
        CompletableFuture<Long> done = log.attachTo(future);
        Thread thread = startBlockedTask(factory, future, new AtomicInteger());

        assertThat(future.cancel(true)).isTrue();
        done.handle((v, e) -> null).get(30, SECONDS);
        joinAll(thread);

        assertThat(log.calls).hasValue(1);
        assertThat(log.error).hasValueMatching(e -> e instanceof CancellationException);
    }

    /** Cancelling a pending future interrupts the task computing it. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void cancellingAPendingFutureInterruptsTheTask(ThreadFactory factory) throws Exception {
        CompletableFuture<Long> future = new CompletableFuture<>();
        AtomicInteger interrupted = new AtomicInteger();
        Thread thread = startBlockedTask(factory, future, interrupted);

        future.cancel(true);
        joinAll(thread);

        assertThat(interrupted).as("the task was interrupted by the cancellation").hasValue(1);
    }

    /** The task's late result (its set_result after the cancel) is ignored: the future stays cancelled. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void aCancelledFutureIgnoresTheLateResult(ThreadFactory factory) throws Exception {
        CompletableFuture<Long> future = new CompletableFuture<>();
        CallbackLog<Long> log = new CallbackLog<>();
        var _ = log.attachTo(future);
        Thread thread = startBlockedTask(factory, future, new AtomicInteger());

        future.cancel(true);
        joinAll(thread); // the task has returned 42 and Completer has called complete(42)

        assertThat(future).isCancelled();
        assertThat(log.value).hasNullValue();
        assertThat(log.calls).hasValue(1);
    }

    /** A callback registered on a pending future runs on the thread that completes it. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void callbackRunsOnTheCompletingThread(ThreadFactory factory) throws Exception {
        CompletableFuture<Long> future = new CompletableFuture<>();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CompletableFuture<Long> done =
                future.whenComplete((v, e) -> ranOn.set(Thread.currentThread()));

        Thread completer = Completer.start(factory, future, () -> 1L);
        done.get(30, SECONDS);
        joinAll(completer);

        assertThat(ranOn).hasValue(completer);
    }

    /** A callback registered on an already-completed future runs at once, on the registering thread, before whenComplete returns. */
    @Test
    void callbackOnACompletedFutureRunsAtOnceOnTheCaller() {
        CompletableFuture<Long> future = CompletableFuture.completedFuture(1L);
        AtomicReference<Thread> ranOn = new AtomicReference<>();

        var _ = future.whenComplete((v, e) -> ranOn.set(Thread.currentThread()));

        assertThat(ranOn).as("ran before whenComplete returned").hasValue(Thread.currentThread());
    }

    /** Starts a task that blocks until interrupted (counting the interrupt) and returns 42 after; returns once it runs. */
    private static Thread startBlockedTask(ThreadFactory factory, CompletableFuture<Long> future,
            AtomicInteger interrupted)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Thread thread = Completer.start(factory, future, () -> {
            started.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
            return 42L; // the late set_result: ignored, the future is already cancelled
        });
        assertThat(started.await(30, SECONDS)).isTrue();
        assertThat(future).isNotDone();
        return thread;
    }

    private static void joinAll(Thread... threads) throws InterruptedException {
        for (Thread t : threads) {
            assertThat(t.join(java.time.Duration.ofSeconds(30))).as(t + " ended").isTrue();
        }
    }
}
