package dev.loomcookbook.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.RecipeRun;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RateLimitedRequests}: the window count it prints, and the recipe's run. */
class RateLimitedRequestsTest {

    /** mostWithin counts the times within one window, its two ends included. */
    @Test
    void mostWithinCountsOneWindow() {
        Duration window = Duration.ofNanos(10);
        assertThat(RateLimitedRequests.mostWithin(List.of(), window)).isZero();
        assertThat(RateLimitedRequests.mostWithin(List.of(0L, 10L, 11L, 20L, 21L), window))
                .isEqualTo(3);
        assertThat(RateLimitedRequests.mostWithin(List.of(30L, 0L, 5L, 31L, 40L), window))
                .isEqualTo(3);
    }

    /** The recipe: 40 requests answered, never more than 20 granted within 100 ms. */
    @Test
    void theRecipeHoldsTheRate() {
        assertThat(RecipeRun.lines(RateLimitedRequests.RECIPE)).containsExactly(
                "40 senders at once, one request each, 100 a second and 10 at once",
                "the site answered: 40",
                "never more than 10 + 10 in any 100 ms: true");
    }
}
