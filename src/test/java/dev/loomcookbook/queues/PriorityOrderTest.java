package dev.loomcookbook.queues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.RecipeRun;
import java.util.concurrent.PriorityBlockingQueue;
import org.junit.jupiter.api.Test;

/** {@link PriorityOrder}: asyncio.PriorityQueue as the JDK's PriorityBlockingQueue. */
class PriorityOrderTest {

    /** Jobs come out lowest priority first, a tie broken by name, as Python's tuples compare. */
    @Test
    void leastFirstTiesByName() {
        assertThat(RecipeRun.lines(PriorityOrder.RECIPE))
                .containsExactly("1 also urgent", "1 urgent", "2 normal", "3 low");
    }

    /** PriorityBlockingQueue is unbounded: put never waits, far past its initial capacity. */
    @Test
    void putNeverWaits() {
        PriorityBlockingQueue<PriorityOrder.Job> q =
                new PriorityBlockingQueue<>(1, PriorityOrder.Job.ORDER);
        for (int i = 0; i < 1000; i++) {
            q.put(new PriorityOrder.Job(i % 7, "job " + i));
        }
        assertThat(q).hasSize(1000);
        assertThat(q.remainingCapacity()).isEqualTo(Integer.MAX_VALUE);
        assertThat(q.poll().priority()).isZero();
    }
}
