package dev.loomcookbook.patterns;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A crawler with a limit in all and one per host, following links to a depth, every page fetched
 * once: {@code asyncio.Semaphore}s and a {@code seen} set, against three embedded sites.
 */
public final class LimitedCrawler {

    /** This recipe: {@code recipes crawler}. */
    public static final Recipe RECIPE = Recipe.of("crawler",
            "asyncio.Semaphore: a crawler, a limit per host and one in all",
            LimitedCrawler.class, LimitedCrawler::run)
            .differs("tasks run in parallel here: seen must be a concurrent set, and add() the"
                    + " check")
            .normalise("\\bTrue\\b", "true");

    /** What a crawl found: the pages of each depth, and the links one level too deep. */
    record Crawl(List<List<URI>> levels, List<URI> tooDeep) {}

    private static final Pattern HREF = Pattern.compile("href=\"([^\"]*)\"");

    private LimitedCrawler() {}

    static void run(PrintStream out) throws InterruptedException {
        var inAll = new EmbeddedSite.Gauge();
        Duration latency = Duration.ofMillis(20);
        try (var a = EmbeddedSite.start("a", latency, inAll);
                var b = EmbeddedSite.start("b", latency, inAll);
                var c = EmbeddedSite.start("c", latency, inAll)) {
            List<EmbeddedSite> sites = List.of(a, b, c);
            a.page("/", links("/about", b.uri(), c.uri()))
                    .page("/about", links("/", b.uri()));
            b.page("/", links("/blog", "/jobs", "/shop", a.uri(), c.uri("/docs")))
                    .page("/blog", links("/", c.uri("/deep")))
                    .page("/jobs", links("/blog"))
                    .page("/shop", links("/jobs"));
            c.page("/", links("/docs", "/news", a.uri("/about")))
                    .page("/docs", links("/deep", a.uri()))
                    .page("/news", links(a.uri("/about")))
                    .page("/deep", links("/"));
            out.println("crawl from a/ to depth 2: at most 3 requests at once, 2 per host");
            // @start region="crawl"
            Crawl crawl = crawl(a.uri(), 2, 3, 2);
            // @end
            for (int depth = 0; depth < crawl.levels().size(); depth++) {
                out.println("depth " + depth + ": " + names(sites, crawl.levels().get(depth)));
            }
            out.println("not fetched, one level too deep: " + names(sites, crawl.tooDeep()));
            int fetched = crawl.levels().stream().mapToInt(List::size).sum();
            boolean once = sites.stream().mapToInt(EmbeddedSite::requests).sum() == fetched
                    && crawl.levels().stream().flatMap(List::stream)
                            .allMatch(page -> site(sites, page).requests(page.getPath()) == 1);
            out.println("every page requested once, by the sites' counts: " + once);
            out.println("never more than 2 at once on a site: "
                    + sites.stream().allMatch(s -> s.mostInFlight() <= 2));
            out.println("never more than 3 at once in all: " + (inAll.most() <= 3));
        }
    }

    // @start region="crawler"
    /** The pages reachable from {@code root} in at most {@code depth} links, level by level. */
    static Crawl crawl(URI root, int depth, int inAll, int perHost) throws InterruptedException {
        Semaphore all = new Semaphore(inAll);
        Map<String, Semaphore> hosts = new HashMap<>();
        Set<URI> seen = ConcurrentHashMap.newKeySet();     // add() is the check: atomic
        seen.add(root);
        List<List<URI>> levels = new ArrayList<>();
        List<URI> level = List.of(root);
        // Level by level, so that a page's depth is its shortest distance, whatever the order
        // in which the answers come.
        for (int d = 0; d <= depth && !level.isEmpty(); d++) {
            levels.add(level);
            try (var scope = StructuredTaskScope.open(Joiner.<List<URI>>allSuccessfulOrThrow())) {
                for (URI page : level) {
                    Semaphore host = hosts.computeIfAbsent(page.getAuthority(),
                            h -> new Semaphore(perHost));
                    scope.fork(() -> newLinks(page, host, all, seen));
                }
                level = scope.join().map(Subtask::get).flatMap(List::stream).toList();
            }
        }
        return new Crawl(levels, level);
    }

    /** Fetches {@code page} within both limits and returns the links on it not seen before. */
    static List<URI> newLinks(URI page, Semaphore host, Semaphore all, Set<URI> seen)
            throws Exception {
        String body;
        host.acquire();                        // the host's permit first: a task that waits
        try {                                  // for its host holds none of the global ones
            all.acquire();
            try {
                body = HttpGet.get(page).body();
            } finally {
                all.release();
            }
        } finally {
            host.release();
        }
        List<URI> found = new ArrayList<>();
        for (Matcher href = HREF.matcher(body); href.find();) {
            URI link = page.resolve(href.group(1));
            if (seen.add(link)) {
                found.add(link);
            }
        }
        return found;
    }
    // @end

    /** A page body linking to {@code targets}, site paths or URIs. */
    static String links(Object... targets) {
        return java.util.Arrays.stream(targets).map(t -> "<a href=\"" + t + "\">")
                .collect(Collectors.joining(" ", "", "\n"));
    }

    private static EmbeddedSite site(List<EmbeddedSite> sites, URI page) {
        return sites.stream().filter(s -> s.uri().getPort() == page.getPort()).findFirst()
                .orElseThrow();
    }

    /** {@code a/about, b/}: each page by its site's name and path, sorted. */
    static String names(List<EmbeddedSite> sites, Collection<URI> pages) {
        return pages.stream().map(p -> site(sites, p).name() + p.getPath()).sorted()
                .collect(Collectors.joining(", "));
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
