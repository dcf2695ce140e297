package dev.loomcookbook.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.RecipeRun;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RetryWithBackoff}: which answers are retried, and the recipe's two runs. */
class RetryWithBackoffTest {

    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    /** A 5xx answer is a failure worth a retry: the policy tries until the site answers. */
    @Test
    void a5xxIsRetried() throws Exception {
        try (var site = EmbeddedSite.start("api").failFirst("/flaky", 3, "ok\n")) {
            RetryPolicy policy = RetryPolicy.exponential(Duration.ofMillis(1), 5);
            String answer = policy.call(n -> RetryWithBackoff.get(NOWHERE, site.uri("/flaky"), n));
            assertThat(answer).isEqualTo("ok");
            assertThat(site.requests("/flaky")).isEqualTo(4);
        }
    }

    /** A 4xx answer is not: one request, and the failure names the status. */
    @Test
    void a4xxIsNotRetried() {
        try (var site = EmbeddedSite.start("api")) {
            RetryPolicy policy = RetryPolicy.exponential(Duration.ofMillis(1), 5);
            assertThatThrownBy(() -> policy.call(n -> RetryWithBackoff.get(NOWHERE,
                    site.uri("/missing"), n)))
                    .isInstanceOf(IllegalStateException.class).hasMessage("404 from /missing");
            assertThat(site.requests("/missing")).isEqualTo(1);
        }
    }

    /**
     * The recipe: two 503s, then the answer on the third try; then a try that hangs, ended by the
     * deadline, which the site sees as a hang-up.
     */
    @Test
    void theRecipeRetriesThenMeetsTheDeadline() {
        assertThat(RecipeRun.lines(RetryWithBackoff.RECIPE)).containsExactly(
                "backoff windows: 20, 40, 80, 100 ms, a random wait in each",
                "  try 1: GET /flaky",
                "  try 1 failed (503 from /flaky): backing off",
                "  try 2: GET /flaky",
                "  try 2 failed (503 from /flaky): backing off",
                "  try 3: GET /flaky",
                "/flaky: the answer",
                "  try 1: GET /stuck",
                "/stuck: gave up at the deadline of 1000 ms",
                "requests to /flaky: 3, to /stuck: 1, which hung up: 1");
    }
}
