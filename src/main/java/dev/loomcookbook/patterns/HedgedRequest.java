package dev.loomcookbook.patterns;

import dev.loomcookbook.recipes.Recipe;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Hedged requests: a second request starts when the first has not answered within 50 ms, the
 * first success wins and the loser is cancelled, which its server sees as a hang-up.
 */
public final class HedgedRequest {

    /** This recipe: {@code recipes hedge}. */
    public static final Recipe RECIPE = Recipe.of("hedge",
            "hedged requests: asyncio.wait(..., timeout=, FIRST_COMPLETED)",
            HedgedRequest.class, HedgedRequest::run)
            .differs("the loser's thread is interrupted, which closes its socket; Python cancels"
                    + " its task");

    private HedgedRequest() {}

    static void run(PrintStream out) throws Exception {
        try (var slow = EmbeddedSite.start("replica-a");
                var fast = EmbeddedSite.start("replica-b")) {
            // replica-b answers once replica-a has the request, so that there is one to cancel
            var slowHasIt = new CountDownLatch(1);
            slow.route("/price", request -> {
                slowHasIt.countDown();
                return request.awaitHangUp();
            });
            fast.route("/price", request -> {
                slowHasIt.await();
                return EmbeddedSite.Answer.ok("42\n");
            });
            // @start region="hedge"
            Hedge hedge = Hedge.after(Duration.ofMillis(50));   // no answer in 50 ms: ask again
            String price = hedge.call(List.of(
                    () -> ask(out, slow, "/price"),
                    () -> ask(out, fast, "/price")));
            out.println("price " + price + ": the first answer wins");
            // @end
            slow.awaitHangUps(1, Duration.ofSeconds(10));
            out.println("replica-a saw its client hang up: " + slow.hangUps() + " time(s)");
            out.println("requests: replica-a " + slow.requests() + ", replica-b "
                    + fast.requests());
        }
    }

    // @start region="ask"
    static String ask(PrintStream out, EmbeddedSite replica, String path) throws Exception {
        out.println("asking " + replica.name());
        try {
            HttpGet.Response answer = HttpGet.get(replica.uri(path));
            if (answer.status() != 200) {
                throw new IOException(answer.status() + " from " + replica.name());
            }
            out.println(replica.name() + " answered");
            return answer.body().strip();
        } catch (InterruptedException e) {
            out.println(replica.name() + ": request cancelled");
            throw e;
        }
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
