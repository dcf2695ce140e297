package dev.loomcookbook.tasks;

import static dev.loomcookbook.testing.Latches.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.RecipeRun;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link NeverAwaited}: a scope closed without join(), the Java form of an unawaited coroutine. */
class NeverAwaitedTest {

    /**
     * close() without join() throws IllegalStateException, having interrupted the forked subtask
     * and waited for it to end.
     */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void closeWithoutJoinCancelsAndThrows(ThreadFactory factory) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        assertThatThrownBy(() -> {
            try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.awaitAll(),
                    cf -> cf.withThreadFactory(factory))) {
                scope.fork(() -> {
                    try {
                        started.countDown();
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    } finally {
                        ended.countDown();
                    }
                    return null;
                });
                await(started);
            }
        }).isInstanceOf(IllegalStateException.class).hasMessage("Owner did not join after forking");
        assertThat(interrupted.getCount()).as("interrupted").isZero();
        assertThat(ended.getCount()).as("ended before close() returned").isZero();
    }

    /** The mistake is forking without joining: a scope that forked nothing closes quietly. */
    @Test
    void aScopeThatForkedNothingClosesQuietly() {
        try (var scope = StructuredTaskScope.open()) {
            assertThat(scope.isCancelled()).isFalse();
        }
    }

    /** The recipe: the mistake is reported, and the work never reached its end. */
    @Test
    void recipePrintsTheMistake() {
        assertThat(RecipeRun.lines(NeverAwaited.RECIPE)).containsExactly(
                "mistake reported as IllegalStateException", "fetch ran to the end: false");
    }
}
