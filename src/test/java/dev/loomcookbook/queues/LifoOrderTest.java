package dev.loomcookbook.queues;

import static dev.loomcookbook.testing.Blocked.awaitIn;
import static dev.loomcookbook.testing.Blocked.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.Blocked.Started;
import dev.loomcookbook.testing.RecipeRun;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link LifoOrder}: asyncio.LifoQueue as a LinkedBlockingDeque used at its front. */
class LifoOrderTest {

    /** The item put last comes out first; three items fill a deque of capacity 3. */
    @Test
    void lastInFirstOut() {
        assertThat(RecipeRun.lines(LifoOrder.RECIPE))
                .containsExactly("full: true", "got 3", "got 2", "got 1");
    }

    /** putFirst waits while the deque is full and goes on when an item is taken. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void putFirstWaitsWhileFull(ThreadFactory factory) throws Exception {
        LinkedBlockingDeque<Integer> stack = new LinkedBlockingDeque<>(1);
        stack.putFirst(1);
        Started<Void> putter = start(factory, () -> {
            stack.putFirst(2);
            return null;
        });
        awaitIn(putter.thread(), LinkedBlockingDeque.class, "putFirst");
        assertThat(stack.takeFirst()).isEqualTo(1);
        putter.result().get(30, TimeUnit.SECONDS);
        assertThat(stack.takeFirst()).isEqualTo(2);
    }
}
