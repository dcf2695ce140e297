package dev.loomcookbook.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
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
        try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll(), cf -> cf.withThreadFactory(factory))) {
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
}
