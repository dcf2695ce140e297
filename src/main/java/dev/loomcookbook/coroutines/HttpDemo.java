package dev.loomcookbook.coroutines;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.PositiveInt;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import dev.loomcookbook.coroutines.Fetcher.Mode;
import dev.loomcookbook.coroutines.Fetcher.Outcome;
import dev.loomcookbook.coroutines.Fetcher.Result;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** {@code http}: many HTTP requests at once, one virtual thread each, in a StructuredTaskScope. */
@Command(
        name = "http",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "The same HTTP requests one after another, then all at once, one virtual thread each.",
            "By default an embedded server on 127.0.0.1 answers each request after --latency, so no"
                    + " network is needed; --url / --urls-file fetch real URLs instead.",
        },
        exitCodeList = {
            "0:every request of every run succeeded, or, with --failures N, exactly the N failures"
                    + " asked for happened (the last line says so)",
            "1:a request failed that was not asked to fail, in either run (the last line says which"
                    + " run and how many)",
            "2:a usage error (one line, then this usage): an unknown option, a value out of range, a"
                    + " malformed URL or URLs file; nothing ran",
        })
public final class HttpDemo implements Demo {

    /**
     * With more requests than this, only the first {@link #LISTED_OK} successes are listed (and
     * every failure).
     */
    static final int LIST_LIMIT = 20;

    /** How many successes a cut list shows. */
    static final int LISTED_OK = 10;

    /**
     * More requests than this only wait for sockets and memory (1,000,000 printed nothing for 30
     * s).
     */
    static final int MAX_REQUESTS = 10_000;

    /** The longest --latency or --timeout that still makes a demo rather than a wait. */
    static final Duration MAX_DURATION = Duration.ofMinutes(1);

    /** The widest line this demo prints. */
    static final int WIDTH = 100;

    /** The options that only the embedded server uses. */
    private static final List<String> EMBEDDED_ONLY =
            List.of("--requests", "--failures", "--latency");

    @Spec
    CommandSpec spec;

    @Option(
            names = "--requests",
            paramLabel = "N",
            converter = PositiveInt.class,
            defaultValue = "50",
            description = "Requests to the embedded server, N <= 10,000 (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(
            names = "--latency",
            paramLabel = "DURATION",
            defaultValue = "100ms",
            description = "The embedded server's delay before each answer, at most 1m (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(
            names = "--failures",
            paramLabel = "N",
            defaultValue = "0",
            description = "Make the last N embedded requests fail on purpose, in turn: HTTP 500, a"
                    + " refused connection, a timeout (no answer until --timeout); exit code 0"
                    + " if exactly these fail (default: ${DEFAULT-VALUE}).")
    int failures;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            converter = PositiveInt.class,
            description = "At most N requests in flight at once, through a Semaphore (default: no"
                    + " limit).")
    Integer concurrency;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5s",
            description = "Total time for one request, connect through the last byte of the body, as"
                    + " aiohttp's ClientTimeout(total=...); at most 1m (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--connect-timeout",
            paramLabel = "DURATION",
            description = "Time to open a connection, as ClientTimeout(connect=...) (default: the"
                    + " --timeout).")
    Duration connectTimeout;

    @Option(
            names = "--client",
            paramLabel = "CLIENT",
            defaultValue = "jetty",
            description = "The HTTP client: jetty (Jetty HttpClient) or jdk (java.net.http.HttpClient)"
                    + " (default: ${DEFAULT-VALUE}, the faster one in the HTTP race"
                    + " benchmark).")
    Fetcher.Client client;

    @Option(
            names = "--fail-fast",
            description = "Plain gather/TaskGroup: the first failure cancels the others (default:"
                    + " gather(return_exceptions=True), every failure reported, the other"
                    + " results kept).")
    boolean failFast;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "Fetch this http(s) URL (repeatable) instead of the "
                    + "embedded server (not with --requests, --failures or --latency).")
    List<String> urls = new ArrayList<>();

    @Option(
            names = "--urls-file",
            paramLabel = "FILE",
            description = "Fetch the URLs in FILE, a UTF-8 text file, one per line; '#' starts a comment"
                    + " (a whole line, or after a space).")
    Path urlsFile;

    @Option(
            names = "--no-sequential",
            description = "Skip the sequential run (it takes the sum of all latencies).")
    boolean noSequential;

    @Option(
            names = "--all",
            description = "List every request (a run of more than " + LIST_LIMIT
                    + " lists only the first " + LISTED_OK + " successes and every failure).")
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
                    throw usage(
                            option
                                    + " applies only to the embedded server: it cannot be combined"
                                    + " with --url or --urls-file");
                }
            }
        }
        if (failures < 0 || failures > requests) {
            throw usage(
                    "--failures must be between 0 and --requests ("
                            + requests
                            + "), but was "
                            + failures);
        }
        if (timeout.isZero()) {
            throw usage("--timeout must be more than 0");
        }
        if (connectTimeout != null && connectTimeout.isZero()) {
            throw usage("--connect-timeout must be more than 0");
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

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Counts and durations with no upper limit would swamp the machine: one clear line instead. */
    private void checkBounds() {
        if (requests > MAX_REQUESTS) {
            throw usage(
                    String.format(
                            Locale.ROOT,
                            "--requests must be at most %,d, but was %,d",
                            MAX_REQUESTS,
                            requests));
        }
        if (latency.compareTo(MAX_DURATION) > 0) {
            throw usage(
                    "--latency must be at most 1m (one minute), but was " + Timing.format(latency));
        }
        if (timeout.compareTo(MAX_DURATION) > 0) {
            throw usage(
                    "--timeout must be at most 1m (one minute), but was " + Timing.format(timeout));
        }
        if (connectTimeout != null && connectTimeout.compareTo(MAX_DURATION) > 0) {
            throw usage(
                    "--connect-timeout must be at most 1m (one minute), but was "
                            + Timing.format(connectTimeout));
        }
    }

    private Fetcher.Config config(int limit) {
        return new Fetcher.Config(
                client,
                timeout,
                connectTimeout == null ? timeout : connectTimeout,
                limit,
                LatencyServer.MAX_CONNECTIONS);
    }

    private int run(PrintWriter out, List<URI> uris, Mode mode, LatencyServer server)
            throws InterruptedException {
        int limit = concurrency == null ? uris.size() : concurrency;
        Fetcher.Config config = config(limit);
        printHeader(out, uris, mode, server, config);

        AtomicInteger done = new AtomicInteger();
        Fetcher.Listener counter =
                new Fetcher.Listener() {
                    @Override
                    public void finished(int index, URI uri) {
                        done.incrementAndGet();
                    }

                    @Override
                    public void interrupted(int index, URI uri) {
                        done.incrementAndGet();
                    }
                };
        try (Fetcher fetcher = new Fetcher(config, counter, Thread.ofVirtual().factory())) {
            if (server != null) {
                // The client's first request loads and starts its machinery: keep that out of both
                // runs.
                // The server answers /warm-up at once and leaves it out of its in-flight count.
                out.print(
                        "Warm-up: one request the server answers at once (uncounted), to load the"
                                + " client ... ");
                out.flush();
                long start = System.nanoTime();
                fetcher.fetchSequentially(List.of(server.uri().resolve("warm-up")), mode);
                out.println(Timing.format(Timing.since(start)));
            }
            Run sequential = null;
            if (!noSequential) {
                sequential =
                        Run.of(
                                "sequential",
                                out,
                                "Sequential (for url in urls: await fetch(url))",
                                uris.size(),
                                done,
                                () -> fetcher.fetchSequentially(uris, mode));
            }
            Run concurrent =
                    Run.of(
                            "concurrent",
                            out,
                            String.format(
                                    Locale.ROOT,
                                    "Concurrent (%,d virtual %s)",
                                    uris.size(),
                                    uris.size() == 1 ? "thread" : "threads"),
                            uris.size(),
                            done,
                            () -> fetcher.fetchAll(uris, mode));
            out.println();

            printResults(out, concurrent.results());
            printSummary(out, sequential, concurrent);
            if (server != null) {
                out.printf(
                        Locale.ROOT,
                        "The server saw up to %,d %s in flight at once%s.%n",
                        server.maxInFlight(),
                        server.maxInFlight() == 1 ? "request" : "requests",
                        concurrency == null ? "" : " (--concurrency " + limit + ")");
            }
            return verdict(out, server != null, sequential, concurrent);
        }
    }

    private void printHeader(
            PrintWriter out,
            List<URI> uris,
            Mode mode,
            LatencyServer server,
            Fetcher.Config config) {
        out.println(
                "HTTP requests, many at once: one virtual thread per request, in a"
                        + " StructuredTaskScope");
        if (mode == Mode.GATHER) {
            out.println("  Python:  results = await asyncio.gather(*(fetch(s, u) for u in urls),");
            out.println("                                          return_exceptions=True)");
            out.println(
                    "  Java:    StructuredTaskScope.open(Joiner.awaitAll()): fork(() -> get(url))"
                            + " per URL; join()");
        } else {
            out.println(
                    "  Python:  async with asyncio.TaskGroup() as tg: ...   (or gather(*aws)"
                            + " without return_exceptions)");
            out.println(
                    "  Java:    StructuredTaskScope.open(Joiner.allSuccessfulOrThrow()): the first"
                            + " failure cancels the rest");
        }
        if (concurrency != null) {
            out.println(
                    "  limit:   async with asyncio.Semaphore("
                            + config.concurrency()
                            + ")  ->  semaphore.acquire() ... release()");
        }
        out.printf(
                "  timeout: ClientTimeout(total=%s, connect=%s): the total covers the body too%n",
                seconds(config.total()), seconds(config.connect()));
        out.printf(
                "  client:  %s, blocking its caller's virtual thread%n", config.client().title());
        if (server != null) {
            out.printf(
                    "%nEmbedded server %s: every answer after %s, handlers on virtual threads%n",
                    server.uri(), Timing.format(latency));
        }
        out.printf(
                Locale.ROOT,
                "%,d %s, concurrency %s, mode %s%n",
                uris.size(),
                uris.size() == 1 ? "request" : "requests",
                concurrency == null ? "unlimited" : String.valueOf(config.concurrency()),
                mode == Mode.GATHER ? "gather(return_exceptions=True)" : "fail-fast");
        if (server != null && latency.compareTo(timeout) >= 0) {
            out.printf(
                    "Note: --latency %s is not shorter than --timeout %s, so every request will"
                            + " time out.%n",
                    Timing.format(latency), Timing.format(timeout));
        }
        out.println();
        out.flush();
    }

    /** Python's way of writing a duration in seconds: {@code 5.0}, {@code 0.25}. */
    private static String seconds(Duration d) {
        return String.valueOf(d.toNanos() / 1e9);
    }

    /** A run that returns the results of one phase. */
    private interface Phase {
        List<Result> run() throws InterruptedException;
    }

    /** One run's name, results and wall time. */
    private record Run(String name, List<Result> results, long nanos) {

        /**
         * Prints {@code label ...}, runs {@code phase}, and prints its time. A phase that takes
         * more than a second also prints how many requests are done, once a second when that
         * changed.
         */
        static Run of(
                String name,
                PrintWriter out,
                String label,
                int total,
                AtomicInteger done,
                Phase phase)
                throws InterruptedException {
            out.print(label + " ...");
            out.flush();
            done.set(0);
            boolean[] printed = new boolean[1];
            long start = System.nanoTime();
            Thread progress =
                    Thread.ofVirtual()
                            .name("progress")
                            .start(
                                    () -> {
                                        int shown = 0;
                                        try {
                                            while (true) {
                                                Thread.sleep(1000);
                                                int now = done.get();
                                                if (now != shown) {
                                                    synchronized (printed) {
                                                        if (!printed[0]) {
                                                            out.println();
                                                            printed[0] = true;
                                                        }
                                                    }
                                                    out.printf(
                                                            Locale.ROOT,
                                                            "  ... %,d of %,d requests done%n",
                                                            now,
                                                            total);
                                                    out.flush();
                                                    shown = now;
                                                }
                                            }
                                        } catch (InterruptedException finished) {
                                            // the phase has ended
                                        }
                                    });
            List<Result> results;
            try {
                results = phase.run();
            } finally {
                progress.interrupt();
                progress.join();
            }
            long nanos = Timing.since(start);
            synchronized (printed) {
                out.println((printed[0] ? "  all done: " : " ") + Timing.format(nanos));
            }
            out.flush();
            return new Run(name, results, nanos);
        }

        long ok() {
            return results.stream().filter(Result::ok).count();
        }

        long cancelled() {
            return results.stream().filter(r -> r.outcome() == Outcome.CANCELLED).count();
        }

        long failed() {
            return results.size() - ok() - cancelled();
        }
    }

    /**
     * One line per request (a long list is cut, every failure is shown, cancellations are counted).
     */
    private void printResults(PrintWriter out, List<Result> results) {
        List<Object[]> rows = new ArrayList<>();
        int okShown = 0;
        int hidden = 0;
        int cancelled = 0;
        String why = null;
        for (Result r : results) {
            if (r.outcome() == Outcome.CANCELLED) {
                cancelled++;
                why = r.detail();
                continue;
            }
            if (r.ok() && !all && results.size() > LIST_LIMIT && okShown >= LISTED_OK) {
                hidden++;
                continue;
            }
            okShown += r.ok() ? 1 : 0;
            rows.add(
                    new Object[] {
                        r.index() + 1,
                        r.uri().toString(),
                        r.ok() ? r.detail() + " OK" : "FAILED: " + r.detail(),
                        r.status() < 0 ? "-" : thousands(r.bytes()),
                        r.nanos() > 0 ? Timing.format(r.nanos()) : "-"
                    });
        }
        // At most WIDTH columns: cut the URLs first (keeping their ends), then the results.
        int widestUrl = widest(rows, 1);
        int widestResult = widest(rows, 2);
        int excess = Math.max(0, width(rows) - WIDTH);
        int urlRoom = Math.max(Math.min(30, widestUrl), widestUrl - excess);
        int resultRoom = Math.max(30, widestResult - (excess - (widestUrl - urlRoom)));
        Table table = new Table("#", "url", "result", "bytes", "latency");
        for (Object[] row : rows) {
            row[1] = cut((String) row[1], urlRoom);
            String result = (String) row[2];
            row[2] = result.length() <= resultRoom ? result
                    : result.substring(0, resultRoom - 3) + "...";
            table.row(row);
        }
        if (!rows.isEmpty()) {
            table.print(out);
        }
        if (hidden > 0) {
            out.printf(
                    Locale.ROOT,
                    "  ... and %,d more successful requests (--all lists every one)%n",
                    hidden);
        }
        if (cancelled > 0) {
            out.printf(
                    Locale.ROOT,
                    "  ... and %,d %s %s%n",
                    cancelled,
                    cancelled == 1 ? "request" : "requests",
                    why);
        }
        out.println();
    }

    private static int widest(List<Object[]> rows, int column) {
        return rows.stream().mapToInt(r -> ((String) r[column]).length()).max().orElse(0);
    }

    /** The width of the table these rows make. */
    private static int width(List<Object[]> rows) {
        Table t = new Table("#", "url", "result", "bytes", "latency");
        rows.forEach(r -> t.row(r.clone()));
        return t.lines().stream().mapToInt(String::length).max().orElse(0);
    }

    /** {@code text} if it fits in {@code room} columns, else its start and end around "...". */
    static String cut(String text, int room) {
        if (text.length() <= room) {
            return text;
        }
        int head = (room - 3) * 2 / 3;
        return text.substring(0, head) + "..." + text.substring(text.length() - (room - 3 - head));
    }

    private void printSummary(PrintWriter out, Run sequential, Run concurrent) {
        Table summary = new Table("run", "requests", "ok", "failed", "cancelled", "time");
        for (Run run : sequential == null ? List.of(concurrent) : List.of(sequential, concurrent)) {
            summary.row(
                    run.name(),
                    thousands(run.results().size()),
                    thousands(run.ok()),
                    thousands(run.failed()),
                    thousands(run.cancelled()),
                    Timing.format(run.nanos()));
        }
        summary.print(out);
        if (sequential != null) {
            out.println(
                    speedUp(
                            sequential.results(),
                            sequential.nanos(),
                            concurrent.results(),
                            concurrent.nanos(),
                            concurrency));
        }
    }

    /** The speed-up, only when both runs did all the same work; otherwise why there is none. */
    static String speedUp(
            List<Result> sequential,
            long sequentialNanos,
            List<Result> concurrent,
            long concurrentNanos,
            Integer concurrency) {
        long sequentialOk = sequential.stream().filter(Result::ok).count();
        long concurrentOk = concurrent.stream().filter(Result::ok).count();
        if (sequentialOk == sequential.size() && concurrentOk == concurrent.size()) {
            String how =
                    concurrency == null || concurrency >= concurrent.size()
                            ? "the concurrent one%nwaits about as long as the slowest)."
                            : "the concurrent one%nruns "
                                    + concurrency
                                    + " at a time, as --concurrency allows).";
            return String.format(
                    Locale.ROOT,
                    "Speed-up: %.1fx (the sequential run waits for each answer in turn; " + how,
                    (double) sequentialNanos / Math.max(1, concurrentNanos));
        }
        return String.format(
                Locale.ROOT,
                "No speed-up: the runs did not both succeed (sequential %,d of %,d ok, concurrent"
                        + " %,d of %,d ok),%nso their times measure failures and cancellations, not the"
                        + " same work.",
                sequentialOk,
                sequential.size(),
                concurrentOk,
                concurrent.size());
    }

    /**
     * The exit code, and the last line that explains it: 1 when a request failed that nobody asked
     * to fail, in any run; 0 when everything succeeded, or exactly the --failures asked for
     * happened.
     */
    private int verdict(PrintWriter out, boolean embedded, Run sequential, Run concurrent) {
        List<String> unexpected = new ArrayList<>();
        for (Run run : sequential == null ? List.of(concurrent) : List.of(sequential, concurrent)) {
            long n = embedded ? unrequestedFailures(run.results()) : run.failed();
            if (n > 0) {
                unexpected.add(
                        String.format(
                                Locale.ROOT,
                                "%s: %,d of %,d",
                                run.name(),
                                n,
                                run.results().size()));
            }
        }
        if (!unexpected.isEmpty()) {
            out.printf(
                    "Exit code 1: %s (%s).%n",
                    embedded && failures > 0 ? "failed beyond --failures" : "requests failed",
                    String.join("; ", unexpected));
            out.flush();
            return 1;
        }
        if (embedded && failures > 0) {
            out.printf(
                    Locale.ROOT,
                    "Only the failures asked for with --failures %,d happened%s: exit code 0.%n",
                    failures,
                    failFast ? " (and the cancellations they caused)" : "");
        }
        out.flush();
        return 0;
    }

    /**
     * Failures of an embedded run other than the ones --failures asked for (the last N requests).
     */
    private long unrequestedFailures(List<Result> results) {
        long n = 0;
        for (Result r : results) {
            int failing = r.index() - (requests - failures);
            boolean requested =
                    failing >= 0
                            && r.outcome()
                                    == switch (failing % 3) {
                                        case 0 -> Outcome.HTTP_ERROR;
                                        case 1 -> Outcome.REFUSED;
                                        default -> Outcome.TIMEOUT;
                                    };
            boolean cancelledByFailFast =
                    r.outcome() == Outcome.CANCELLED && failFast && failures > 0;
            if (!r.ok() && !requested && !cancelledByFailFast) {
                n++;
            }
        }
        return n;
    }

    private static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * The embedded server's URLs: {@code /item/k}, and the last {@code --failures} of them failing.
     */
    private List<URI> embeddedUrls(LatencyServer server) {
        List<URI> uris = new ArrayList<>();
        URI base = server.uri();
        URI refused = failures > 0 ? LatencyServer.refusingUri() : null;
        for (int i = 0; i < requests; i++) {
            int failing = i - (requests - failures);
            if (failing < 0) {
                uris.add(base.resolve("item/" + (i + 1)));
            } else {
                uris.add(
                        switch (failing % 3) {
                            case 0 -> base.resolve("status/500");
                            case 1 -> refused;
                            default -> base.resolve("hang");
                        });
            }
        }
        return uris;
    }

    /**
     * The --url and --urls-file URLs, checked: a malformed one or an unreadable file is a usage
     * error.
     */
    private List<URI> externalUrls() {
        List<URI> uris = new ArrayList<>();
        for (String url : urls) {
            uris.add(parseUrl(url, "--url '" + url + "'"));
        }
        if (urlsFile != null) {
            List<String> lines = readLines(urlsFile);
            int before = uris.size();
            for (int i = 0; i < lines.size(); i++) {
                String line = COMMENT.matcher(lines.get(i)).replaceFirst("").strip();
                if (!line.isEmpty()) {
                    uris.add(parseUrl(line, urlsFile + " line " + (i + 1) + " '" + line + "'"));
                }
            }
            if (uris.size() == before) {
                throw usage("--urls-file '" + urlsFile + "' has no URLs");
            }
        }
        if (uris.size() > MAX_REQUESTS) {
            throw usage(
                    String.format(
                            Locale.ROOT,
                            "at most %,d URLs, but --url and --urls-file gave %,d",
                            MAX_REQUESTS,
                            uris.size()));
        }
        return uris;
    }

    /** The file's lines, strictly UTF-8, without a byte-order mark; every failure in words. */
    private List<String> readLines(Path file) {
        String where = "cannot read --urls-file '" + file + "': ";
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
        } catch (NoSuchFileException e) {
            throw usage(where + "no such file");
        } catch (AccessDeniedException e) {
            throw usage(where + "permission denied");
        } catch (CharacterCodingException e) {
            throw usage(where + "it is not UTF-8 text (a binary file?)");
        } catch (IOException e) {
            throw usage(
                    where
                            + (Files.isDirectory(file)
                                    ? "it is a directory"
                                    : Fetcher.words(e.getMessage())));
        } catch (OutOfMemoryError e) {
            throw usage(where + "it is too large");
        }
        if (text.startsWith("\uFEFF")) {
            text =
                    text.substring(
                            1); // a byte-order mark, as some editors write: not part of the first
                                                     // URL
        }
        return text.lines().toList();
    }

    /**
     * A comment: a '#' starting the line or after whitespace (a '#' inside a URL is its fragment).
     */
    private static final Pattern COMMENT = Pattern.compile("(^|\\s)#.*$");

    /** An http(s) URL with a host and a valid port, or a usage error that says what is wrong. */
    private URI parseUrl(String text, String where) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw usage(where + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw usage(where + " is not an http or https URL");
        }
        String authority = uri.getRawAuthority();
        if (uri.getHost() == null) {
            if (authority != null && authority.matches(".*:[^\\]]*")) {
                throw usage(
                        where
                                + " has an invalid port: '"
                                + authority.substring(authority.lastIndexOf(':') + 1)
                                + "' (a port is a number from 1 to 65535)");
            }
            throw usage(where + " has no host");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw usage(
                    where
                            + " has an invalid port: "
                            + uri.getPort()
                            + " (a port is a number from 1 to 65535)");
        }
        return uri;
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new HttpDemo(), args));
    }
}
