package dev.loomcookbook.queues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.RecipeRun;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import org.junit.jupiter.api.Test;

/** {@link NoWait}: put_nowait, get_nowait and get with a timeout on a BlockingQueue. */
class NoWaitTest {

    /** offer is false when full, poll is null when empty or when the timeout passes first. */
    @Test
    void falseWhenFullNullWhenEmptyOrTimedOut() {
        assertThat(RecipeRun.lines(NoWait.RECIPE)).containsExactly(
                "put 1 without waiting: ok",
                "put 2 without waiting: full",
                "get without waiting: 1",
                "get without waiting: empty",
                "get within 100 ms: timed out",
                "get within 30 s: 7");
    }

    /** add and remove are the forms that throw, as put_nowait and get_nowait raise. */
    @Test
    void addAndRemoveThrowInstead() {
        ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(1);
        q.add(1);
        assertThatThrownBy(() -> q.add(2)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Queue full");
        assertThat(q.remove()).isOne();
        assertThatThrownBy(q::remove).isInstanceOf(NoSuchElementException.class);
    }
}
