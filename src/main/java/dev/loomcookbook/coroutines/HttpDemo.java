package dev.loomcookbook.coroutines;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.DurationConverter;
import dev.loomcookbook.cli.PositiveInt;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import dev.loomcookbook.coroutines.Fetcher.Mode;
import dev.loomcookbook.coroutines.Fetcher.Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code http}: many HTTP requests at once, one virtual thread each, in a StructuredTaskScope. */
@Command(name = "http", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "aiohttp + asyncio.gather: many HTTP requests at once, one virtual thread each.",
            "By default an embedded server on 127.0.0.1 answers each request after --latency, so no network is needed;",
            "--url / --urls-file fetch real URLs instead. The same requests run sequentially first, then concurrently.",
            "Exit code 1 if any request failed."
        })
public final class HttpDemo implements Demo {

    /** With more requests than this, only the first few successes are listed (all failures always are). */
    static final int LIST_LIMIT = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--requests", paramLabel = "N", converter = PositiveInt.class, defaultValue = "50",
            description = "Requests to the embedded server (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--latency", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "100ms",
            description = "The embedded server's delay before each answer (default: ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(names = "--failures", paramLabel = "N", defaultValue = "0",
            description = "Make the last N embedded requests fail, in turn: HTTP 500, a refused connection, "
                    + "a timeout (no answer until --timeout) (default: ${DEFAULT-VALUE}).")
    int failures;

    @Option(names = "--concurrency", paramLabel = "N", converter = PositiveInt.class,
            description = "At most N requests in flight at once, through a Semaphore (default: no limit).")
    Integer concurrency;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "5s",
            description = "Per-request timeout, HttpRequest.timeout (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--fail-fast",
            description = "Plain gather/TaskGroup: the first failure cancels the others "
                    + "(default: gather(return_exceptions=True), every failure reported, the other results kept).")
    boolean failFast;

    @Option(names = "--url", paramLabel = "URL", description = "Fetch this http(s) URL (repeatable) instead of the embedded server.")
    List<String> urls = new ArrayList<>();

    @Option(names = "--urls-file", paramLabel = "FILE", description = "Fetch the URLs in FILE, one per line (# comments).")
    Path urlsFile;

    @Option(names = "--no-sequential", description = "Skip the sequential run (it takes the sum of all latencies).")
    boolean noSequential;

    @Option(names = "--all", description = "List every request, not only the first " + LIST_LIMIT + " and the failures.")
    boolean all;

    @Override
    public String pythonConcept() {
        return "aiohttp + asyncio.gather";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--requests", "50", "--latency", "50ms");
    }

    @Override
    public Integer call() throws Exception {
        List<URI> external = externalUrls(); // bad input ends here, before anything starts
        if (failures < 0 || failures > requests) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--failures must be between 0 and --requests (" + requests + "), but was " + failures);
        }
        if (timeout.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be more than 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Mode mode = failFast ? Mode.FAIL_FAST : Mode.GATHER;
        if (!external.isEmpty()) {
            return run(out, external, mode, null);
        }
        try (LatencyServer server = LatencyServer.start(latency)) {
            return run(out, embeddedUrls(server), mode, server);
        }
    }

    private int run(PrintWriter out, List<URI> uris, Mode mode, LatencyServer server) throws InterruptedException {
        int limit = concurrency == null ? uris.size() : concurrency;
        out.println("HTTP requests, many at once: one virtual thread per request, in a StructuredTaskScope");
        if (mode == Mode.GATHER) {
            out.println("  Python:  results = await asyncio.gather(*(fetch(s, u) for u in urls), return_exceptions=True)");
            out.println("  Java:    StructuredTaskScope.open(Joiner.awaitAll()): fork(() -> client.send(...)) per URL; join()");
        } else {
            out.println("  Python:  async with asyncio.TaskGroup() as tg: ...   (or gather(*aws) without return_exceptions)");
            out.println("  Java:    StructuredTaskScope.open(Joiner.allSuccessfulOrThrow()): the first failure cancels the rest");
        }
        if (concurrency != null) {
            out.println("  limit:   async with asyncio.Semaphore(" + limit + ")  ->  semaphore.acquire() ... release()");
        }
        if (server != null) {
            out.printf("%nEmbedded server %s: every answer after %s, handlers on virtual threads%n",
                    server.uri(), Timing.format(latency));
        }
        out.printf(Locale.ROOT, "%d requests, concurrency %s, timeout %s per request, mode %s%n%n", uris.size(),
                concurrency == null ? "unlimited" : String.valueOf(limit), Timing.format(timeout),
                mode == Mode.GATHER ? "gather(return_exceptions=True)" : "fail-fast");
        out.flush();

        try (Fetcher fetcher = new Fetcher(timeout, limit)) {
            if (server != null) {
                // The client's first request loads and starts its machinery: keep that out of both runs.
                fetcher.fetchSequentially(List.of(server.uri().resolve("warm-up")), mode);
            }
            long sequentialNanos = -1;
            List<Result> sequential = null;
            if (!noSequential) {
                out.printf("Sequential (for url in urls: await fetch(url)) ... ");
                out.flush();
                long start = System.nanoTime();
                sequential = fetcher.fetchSequentially(uris, mode);
                sequentialNanos = Timing.since(start);
                out.printf("%s%n", Timing.format(sequentialNanos));
            }
            out.printf("Concurrent (%d virtual threads) ... ", uris.size());
            out.flush();
            long start = System.nanoTime();
            List<Result> results = fetcher.fetchAll(uris, mode);
            long concurrentNanos = Timing.since(start);
            out.printf("%s%n%n", Timing.format(concurrentNanos));

            printResults(out, results);
            long failed = results.stream().filter(r -> !r.ok()).count();
            printSummary(out, sequential, sequentialNanos, results, concurrentNanos);
            if (server != null) {
                out.printf("The server saw up to %d requests in flight at once%s.%n", server.maxInFlight(),
                        concurrency == null ? "" : " (--concurrency " + limit + ")");
            }
            if (failed > 0) {
                out.printf("%d of %d requests did not succeed: exit code 1.%n", failed, results.size());
            }
            out.flush();
            return failed > 0 ? 1 : 0;
        }
    }

    /** One line per request (a long list is cut, but every failure is shown). */
    private void printResults(PrintWriter out, List<Result> results) {
        Table table = new Table("#", "url", "result", "bytes", "latency");
        int okShown = 0;
        int hidden = 0;
        for (Result r : results) {
            if (r.ok() && !all && results.size() > LIST_LIMIT && okShown >= LIST_LIMIT / 2) {
                hidden++;
                continue;
            }
            okShown += r.ok() ? 1 : 0;
            table.row(r.index() + 1, r.uri(), r.ok() ? r.detail() + " OK"
                            : r.outcome() == Fetcher.Outcome.CANCELLED ? r.detail() : "FAILED: " + r.detail(),
                    r.status() < 0 ? "-" : String.valueOf(r.bytes()),
                    r.nanos() > 0 ? Timing.format(r.nanos()) : "-");
        }
        table.print(out);
        if (hidden > 0) {
            out.printf("  ... and %d more successful requests (--all lists every one)%n", hidden);
        }
        out.println();
    }

    private static void printSummary(PrintWriter out, List<Result> sequential, long sequentialNanos,
            List<Result> concurrent, long concurrentNanos) {
        Table summary = new Table("run", "requests", "ok", "failed", "cancelled", "time");
        if (sequential != null) {
            summaryRow(summary, "sequential", sequential, sequentialNanos);
        }
        summaryRow(summary, "concurrent", concurrent, concurrentNanos);
        summary.print(out);
        if (sequential != null) {
            out.printf(Locale.ROOT, "Speed-up: %.1fx (the sequential run waits for each answer in turn; "
                    + "the concurrent one waits about as long as the slowest).%n",
                    (double) sequentialNanos / Math.max(1, concurrentNanos));
        }
    }

    private static void summaryRow(Table table, String run, List<Result> results, long nanos) {
        long ok = results.stream().filter(Result::ok).count();
        long cancelled = results.stream().filter(r -> r.outcome() == Fetcher.Outcome.CANCELLED).count();
        table.row(run, results.size(), ok, results.size() - ok - cancelled, cancelled, Timing.format(nanos));
    }

    /** The embedded server's URLs: {@code /item/k}, and the last {@code --failures} of them failing. */
    private List<URI> embeddedUrls(LatencyServer server) {
        List<URI> uris = new ArrayList<>();
        URI base = server.uri();
        URI refused = failures > 0 ? LatencyServer.refusingUri() : null;
        for (int i = 0; i < requests; i++) {
            int failing = i - (requests - failures);
            if (failing < 0) {
                uris.add(base.resolve("item/" + (i + 1)));
            } else {
                uris.add(switch (failing % 3) {
                    case 0 -> base.resolve("status/500");
                    case 1 -> refused;
                    default -> base.resolve("hang");
                });
            }
        }
        return uris;
    }

    /** The --url and --urls-file URLs, checked: a malformed one or an unreadable file is a usage error. */
    private List<URI> externalUrls() {
        List<URI> uris = new ArrayList<>();
        for (String url : urls) {
            uris.add(parseUrl(url, "--url '" + url + "'"));
        }
        if (urlsFile != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(urlsFile);
            } catch (IOException | RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot read --urls-file '" + urlsFile
                        + "': " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
            int before = uris.size();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    uris.add(parseUrl(line, urlsFile + " line " + (i + 1) + " '" + line + "'"));
                }
            }
            if (uris.size() == before) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--urls-file '" + urlsFile + "' has no URLs");
            }
        }
        return uris;
    }

    private URI parseUrl(String text, String where) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), where + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new CommandLine.ParameterException(spec.commandLine(), where + " is not an http or https URL");
        }
        if (uri.getHost() == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), where + " has no host");
        }
        return uri;
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new HttpDemo(), args));
    }
}
