package dev.loomcookbook.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.RecipeRun;
import java.time.Duration;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link StepDeadlines}: a step's own timeout, and the overall deadline around the steps. */
class StepDeadlinesTest {

    private static final Duration A_DAY = Duration.ofDays(1);

    /**
     * A step past its own timeout is skipped, and the next step still runs. (Whether its request
     * reached the site within the 20 ms depends on the machine: the one that did hung up.)
     */
    @Test
    void aStepTimeoutSkipsOnlyThatStep() throws Exception {
        try (var site = EmbeddedSite.start("shop").hang("/slow").page("/fast", "fine\n")) {
            assertThat(StepDeadlines.step(site.uri("/slow"), Duration.ofMillis(20)))
                    .isEqualTo("skipped, no answer within 20 ms");
            assertThat(StepDeadlines.step(site.uri("/fast"), A_DAY)).isEqualTo("fine");
            assertThat(site.awaitHangUps(site.requests("/slow"), Duration.ofSeconds(30)))
                    .isTrue();
        }
    }

    /**
     * The overall deadline passing during a step with a longer timeout of its own ends the step
     * and the steps after it: join() throws TimeoutException, the step returns no fallback.
     */
    @Test
    void theOverallDeadlineEndsTheStepInFlight() throws Exception {
        var stepReturned = new AtomicBoolean();
        try (var site = EmbeddedSite.start("shop").hang("/slow")) {
            assertThatThrownBy(() -> {
                try (var overall = StructuredTaskScope.open(Joiner.awaitAllSuccessfulOrThrow(),
                        cf -> cf.withTimeout(Duration.ofMillis(20)))) {
                    overall.fork(() -> {
                        StepDeadlines.step(site.uri("/slow"), A_DAY);
                        stepReturned.set(true);
                        return null;
                    });
                    overall.join();
                }
            }).isInstanceOf(StructuredTaskScope.TimeoutException.class);
            assertThat(stepReturned).isFalse();
        }
    }

    /**
     * The outer scope's cancellation reaches the step's request while it is in flight: the site
     * sees it hang up. (Cancelled here by a failing sibling once the request is in flight, so
     * that no timer has to be long enough.)
     */
    @Test
    void theOuterCancellationHangsUpTheStepsRequest() throws Exception {
        var stepReturned = new AtomicBoolean();
        try (var site = EmbeddedSite.start("shop").hang("/slow")) {
            assertThatThrownBy(() -> {
                try (var overall = StructuredTaskScope.open(Joiner.awaitAllSuccessfulOrThrow())) {
                    overall.fork(() -> {
                        StepDeadlines.step(site.uri("/slow"), A_DAY);
                        stepReturned.set(true);
                        return null;
                    });
                    overall.fork(() -> {
                        Eventually.await("the step's request in flight",
                                () -> site.inFlight() == 1);
                        throw new IllegalStateException("the overall budget is spent");
                    });
                    overall.join();
                }
            }).isInstanceOf(StructuredTaskScope.FailedException.class);
            assertThat(stepReturned).isFalse();
            assertThat(site.awaitHangUps(1, Duration.ofSeconds(30))).isTrue();
        }
    }

    /** The recipe: one step answers, one is skipped, the overall deadline ends the third. */
    @Test
    void theRecipeNestsTheDeadlines() {
        assertThat(RecipeRun.lines(StepDeadlines.RECIPE)).containsExactly(
                "/cart: 3 items",
                "/recommendations: skipped, no answer within 1000 ms",
                "overall deadline of 1500 ms passed: the step in flight was cancelled",
                "the site saw 2 clients hang up");
    }
}
