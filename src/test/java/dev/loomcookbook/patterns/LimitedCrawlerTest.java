package dev.loomcookbook.patterns;

import static dev.loomcookbook.patterns.LimitedCrawler.links;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.RecipeRun;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link LimitedCrawler}: the limits and the fetched-once rule proven with the sites' own
 * counters, and the waiting tasks seen parked on their semaphore in a thread dump.
 */
class LimitedCrawlerTest {

    private static final String ACQUIRE = "java.util.concurrent.Semaphore.acquire";

    /**
     * Five pages on one host, a limit of 2 per host: two are in flight, the three others wait for
     * the host's permit, and while they wait the site has exactly two requests in flight.
     */
    @Test
    void thePerHostLimitIsReachedAndHeld() throws Exception {
        var release = new CountDownLatch(1);
        try (var site = EmbeddedSite.start("a");
                ExecutorService crawler = Executors.newVirtualThreadPerTaskExecutor()) {
            site.page("/", links("/1", "/2", "/3", "/4", "/5"));
            for (int i = 1; i <= 5; i++) {
                site.route("/" + i, held(release));
            }
            Future<LimitedCrawler.Crawl> crawl = crawler.submit(
                    () -> LimitedCrawler.crawl(site.uri(), 1, 10, 2));
            Eventually.await("two requests in flight", () -> site.inFlight() == 2);
            Eventually.awaitParkedIn(3, ACQUIRE, "patterns.LimitedCrawler.newLinks");
            assertThat(site.inFlight()).isEqualTo(2);
            assertThat(site.requests()).isEqualTo(1 + 2);
            release.countDown();
            assertThat(crawl.get().levels().get(1)).hasSize(5);
            assertThat(site.mostInFlight()).isEqualTo(2);
        }
    }

    /**
     * Two pages on each of three hosts, a limit of 3 in all: three are in flight across the
     * hosts, the three others wait, and the shared gauge stays at three.
     */
    @Test
    void theLimitInAllIsReachedAndHeld() throws Exception {
        var release = new CountDownLatch(1);
        var inAll = new EmbeddedSite.Gauge();
        try (var root = EmbeddedSite.start("root");
                var a = EmbeddedSite.start("a", Duration.ZERO, inAll);
                var b = EmbeddedSite.start("b", Duration.ZERO, inAll);
                var c = EmbeddedSite.start("c", Duration.ZERO, inAll);
                ExecutorService crawler = Executors.newVirtualThreadPerTaskExecutor()) {
            for (EmbeddedSite site : List.of(a, b, c)) {
                site.route("/1", held(release)).route("/2", held(release));
            }
            root.page("/", links(a.uri("/1"), a.uri("/2"), b.uri("/1"), b.uri("/2"), c.uri("/1"),
                    c.uri("/2")));
            Future<LimitedCrawler.Crawl> crawl = crawler.submit(
                    () -> LimitedCrawler.crawl(root.uri(), 1, 3, 2));
            Eventually.await("three requests in flight", () -> inAll.now() == 3);
            Eventually.awaitParkedIn(3, ACQUIRE, "patterns.LimitedCrawler.newLinks");
            assertThat(inAll.now()).isEqualTo(3);
            release.countDown();
            assertThat(crawl.get().levels().get(1)).hasSize(6);
            assertThat(inAll.most()).isEqualTo(3);
        }
    }

    /**
     * A site of cycles, cross links and pages linked many times: each page is requested exactly
     * once, by the site's count.
     */
    @Test
    void everyPageIsFetchedOnce() throws Exception {
        try (var site = EmbeddedSite.start("a")) {
            for (int i = 0; i < 12; i++) {
                site.page("/" + i, links("/" + (i + 1) % 12, "/" + (i * 5) % 12, "/" + (i * 7) % 12,
                        "/"));
            }
            site.page("/", links("/0", "/3", "/6", "/9"));
            LimitedCrawler.Crawl crawl = LimitedCrawler.crawl(site.uri(), 20, 4, 3);
            assertThat(crawl.levels().stream().mapToInt(List::size).sum()).isEqualTo(13);
            assertThat(site.requests()).isEqualTo(13);
            assertThat(site.requests("/")).isEqualTo(1);
            for (int i = 0; i < 12; i++) {
                assertThat(site.requests("/" + i)).as("/%d", i).isEqualTo(1);
            }
            assertThat(crawl.tooDeep()).isEmpty();
        }
    }

    /** Pages deeper than the depth are not requested; the first level beyond is reported. */
    @Test
    void stopsAtTheDepth() throws Exception {
        try (var site = EmbeddedSite.start("a")) {
            site.page("/", links("/1")).page("/1", links("/2")).page("/2", links("/3"))
                    .page("/3", links("/4"));
            LimitedCrawler.Crawl crawl = LimitedCrawler.crawl(site.uri(), 2, 2, 2);
            assertThat(crawl.levels()).containsExactly(List.of(site.uri()),
                    List.of(site.uri("/1")), List.of(site.uri("/2")));
            assertThat(crawl.tooDeep()).containsExactly(site.uri("/3"));
            assertThat(site.requests("/3")).isZero();
        }
    }

    /**
     * A page two links away by a slow path and three by a fast one is at depth 2, its shortest
     * distance, and fetched within a depth of 2, although the fast path finds it first.
     */
    @Test
    void aPagesDepthIsItsShortestDistance() throws Exception {
        var release = new CountDownLatch(1);
        try (var site = EmbeddedSite.start("a")) {
            site.page("/", links("/slow", "/fast"))
                    .route("/slow", request -> {
                        release.await();
                        return EmbeddedSite.Answer.ok(links("/target"));
                    })
                    .page("/fast", links("/mid"))
                    .page("/mid", links("/target"))
                    .page("/target", "");
            Thread releaser = Thread.ofVirtual().start(() -> {
                try {
                    Eventually.await("/fast answered while /slow is held",
                            () -> site.requests("/fast") == 1 && site.inFlight() == 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                release.countDown();
            });
            LimitedCrawler.Crawl crawl = LimitedCrawler.crawl(site.uri(), 2, 4, 4);
            releaser.join();
            assertThat(crawl.levels().get(2)).containsExactlyInAnyOrder(site.uri("/mid"),
                    site.uri("/target"));
            assertThat(site.requests("/target")).isEqualTo(1);
        }
    }

    /** The recipe: three levels from three sites, each page once, within both limits. */
    @Test
    void theRecipeCrawlsThreeSites() {
        assertThat(RecipeRun.lines(LimitedCrawler.RECIPE)).containsExactly(
                "crawl from a/ to depth 2: at most 3 requests at once, 2 per host",
                "depth 0: a/",
                "depth 1: a/about, b/, c/",
                "depth 2: b/blog, b/jobs, b/shop, c/docs, c/news",
                "not fetched, one level too deep: c/deep",
                "every page requested once, by the sites' counts: true",
                "never more than 2 at once on a site: true",
                "never more than 3 at once in all: true");
    }

    private static EmbeddedSite.Handler held(CountDownLatch release) {
        return request -> {
            release.await();
            return EmbeddedSite.Answer.ok("");
        };
    }
}
