package dev.loomcookbook.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.TaskThread;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The asyncio task operations as StructuredTaskScope guarantees (gather, TaskGroup, wait_for,
 * first-completed, contextvars), each proven with latches, never with timing.
 */
class StructuredTaskScopeTest {

    /** Bounded wait for the test's own latches: a safety net against hangs, never a timing guess. */
    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("latch not released within 30 s");
        }
    }

    /** Blocks until interrupted, then counts down {@code interrupted} and rethrows. */
    private static String blockUntilInterrupted(CountDownLatch started, CountDownLatch interrupted)
            throws InterruptedException {
        started.countDown();
        try {
            new CountDownLatch(1).await();
            throw new AssertionError("unreachable");
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
    }

    /** gather: allSuccessfulOrThrow yields results in fork order even when they complete in reverse. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void resultsInForkOrder(ThreadFactory factory) throws Exception {
        CountDownLatch firstMayEnd = new CountDownLatch(1);
        CountDownLatch secondMayEnd = new CountDownLatch(1);
        Queue<String> completionOrder = new ConcurrentLinkedQueue<>();
        List<String> results;
        try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow(),
                cf -> cf.withThreadFactory(factory))) {
            scope.fork(() -> {
                await(firstMayEnd);
                completionOrder.add("first");
                return "first";
            });
            scope.fork(() -> {
                await(secondMayEnd);
                completionOrder.add("second");
                firstMayEnd.countDown();
                return "second";
            });
            scope.fork(() -> {
                completionOrder.add("third");
                secondMayEnd.countDown();
                return "third";
            });
            results = scope.join().map(Subtask::get).toList();
        }
        assertThat(completionOrder).containsExactly("third", "second", "first");
        assertThat(results).containsExactly("first", "second", "third");
    }

    /** TaskGroup: a failing subtask cancels the scope, which interrupts the blocked siblings. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void failureInterruptsBlockedSiblings(ThreadFactory factory) throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch interrupted = new CountDownLatch(2);
        IllegalStateException boom = new IllegalStateException("boom");
        try (var scope = StructuredTaskScope.open(Joiner.awaitAllSuccessfulOrThrow(),
                cf -> cf.withThreadFactory(factory))) {
            scope.fork(() -> blockUntilInterrupted(started, interrupted));
            scope.fork(() -> blockUntilInterrupted(started, interrupted));
            scope.fork(() -> {
                await(started);
                throw boom;
            });
            assertThatThrownBy(scope::join).isInstanceOf(StructuredTaskScope.FailedException.class)
                    .hasCause(boom);
        }
        assertThat(interrupted.getCount()).as("siblings still waiting to be interrupted").isZero();
    }

    /** Racing: anySuccessfulResultOrThrow returns the first success and interrupts the others. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void firstSuccessCancelsTheRest(ThreadFactory factory) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Subtask<String> loser;
        String winner;
        try (var scope = StructuredTaskScope.open(Joiner.<String>anySuccessfulResultOrThrow(),
                cf -> cf.withThreadFactory(factory))) {
            loser = scope.fork(() -> blockUntilInterrupted(started, interrupted));
            scope.fork(() -> {
                await(started);
                return "winner";
            });
            winner = scope.join();
        }
        assertThat(winner).isEqualTo("winner");
        assertThat(interrupted.getCount()).as("loser not interrupted").isZero();
        assertThat(loser.state()).isEqualTo(Subtask.State.UNAVAILABLE);
    }

    /** wait_for: a scope timeout raises StructuredTaskScope.TimeoutException; the subtask's thread has ended. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void timeoutRaisesTimeoutExceptionAndLeavesNoThreadRunning(ThreadFactory factory)
            throws Exception {
        // The timeout runs from open(): on a machine stalled between open() and fork() for longer
        // than that, fork() starts nothing, and the run proves nothing. It is run again then,
        // with a longer timeout.
        Duration timeout = Duration.ofMillis(500);
        while (!timesOutARunningSubtask(factory, timeout)) {
            timeout = timeout.multipliedBy(4);
            assertThat(timeout).as("fork() started no subtask before the timeout, again")
                    .isLessThan(Duration.ofMinutes(1));
        }
    }

    /**
     * A scope with {@code timeout} whose subtask blocks until interrupted: join() throws
     * TimeoutException, the subtask was interrupted and its thread has ended. False, proving
     * nothing, if the timeout expired before fork() could start the subtask.
     */
    private static boolean timesOutARunningSubtask(ThreadFactory factory, Duration timeout)
            throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<Thread> subtaskThread = new AtomicReference<>();
        ThreadFactory recording = task -> {
            Thread thread = factory.newThread(task);
            subtaskThread.set(thread);
            return thread;
        };
        try (var scope = StructuredTaskScope.open(Joiner.<String>anySuccessfulResultOrThrow(),
                cf -> cf.withThreadFactory(recording).withTimeout(timeout))) {
            scope.fork(() -> blockUntilInterrupted(started, interrupted));
            if (subtaskThread.get() == null) {             // the scope was cancelled already
                assertThatThrownBy(scope::join)
                        .isExactlyInstanceOf(StructuredTaskScope.TimeoutException.class);
                return false;
            }
            await(started);   // the subtask is running (and blocked) before the timeout can matter
            assertThatThrownBy(scope::join)
                    .isExactlyInstanceOf(StructuredTaskScope.TimeoutException.class);
        }
        assertThat(interrupted.getCount()).as("subtask not interrupted").isZero();
        assertThat(subtaskThread.get().join(Duration.ofSeconds(30))).as("subtask thread ended")
                .isTrue();
        return true;
    }

    /** gather(return_exceptions=True): awaitAll lets every subtask finish despite a failure and cancels nothing. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void awaitAllKeepsGoingAfterAFailure(ThreadFactory factory) throws Exception {
        TaskThread failingThread = new TaskThread();
        Subtask<String> failing;
        Subtask<String> later;
        try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll(),
                cf -> cf.withThreadFactory(factory))) {
            failing = scope.fork(() -> {
                failingThread.enter();
                throw new IllegalArgumentException("boom");
            });
            later = scope.fork(() -> {
                failingThread.awaitEnd();   // still running after the joiner has seen the failure
                return "done";
            });
            scope.join();
            assertThat(scope.isCancelled()).as("scope cancelled").isFalse();
        }
        assertThat(failing.state()).isEqualTo(Subtask.State.FAILED);
        assertThat(failing.exception()).hasMessage("boom");
        assertThat(later.state()).isEqualTo(Subtask.State.SUCCESS);
        assertThat(later.get()).isEqualTo("done");
    }

    /** wait(FIRST_COMPLETED): allUntil(s -> true) cancels the scope at the first completion, interrupting the pending one. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void allUntilFirstCompletedInterruptsThePending(ThreadFactory factory) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Subtask<String> pending;
        Subtask<String> done;
        List<Subtask<String>> joined;
        try (var scope = StructuredTaskScope.open(Joiner.<String>allUntil(s -> true),
                cf -> cf.withThreadFactory(factory))) {
            pending = scope.fork(() -> blockUntilInterrupted(started, interrupted));
            done = scope.fork(() -> {
                await(started);   // the other one is running (and blocked) when this completes
                return "first";
            });
            joined = scope.join().toList();
            await(interrupted);
        }
        assertThat(joined).containsExactly(pending, done);
        assertThat(done.state()).isEqualTo(Subtask.State.SUCCESS);
        assertThat(done.get()).isEqualTo("first");
        assertThat(pending.state()).isEqualTo(Subtask.State.UNAVAILABLE);
    }

    /** gather: under allSuccessfulOrThrow the first failure cancels the scope, interrupting the blocked siblings. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void gatherFirstFailureCancelsTheRest(ThreadFactory factory) throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch interrupted = new CountDownLatch(2);
        Subtask<String> first;
        Subtask<String> second;
        try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow(),
                cf -> cf.withThreadFactory(factory))) {
            first = scope.fork(() -> blockUntilInterrupted(started, interrupted));
            second = scope.fork(() -> blockUntilInterrupted(started, interrupted));
            scope.fork(() -> {
                await(started);
                throw new IllegalStateException("boom");
            });
            assertThatThrownBy(scope::join).isInstanceOf(StructuredTaskScope.FailedException.class);
            assertThat(scope.isCancelled()).as("scope cancelled").isTrue();
        }
        assertThat(interrupted.getCount()).as("siblings still waiting to be interrupted").isZero();
        assertThat(first.state()).isEqualTo(Subtask.State.UNAVAILABLE);
        assertThat(second.state()).isEqualTo(Subtask.State.UNAVAILABLE);
    }

    /** gather: join's FailedException carries the first failure to complete, not the first forked or a later one. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void gatherReportsTheFirstFailure(ThreadFactory factory) throws Exception {
        TaskThread earlyThread = new TaskThread();
        IllegalStateException early = new IllegalStateException("early");
        IllegalStateException late = new IllegalStateException("late");
        Subtask<String> lateTask;
        try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow(),
                cf -> cf.withThreadFactory(factory))) {
            lateTask = scope.fork(() -> {   // forked first, fails second
                try {
                    earlyThread.awaitEnd();   // the joiner has seen the early failure
                } catch (InterruptedException cancelled) {
                    // the early failure cancelled the scope: fail anyway, as a task ignoring the cancel would
                }
                throw late;
            });
            scope.fork(() -> {
                earlyThread.enter();
                throw early;
            });
            assertThatThrownBy(scope::join).isInstanceOf(StructuredTaskScope.FailedException.class)
                    .hasCause(early);
        }
        assertThat(lateTask.state()).as("the late failure is not reported")
                .isEqualTo(Subtask.State.UNAVAILABLE);
    }

    /** contextvars: a ScopedValue bound around the scope is visible in its subtasks and unbound outside. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void scopedValueVisibleInSubtasksNotOutside(ThreadFactory factory) throws Exception {
        List<String> seen = ScopedValue.where(RequestContext.REQUEST_ID, "req-42").call(() -> {
            try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow(),
                    cf -> cf.withThreadFactory(factory))) {
                scope.fork(RequestContext::requestId);
                scope.fork(() -> RequestContext.REQUEST_ID.get());
                return scope.join().map(Subtask::get).toList();
            }
        });
        assertThat(seen).containsExactly("req-42", "req-42");
        assertThat(RequestContext.REQUEST_ID.isBound()).isFalse();
        assertThat(RequestContext.requestId()).isEqualTo("(unbound)");
    }

    /** Unlike a scope's subtasks, a plain new thread does not inherit a ScopedValue binding. */
    @Test
    void plainThreadDoesNotInheritScopedValue() throws Exception {
        AtomicReference<Boolean> bound = new AtomicReference<>();
        ScopedValue.where(RequestContext.REQUEST_ID, "req-42").call(() -> {
            Thread t =
                    Thread.ofVirtual().start(() -> bound.set(RequestContext.REQUEST_ID.isBound()));
            t.join();
            return null;
        });
        assertThat(bound.get()).isFalse();
    }
}
