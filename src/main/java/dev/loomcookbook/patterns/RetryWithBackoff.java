package dev.loomcookbook.patterns;

import dev.loomcookbook.recipes.Recipe;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Retry with exponential backoff and jitter, inside one overall deadline that also interrupts a
 * try in flight: a server that fails the first two requests, and one that hangs.
 */
public final class RetryWithBackoff {

    /** This recipe: {@code recipes retry}. */
    public static final Recipe RECIPE = Recipe.of("retry",
            "retry: exponential backoff and jitter in asyncio.timeout(t)",
            RetryWithBackoff.class, RetryWithBackoff::run)
            .differs("no retry in either library; the deadline interrupts the try's thread,"
                    + " closing its socket");

    private RetryWithBackoff() {}

    static void run(PrintStream out) throws Exception {
        try (var site = EmbeddedSite.start("api")) {
            site.failFirst("/flaky", 2, "the answer\n").hang("/stuck");
            // @start region="retry"
            RetryPolicy policy = RetryPolicy.exponential(Duration.ofMillis(20), 5)
                    .withCap(Duration.ofMillis(100))            // windows 20, 40, 80, 100 ms
                    .withDeadline(Duration.ofMillis(1000))      // over every try and backoff
                    .retryOn(e -> e instanceof IOException)
                    .onRetry((n, failure, backoff) -> out.println("  try " + n + " failed ("
                            + failure.getMessage() + "): backing off"));
            out.println("backoff windows: " + IntStream.rangeClosed(1, 4)
                    .mapToObj(n -> String.valueOf(policy.window(n).toMillis()))
                    .collect(Collectors.joining(", ")) + " ms, a random wait in each");
            out.println("/flaky: " + policy.call(n -> get(out, site.uri("/flaky"), n)));
            try {
                policy.call(n -> get(out, site.uri("/stuck"), n));
            } catch (TimeoutException e) {
                out.println("/stuck: gave up at the deadline of 1000 ms");
            }
            // @end
            site.awaitHangUps(1, Duration.ofSeconds(10));
            out.println("requests to /flaky: " + site.requests("/flaky") + ", to /stuck: "
                    + site.requests("/stuck") + ", which hung up: " + site.hangUps());
        }
    }

    // @start region="get"
    /** One try: the body of a 2xx answer; any other is a failure, worth a retry if 5xx. */
    static String get(PrintStream out, URI uri, int n) throws IOException, InterruptedException {
        out.println("  try " + n + ": GET " + uri.getPath());
        HttpGet.Response answer = HttpGet.get(uri);
        if (answer.status() >= 500) {
            throw new IOException(answer.status() + " from " + uri.getPath());
        }
        if (answer.status() >= 300) {
            throw new IllegalStateException(answer.status() + " from " + uri.getPath());
        }
        return answer.body().strip();
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
