package dev.loomcookbook.coroutines;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code http}: many HTTP requests at once, one virtual thread each, in a StructuredTaskScope. */
@Command(name = "http", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "The same HTTP requests one after another, then all at once, one virtual thread each.",
            "By default an embedded server on 127.0.0.1 answers each request after --latency, so no network is needed;",
            "--url / --urls-file fetch real URLs instead. The same requests run sequentially first, then concurrently.",
            "Exit code 1 if any request failed."
        })
public final class HttpDemo implements Demo {

    /** With more requests than this, only the first {@link #LISTED_OK} successes are listed (and every failure). */
    static final int LIST_LIMIT = 20;

    /** How many successes a cut list shows. */
    static final int LISTED_OK = 10;

    /** More requests than this only wait for sockets and memory (1,000,000 printed nothing for 30 s). */
    static final int MAX_REQUESTS = 10_000;

    /** The longest --latency or --timeout that still makes a demo rather than a wait. */
    static final Duration MAX_DURATION = Duration.ofMinutes(1);

    /** The options that only the embedded server uses. */
    private static final List<String> EMBEDDED_ONLY = List.of("--requests", "--failures", "--latency");

    @Spec
    CommandSpec spec;

    @Option(names = "--requests", paramLabel = "N", converter = PositiveInt.class, defaultValue = "50",
            description = "Requests to the embedded server, N <= 10,000 (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--latency", paramLabel = "DURATION", defaultValue = "100ms",
            description = "The embedded server's delay before each answer, at most 1m (default: ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(names = "--failures", paramLabel = "N", defaultValue = "0",
            description = "Make the last N embedded requests fail, in turn: HTTP 500, a refused connection, "
                    + "a timeout (no answer until --timeout) (default: ${DEFAULT-VALUE}).")
    int failures;

    @Option(names = "--concurrency", paramLabel = "N", converter = PositiveInt.class,
            description = "At most N requests in flight at once, through a Semaphore (default: no limit).")
    Integer concurrency;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "Per-request timeout, HttpRequest.timeout, at most 1m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--fail-fast",
            description = "Plain gather/TaskGroup: the first failure cancels the others "
                    + "(default: gather(return_exceptions=True), every failure reported, the other results kept).")
    boolean failFast;

    @Option(names = "--url", paramLabel = "URL", description = "Fetch this http(s) URL (repeatable) instead of the embedded server"
                    + " (not with --requests, --failures or --latency).")
    List<String> urls = new ArrayList<>();

    @Option(names = "--urls-file", paramLabel = "FILE", description = "Fetch the URLs in FILE, one per line; '#' starts a comment (a whole line, or after a space).")
    Path urlsFile;

    @Option(names = "--no-sequential", description = "Skip the sequential run (it takes the sum of all latencies).")
    boolean noSequential;

    @Option(names = "--all", description = "List every request (a run of more than " + LIST_LIMIT + " lists only the first " + LISTED_OK
                    + " successes and every failure).")
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
        checkBounds();
        List<URI> external = externalUrls(); // bad input ends here, before anything starts
        if (!external.isEmpty()) {
            for (String option : EMBEDDED_ONLY) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), option
                            + " applies only to the embedded server: it cannot be combined with --url or --urls-file");
                }
            }
        }
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

    /** Counts and durations with no upper limit would swamp the machine: one clear line instead. */
    private void checkBounds() {
        if (requests > MAX_REQUESTS) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.format(Locale.ROOT,
                    "--requests must be at most %,d, but was %,d", MAX_REQUESTS, requests));
        }
        if (latency.compareTo(MAX_DURATION) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--latency must be at most 1m (one minute), but was " + Timing.format(latency));
        }
        if (timeout.compareTo(MAX_DURATION) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--timeout must be at most 1m (one minute), but was " + Timing.format(timeout));
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
        out.printf(Locale.ROOT, "%,d %s, concurrency %s, timeout %s per request, mode %s%n", uris.size(),
                uris.size() == 1 ? "request" : "requests",
                concurrency == null ? "unlimited" : String.valueOf(limit), Timing.format(timeout),
                mode == Mode.GATHER ? "gather(return_exceptions=True)" : "fail-fast");
        if (server != null && latency.compareTo(timeout) >= 0) {
            out.printf("Note: --latency %s is not shorter than --timeout %s, so every request will time out.%n",
                    Timing.format(latency), Timing.format(timeout));
        }
        out.println();
        out.flush();

        AtomicInteger done = new AtomicInteger();
        Fetcher.Listener counter = new Fetcher.Listener() {
            @Override
            public void finished(int index, URI uri) {
                done.incrementAndGet();
            }

            @Override
            public void interrupted(int index, URI uri) {
                done.incrementAndGet();
            }
        };
        try (Fetcher fetcher = new Fetcher(timeout, limit, counter, Thread.ofVirtual().factory())) {
            if (server != null) {
                // The client's first request loads and starts its machinery: keep that out of both runs.
                // The server answers /warm-up at once and leaves it out of its in-flight count.
                out.print("Warm-up: one request the server answers at once (uncounted), to load the HTTP client ... ");
                out.flush();
                long start = System.nanoTime();
                fetcher.fetchSequentially(List.of(server.uri().resolve("warm-up")), mode);
                out.println(Timing.format(Timing.since(start)));
            }
            long sequentialNanos = -1;
            List<Result> sequential = null;
            if (!noSequential) {
                long start = System.nanoTime();
                sequential = withProgress(out, "Sequential (for url in urls: await fetch(url))", uris.size(), done,
                        () -> fetcher.fetchSequentially(uris, mode));
                sequentialNanos = Timing.since(start);
                out.println(Timing.format(sequentialNanos));
            }
            long start = System.nanoTime();
            List<Result> results = withProgress(out, String.format(Locale.ROOT, "Concurrent (%,d virtual %s)",
                    uris.size(), uris.size() == 1 ? "thread" : "threads"), uris.size(), done,
                    () -> fetcher.fetchAll(uris, mode));
            long concurrentNanos = Timing.since(start);
            out.printf("%s%n%n", Timing.format(concurrentNanos));

            printResults(out, results);
            long failed = results.stream().filter(r -> !r.ok()).count();
            printSummary(out, sequential, sequentialNanos, results, concurrentNanos);
            if (server != null) {
                out.printf(Locale.ROOT, "The server saw up to %,d %s in flight at once%s.%n", server.maxInFlight(),
                        server.maxInFlight() == 1 ? "request" : "requests",
                        concurrency == null ? "" : " (--concurrency " + limit + ")");
            }
            if (failed > 0) {
                out.printf(Locale.ROOT, "%,d of %,d requests did not succeed: exit code 1.%n", failed, results.size());
            }
            out.flush();
            return failed > 0 ? 1 : 0;
        }
    }

    /** A run that returns the results of one phase. */
    private interface Phase {
        List<Result> run() throws InterruptedException;
    }

    /**
     * Prints {@code label ...}, runs {@code phase}, and leaves the line open for its time. A phase
     * that takes more than a second also prints how many requests are done, once a second.
     */
    private static List<Result> withProgress(PrintWriter out, String label, int total, AtomicInteger done, Phase phase)
            throws InterruptedException {
        out.print(label + " ...");
        out.flush();
        done.set(0);
        AtomicBoolean printed = new AtomicBoolean();
        Thread progress = Thread.ofVirtual().name("progress").start(() -> {
            try {
                while (true) {
                    Thread.sleep(1000);
                    if (!printed.getAndSet(true)) {
                        out.println();
                    }
                    out.printf(Locale.ROOT, "  ... %,d of %,d requests done%n", done.get(), total);
                    out.flush();
                }
            } catch (InterruptedException finished) {
                // the phase has ended
            }
        });
        try {
            return phase.run();
        } finally {
            progress.interrupt();
            progress.join();
            out.print(printed.get() ? "  all done: " : " ");
        }
    }

    /** One line per request (a long list is cut, but every failure is shown). */
    private void printResults(PrintWriter out, List<Result> results) {
        Table table = new Table("#", "url", "result", "bytes", "latency");
        int okShown = 0;
        int hidden = 0;
        for (Result r : results) {
            if (r.ok() && !all && results.size() > LIST_LIMIT && okShown >= LISTED_OK) {
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
            out.printf(Locale.ROOT, "  ... and %,d more successful requests (--all lists every one)%n", hidden);
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
            out.println(speedUp(sequential, sequentialNanos, concurrent, concurrentNanos));
        }
    }

    /** The speed-up, only when both runs did all the same work; otherwise why there is none. */
    static String speedUp(List<Result> sequential, long sequentialNanos, List<Result> concurrent, long concurrentNanos) {
        long sequentialOk = sequential.stream().filter(Result::ok).count();
        long concurrentOk = concurrent.stream().filter(Result::ok).count();
        if (sequentialOk == sequential.size() && concurrentOk == concurrent.size()) {
            return String.format(Locale.ROOT, "Speed-up: %.1fx (the sequential run waits for each answer in turn; "
                    + "the concurrent one%nwaits about as long as the slowest).",
                    (double) sequentialNanos / Math.max(1, concurrentNanos));
        }
        return String.format(Locale.ROOT, "No speed-up: the runs did not both succeed (sequential %,d of %,d ok,"
                + " concurrent %,d of %,d ok),%nso their times measure failures and cancellations, not the same work.",
                sequentialOk, sequential.size(), concurrentOk, concurrent.size());
    }

    private static void summaryRow(Table table, String run, List<Result> results, long nanos) {
        long ok = results.stream().filter(Result::ok).count();
        long cancelled = results.stream().filter(r -> r.outcome() == Fetcher.Outcome.CANCELLED).count();
        table.row(run, thousands(results.size()), thousands(ok), thousands(results.size() - ok - cancelled),
                thousands(cancelled), Timing.format(nanos));
    }

    private static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
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
                String line = COMMENT.matcher(lines.get(i)).replaceFirst("").strip();
                if (!line.isEmpty()) {
                    uris.add(parseUrl(line, urlsFile + " line " + (i + 1) + " '" + line + "'"));
                }
            }
            if (uris.size() == before) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--urls-file '" + urlsFile + "' has no URLs");
            }
        }
        return uris;
    }

    /** A comment: a '#' starting the line or after whitespace (a '#' inside a URL is its fragment). */
    private static final Pattern COMMENT = Pattern.compile("(^|\\s)#.*$");

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
