package dev.loomcookbook.tasks;

import static dev.loomcookbook.testing.Latches.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.RecipeRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CancelFromOutside}: a scope is cancelled from outside by interrupting its owner, as a
 * TaskGroup is by cancelling the task that runs it.
 */
class CancelFromOutsideTest {

    /** What the owner saw: how join() ended, and how many subtasks had ended by then. */
    private record Seen(String join, int endedAfterClose, List<Throwable> suppressed) {}

    /** Owns a scope of two subtasks that block until interrupted; records what it saw. */
    private static Seen own(ThreadFactory factory, CountDownLatch started, boolean interruptFirst) {
        AtomicInteger ended = new AtomicInteger();
        String join;
        List<Throwable> suppressed = new ArrayList<>();
        if (interruptFirst) {
            Thread.currentThread().interrupt();
        }
        try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.awaitAll(),
                cf -> cf.withThreadFactory(factory))) {
            for (int i = 0; i < 2; i++) {
                scope.fork(() -> {
                    try {
                        started.countDown();
                        new CountDownLatch(1).await();
                    } finally {
                        ended.incrementAndGet();
                    }
                    return null;
                });
            }
            scope.join();
            join = "returned";
        } catch (InterruptedException e) {
            join = "threw InterruptedException";
            suppressed.addAll(List.of(e.getSuppressed()));
        }
        return new Seen(join, ended.get(), suppressed);
    }

    /**
     * Interrupting the owner in join() cancels the scope: join() throws InterruptedException,
     * close() adds no error, and both subtasks have ended when it returns.
     */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void interruptingTheOwnerCancelsTheScope(ThreadFactory factory) throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        AtomicReference<Seen> seen = new AtomicReference<>();
        Thread owner = Thread.ofVirtual().start(() -> seen.set(own(factory, started, false)));
        await(started);
        owner.interrupt();
        owner.join();
        assertThat(seen.get()).isEqualTo(new Seen("threw InterruptedException", 2, List.of()));
    }

    /** An owner interrupted before join() gets InterruptedException from join() at once. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void anOwnerInterruptedBeforeJoinIsCancelledToo(ThreadFactory factory) throws Exception {
        AtomicReference<Seen> seen = new AtomicReference<>();
        Thread owner = Thread.ofVirtual()
                .start(() -> seen.set(own(factory, new CountDownLatch(2), true)));
        owner.join();
        assertThat(seen.get()).isEqualTo(new Seen("threw InterruptedException", 2, List.of()));
    }

    /** The recipe: both tasks cancelled, then the group, then the awaiting main. */
    @Test
    void recipePrintsTheCancellation() {
        List<String> lines = RecipeRun.lines(CancelFromOutside.RECIPE);
        assertThat(lines.subList(0, 2)).containsExactlyInAnyOrder("a was cancelled",
                "b was cancelled");
        assertThat(lines.subList(2, lines.size())).containsExactly(
                "the group was cancelled from outside", "group task ended");
    }
}
