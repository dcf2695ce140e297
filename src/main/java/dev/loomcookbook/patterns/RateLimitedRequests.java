package dev.loomcookbook.patterns;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.StructuredTaskScope;

/**
 * A token-bucket rate limiter holding 100 requests a second, 10 at once, across 40 virtual
 * threads that each send one request to an embedded site.
 */
public final class RateLimitedRequests {

    /** This recipe: {@code recipes token-bucket}. */
    public static final Recipe RECIPE = Recipe.of("token-bucket",
            "a token bucket: N requests a second over asyncio.sleep",
            RateLimitedRequests.class, RateLimitedRequests::run)
            .differs("no rate limiter in the JDK (Guava has one); the bucket takes a lock, the"
                    + " twin needs none")
            .normalise("\\bTrue\\b", "true");

    private RateLimitedRequests() {}

    static void run(PrintStream out) throws Exception {
        try (var site = EmbeddedSite.start("api")) {
            site.page("/quote", "ok\n");
            // @start region="token-bucket"
            var bucket = new TokenBucket(100, Duration.ofSeconds(1), 10);   // 10 at once
            Queue<Long> taken = new ConcurrentLinkedQueue<>();             // when, in nanos
            try (var scope = StructuredTaskScope.open()) {
                for (int i = 0; i < 40; i++) {
                    scope.fork(() -> {
                        taken.add(bucket.acquire());                       // waits for a token
                        return HttpGet.get(site.uri("/quote")).status();
                    });
                }
                scope.join();
            }
            out.println("40 senders at once, one request each, 100 a second and 10 at once");
            out.println("the site answered: " + site.requests("/quote"));
            out.println("never more than 10 + 10 in any 100 ms: "
                    + (mostWithin(taken, Duration.ofMillis(100)) <= 20));
            // @end
        }
    }

    /** The most of {@code times} (nanos) that fall within one stretch of {@code window}. */
    static int mostWithin(Collection<Long> times, Duration window) {
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        int most = 0;
        for (int first = 0, last = 0; last < sorted.length; last++) {
            while (sorted[last] - sorted[first] > window.toNanos()) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
