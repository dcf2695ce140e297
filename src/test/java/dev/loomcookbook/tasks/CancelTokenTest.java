package dev.loomcookbook.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.RecipeRun;
import java.util.concurrent.CancellationException;
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

/** {@link CancelToken}: Task.cancel() for one subtask of a scope that can only cancel as a whole. */
class CancelTokenTest {

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("latch not released within 30 s");
        }
    }

    /** cancel() interrupts only the token's work; a sibling subtask in the same scope finishes normally. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void cancelInterruptsOnlyThatTask(ThreadFactory factory) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch siblingMayEnd = new CountDownLatch(1);
        var token = new CancelToken();
        Subtask<String> cancelled;
        Subtask<String> sibling;
        try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll(),
                cf -> cf.withThreadFactory(factory))) {
            cancelled = scope.fork(() -> token.run(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                    return "never";
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            }));
            sibling = scope.fork(() -> {
                await(siblingMayEnd);   // ends only after the cancellation below has happened
                return "sibling";
            });
            await(started);
            token.cancel();
            await(interrupted);
            siblingMayEnd.countDown();
            scope.join();
        }
        assertThat(cancelled.state()).isEqualTo(Subtask.State.FAILED);
        assertThat(cancelled.exception()).isInstanceOf(CancellationException.class);
        assertThat(sibling.get()).isEqualTo("sibling");
    }

    /** Without cancel(), run() returns the work's value. */
    @Test
    void uncancelledWorkReturnsItsValue() throws Exception {
        assertThat(new CancelToken().run(() -> "value")).isEqualTo("value");
    }

    /** Without cancel(), a failure of the work is rethrown as is. */
    @Test
    void uncancelledWorkFailureIsRethrown() {
        assertThatThrownBy(() -> new CancelToken().run(() -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    /**
     * cancel(reason) is task.cancel(msg): the interrupted work reads the reason from the token,
     * and run() throws a CancellationException with it as its message.
     */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void cancelWithAReasonHandsItToBothSides(ThreadFactory factory) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        var token = new CancelToken();
        var seenByWork = new AtomicReference<String>();
        Subtask<String> task;
        try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll(),
                cf -> cf.withThreadFactory(factory))) {
            task = scope.fork(() -> token.run(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                    return "never";
                } catch (InterruptedException e) {
                    seenByWork.set(token.reason().orElse("(none)"));
                    throw e;
                }
            }));
            await(started);
            token.cancel("client went away");
            scope.join();
        }
        assertThat(seenByWork.get()).isEqualTo("client went away");
        assertThat(task.exception()).isInstanceOf(CancellationException.class)
                .hasMessage("client went away");
    }

    private static Void blockForever() throws InterruptedException {
        new CountDownLatch(1).await();
        return null;
    }

    /** Cancelled twice, the token keeps the first reason. */
    @Test
    void theFirstReasonIsKept() {
        var token = new CancelToken();
        token.cancel("first");
        token.cancel("second");
        assertThat(token.reason()).hasValue("first");
        assertThatThrownBy(() -> token.run(CancelTokenTest::blockForever))
                .isInstanceOf(CancellationException.class).hasMessage("first");
    }

    /** Without a reason, reason() is empty and the message is "cancelled". */
    @Test
    void withoutAReasonTheMessageIsCancelled() {
        var token = new CancelToken();
        token.cancel();
        assertThat(token.reason()).isEmpty();
        assertThatThrownBy(() -> token.run(CancelTokenTest::blockForever))
                .isInstanceOf(CancellationException.class).hasMessage("cancelled");
    }

    /** The recipe: the download learns why, and so does whoever awaits it. */
    @Test
    void cancelMessageRecipePrintsTheReasonTwice() {
        assertThat(RecipeRun.lines(CancelMessage.RECIPE)).containsExactly(
                "download was cancelled: client went away",
                "await task raised: CancellationException: client went away");
    }
}
