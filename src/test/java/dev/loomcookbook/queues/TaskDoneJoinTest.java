package dev.loomcookbook.queues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.RecipeRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TaskDoneJoin}: join() returns once every item is marked done; the workers then end. */
class TaskDoneJoinTest {

    /** Every item is done before join() returns, and the cancelled workers end after it. */
    @Test
    void joinReturnsAfterEveryItemIsDoneThenTheWorkersEnd() {
        List<String> lines = RecipeRun.lines(TaskDoneJoin.RECIPE);
        assertThat(lines).hasSize(6);
        assertThat(lines.subList(0, 4)).containsExactlyInAnyOrder(
                "item 1 done", "item 2 done", "item 3 done", "item 4 done");
        assertThat(lines.subList(4, 6))
                .containsExactly("join() returned: 4 of 4 items done", "workers ended");
    }
}
