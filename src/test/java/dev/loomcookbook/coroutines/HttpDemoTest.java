package dev.loomcookbook.coroutines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import dev.loomcookbook.testing.Python;
import dev.loomcookbook.coroutines.Fetcher.Result;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The http demo, run in-process against embedded servers with no latency. */
class HttpDemoTest {

    /** A --timeout no loaded machine reaches on the success paths (HttpFetchTest.NO_TIMEOUT); the default is 5 s. */
    private static final String NO_TIMEOUT = "30s";

    /** The default run prints a line per request, both runs' times and the speed-up, and exits 0. */
    @Test
    void embeddedRunPrintsEachRequestAndTheSpeedUp() {
        CliRun run = CliRun.of(new HttpDemo(), "--requests", "5", "--latency", "0ms", "--timeout",
                NO_TIMEOUT);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines().filter(l -> l.contains("HTTP 200 OK")).count()).isEqualTo(5);
        assertThat(run.out()).contains("return_exceptions=True").contains("sequential")
                .contains("concurrent")
                .contains("Speed-up:").contains("The server saw up to");
    }

    /** A non-2xx status and a refused connection each get one clear line; the rest are kept; exit 1. */
    @Test
    void failuresAreOneLineEachAndExitOne() {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            String refused = LatencyServer.refusingUri().toString();
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--timeout", NO_TIMEOUT,
                    "--url", server.uri() + "item/1",
                    "--url", server.uri() + "status/503", "--url", refused);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).containsSubsequence("item/1", "HTTP 200 OK", "status/503",
                    "FAILED: HTTP 503",
                    refused, "FAILED: connection refused");
            assertThat(run.out().strip().lines().toList().getLast())
                    .isEqualTo("Exit code 1: requests failed (concurrent: 2 of 3).");
        }
    }

    /** A request with no answer gets a timeout line naming the --timeout. */
    @Test
    void timeoutIsOneLine() {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--timeout", "200ms", "--url",
                    server.uri() + "hang");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).contains("hang").contains("FAILED: timed out after 200 ms");
        }
    }

    /** --fail-fast reports the failure and the cancelled requests. */
    @Test
    void failFastReportsCancelledRequests() {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--fail-fast", "--timeout",
                    NO_TIMEOUT,
                    "--url", server.uri() + "hang", "--url", server.uri() + "status/500");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).containsSubsequence("status/500", "FAILED: HTTP 500",
                    "... and 1 request cancelled: another request failed first");
            assertThat(run.out()).as("no row per cancelled request").doesNotContain("/hang");
        }
    }

    /** When only the sequential run fails a request, the exit code is still 1 and the summary names that run. */
    @Test
    void exitCodeIsOneWhenOnlyTheSequentialRunFails() throws Exception {
        try (FirstRequestFails server = new FirstRequestFails()) {
            CliRun run = CliRun.of(new HttpDemo(), "--timeout", NO_TIMEOUT, "--url",
                    server.uri().toString());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).containsSubsequence("sequential", "1", "0", "1", "concurrent",
                    "1", "1", "0");
            assertThat(run.out().strip().lines().toList().getLast())
                    .isEqualTo("Exit code 1: requests failed (sequential: 1 of 1).");
        }
    }

    /**
     * With --failures, exactly the requested failures mean exit 0, and the last line says they
     * were asked for. The timeout is also the patience of the requests that must succeed: in
     * gather mode the hanging request waits it out in both runs, so it is seconds, not minutes; a
     * fail-fast run cancels the hanging request instead, so it gets the long one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gather", "--fail-fast"})
    void requestedFailuresExitZero(String mode) {
        List<String> args = new java.util.ArrayList<>(
                List.of("--requests", "6", "--failures", "3", "--latency", "0ms",
                        "--timeout", mode.equals("gather") ? "3s" : NO_TIMEOUT));
        if (mode.equals("--fail-fast")) {
            args.add(mode);
        }
        CliRun run = CliRun.of(new HttpDemo(), args.toArray(String[]::new));
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip().lines().toList().getLast())
                .startsWith("Only the failures asked for with --failures 3 happened")
                .endsWith(": exit code 0.");
    }

    /** The help says which exit code means what. */
    @Test
    void helpExplainsTheExitCodes() {
        String help = CliRun.of(new HttpDemo(), "--help").out().replaceAll("\\s+", " ");
        assertThat(help).contains("Exit codes:").contains(
                "0 every request of every run succeeded, or, with --failures N, exactly the N")
                .contains("1 a request failed that was not asked to fail")
                .contains("2 a usage error")
                .doesNotContain("0 done");
    }

    /** A URL with an invalid port is a usage error before anything starts, from --url or from --urls-file. */
    @Test
    void invalidPortIsAUsageError(@TempDir Path dir) throws Exception {
        CliRun run = CliRun.of(new HttpDemo(), "--url", "http://127.0.0.1:99999/");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("error: --url 'http://127.0.0.1:99999/' has an invalid port: 99999 "
                        + "(a port is a number from 1 to 65535)\n");
        assertThat(run.out()).isEmpty();
        Path file = Files.writeString(dir.resolve("urls.txt"),
                "http://127.0.0.1:8/\nhttp://127.0.0.1:x/\n");
        run = CliRun.of(new HttpDemo(), "--urls-file", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(
                "error: " + file + " line 2 'http://127.0.0.1:x/' has an invalid port: 'x'");
        assertThat(run.out()).isEmpty();
    }

    /** A missing, binary or empty URLs file is one line in words, with no Java class name. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "missing | no such file",
        "binary  | it is not UTF-8 text (a binary file?)",
        "dir     | it is a directory",
    })
    void unreadableUrlsFileSaysWhyInWords(String kind, String why, @TempDir Path dir)
            throws Exception {
        Path file = switch (kind) {
            case "missing" -> dir.resolve("missing.txt");
            case "binary" -> Files.write(dir.resolve("urls.bin"),
                    new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, 0});
            default -> dir;
        };
        CliRun run = CliRun.of(new HttpDemo(), "--urls-file", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst().orElseThrow())
                .isEqualTo("error: cannot read --urls-file '" + file + "': " + why);
        assertThat(run.err()).doesNotContainPattern("[A-Z]\\w+(Exception|Error)");
        assertThat(run.out()).isEmpty();
    }

    /** A UTF-8 byte-order mark at the start of a URLs file is not part of the first URL. */
    @Test
    void byteOrderMarkIsIgnored(@TempDir Path dir) throws Exception {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            Path file = Files.writeString(dir.resolve("urls.txt"), "\uFEFF" + server.uri() + "a\n");
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--timeout", NO_TIMEOUT,
                    "--urls-file", file.toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).containsSubsequence(server.uri() + "a", "HTTP 200 OK");
        }
    }

    /** Every line fits in 100 columns, however long the URLs and the failures are. */
    @Test
    void longUrlsAndFailuresFitIn100Columns() {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            String longPath = "item/" + "very-long-segment/".repeat(12);
            CliRun run = CliRun.of(new HttpDemo(), "--timeout", NO_TIMEOUT, "--url",
                    server.uri() + longPath,
                    "--url", LatencyServer.refusingUri() + "/" + "x".repeat(150), "--url",
                    "http://nosuchhost."
                            + "y".repeat(80) + ".invalid/");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out().lines()).allSatisfy(
                    line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(100));
            assertThat(run.out()).contains("HTTP 200 OK").contains("FAILED: connection refused")
                    .contains("FAILED: cannot resolve host");
        }
    }

    /** Byte counts have thousands separators. */
    @Test
    void byteCountsHaveThousandsSeparators() {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--timeout", NO_TIMEOUT,
                    "--url", server.uri() + "bytes/1234567");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).containsPattern("HTTP 200 OK +1,234,567 ");
        }
    }

    /** Against Python's own http.server: a file arrives whole, a missing one is a 404; exit 1 for the 404. */
    @Test
    void againstPythonsHttpServer(@TempDir Path dir) throws Exception {
        Python.assumePresent();
        Files.write(dir.resolve("page.txt"), new byte[2048]);
        try (PythonHttpServer server = PythonHttpServer.serving(dir)) {
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--timeout", NO_TIMEOUT,
                    "--url", server.uri() + "page.txt", "--url", server.uri() + "missing.txt");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).containsPattern("page\\.txt +HTTP 200 OK +2,048 ")
                    .containsPattern("missing\\.txt +FAILED: HTTP 404 ");
        }
    }

    /** A malformed --url is rejected with exit 2 before anything starts. */
    @ParameterizedTest
    @ValueSource(strings = {"http://exa mple.com/", "ftp://example.com/", "example.com"})
    void malformedUrlIsAUsageError(String bad) {
        CliRun run = CliRun.of(new HttpDemo(), "--url", bad);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: --url '" + bad + "'");
        assertThat(run.out()).isEmpty();
    }

    /** An unreadable --urls-file is rejected with exit 2 before anything starts. */
    @Test
    void unreadableUrlsFileIsAUsageError(@TempDir Path dir) {
        CliRun run =
                CliRun.of(new HttpDemo(), "--urls-file", dir.resolve("missing.txt").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: cannot read --urls-file");
        assertThat(run.out()).isEmpty();
    }

    /** --urls-file reads one URL per line, skipping blank lines and comments. */
    @Test
    void urlsFileIsRead(@TempDir Path dir) throws Exception {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            Path file = Files.writeString(dir.resolve("urls.txt"),
                    "# two pages\n" + server.uri() + "a\n\n" + server.uri() + "b\n");
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--timeout", NO_TIMEOUT,
                    "--urls-file", file.toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("2 requests").containsSubsequence("/a", "HTTP 200 OK",
                    "/b", "HTTP 200 OK");
        }
    }

    /** Too many requests, or a latency or timeout over a minute, is a usage error whose one line names the bound. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--requests | 10001 | error: --requests must be at most 10,000, but was 10,001",
        "--latency  | 2m    | error: --latency must be at most 1m (one minute), but was 120 s",
        "--timeout  | 61s   | error: --timeout must be at most 1m (one minute), but was 61.0 s",
    })
    void valuesOverTheirBoundsAreUsageErrors(String option, String value, String firstLine) {
        CliRun run = CliRun.of(new HttpDemo(), option, value);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(firstLine + "\n");
        assertThat(run.out()).isEmpty();
    }

    /** The help states the bounds, and how many requests a cut list shows. */
    @Test
    void helpStatesTheBoundsAndTheListCut() {
        CliRun run = CliRun.of(new HttpDemo(), "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).as("the help, on one line")
                .contains("N <= 10,000").contains("at most 1m")
                .contains("more than " + HttpDemo.LIST_LIMIT + " lists only")
                .contains("first " + HttpDemo.LISTED_OK);
    }

    /** Options of the embedded server given with --url are a usage error, not silently ignored. */
    @ParameterizedTest
    @CsvSource({"--requests, 5", "--failures, 0", "--latency, 100ms"})
    void embeddedOnlyOptionsWithUrlAreUsageErrors(String option, String value) {
        CliRun run = CliRun.of(new HttpDemo(), "--url", "http://127.0.0.1:9/", option, value);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: " + option
                + " applies only to the embedded server: it cannot be combined with --url or --urls-file\n");
        assertThat(run.out()).isEmpty();
    }

    /** When a run has failures or cancellations there is no speed-up, and the output says why. */
    @Test
    void noSpeedUpUnlessBothRunsSucceed() {
        CliRun run = CliRun.of(new HttpDemo(), "--requests", "5", "--failures", "2", "--fail-fast",
                "--latency", "0ms",
                "--timeout", NO_TIMEOUT);
        assertThat(run.exitCode()).isZero(); // exactly the failures asked for
        assertThat(run.out()).doesNotContain("Speed-up:")
                .contains(
                        "No speed-up: the runs did not both succeed (sequential 3 of 5 ok, concurrent ");
    }

    /** The speed-up compares the two times when every request of both runs succeeded. */
    @Test
    void speedUpWhenBothRunsSucceed() {
        URI uri = URI.create("http://127.0.0.1:9/");
        List<Result> ok = List.of(new Result(0, uri, Fetcher.Outcome.OK, 200, 1, 1, "HTTP 200"));
        List<Result> failed =
                List.of(new Result(0, uri, Fetcher.Outcome.TIMEOUT, -1, 0, 1, "timed out"));
        assertThat(HttpDemo.speedUp(ok, 3_000_000_000L, ok, 1_000_000_000L, null))
                .startsWith("Speed-up: 3.0x")
                .contains("as long as the slowest");
        assertThat(HttpDemo.speedUp(ok, 3_000_000_000L, failed, 1_000_000_000L, null))
                .startsWith("No speed-up");
    }

    /** Under --concurrency the concurrent run does not wait "as long as the slowest": the sentence says so. */
    @Test
    void speedUpUnderAConcurrencyLimitSaysHowManyAtATime() {
        URI uri = URI.create("http://127.0.0.1:9/");
        Result ok = new Result(0, uri, Fetcher.Outcome.OK, 200, 1, 1, "HTTP 200");
        List<Result> four = List.of(ok, ok, ok, ok);
        assertThat(HttpDemo.speedUp(four, 4_000_000_000L, four, 2_000_000_000L, 2))
                .startsWith("Speed-up: 2.0x").contains("runs 2 at a time")
                .doesNotContain("slowest");
    }

    /**
     * The warm-up request is not counted in flight, even while the server still holds it. The
     * request must reach the server's handler before its timeout ends it: the timeout is that
     * patience, the latency (which the server's close cuts short) only has to be longer.
     */
    @Test
    void warmUpIsNotCountedInFlight() {
        CliRun run =
                CliRun.of(new HttpDemo(), "--latency", "1m", "--requests", "1", "--no-sequential",
                        "--timeout", "3s");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("Warm-up: one request the server answers at once")
                .contains("Note: --latency 60.0 s is not shorter than --timeout 3.00 s")
                .contains("Concurrent (1 virtual thread) ...")
                .contains("The server saw up to 1 request in flight at once.");
    }

    /** A run of more than LIST_LIMIT requests lists LISTED_OK successes and counts the rest, as the help says. */
    @Test
    void longListShowsTheFirstSuccesses() {
        CliRun run =
                CliRun.of(new HttpDemo(), "--requests", "25", "--latency", "0ms", "--no-sequential",
                        "--timeout", NO_TIMEOUT);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines().filter(l -> l.contains("HTTP 200 OK")).count())
                .isEqualTo(HttpDemo.LISTED_OK);
        assertThat(run.out())
                .contains("... and 15 more successful requests (--all lists every one)");
    }

    /** In --urls-file, a '#' after whitespace starts a comment, as a '#' at the start of a line does. */
    @Test
    void urlsFileAllowsTrailingComments(@TempDir Path dir) throws Exception {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            Path file = Files.writeString(dir.resolve("urls.txt"),
                    server.uri() + "a  # the first page\n" + server.uri() + "b\t# the second\n");
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--timeout", NO_TIMEOUT,
                    "--urls-file", file.toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("2 requests").containsSubsequence("/a ", "HTTP 200 OK",
                    "/b ", "HTTP 200 OK");
        }
    }

    /** The summary line says what the demo shows; the Python concept has its own column in 'list'. */
    @Test
    void summaryDoesNotRepeatThePythonConcept() {
        String summary =
                new CommandLine(new HttpDemo()).getCommandSpec().usageMessage().description()[0];
        assertThat(summary).doesNotContain(new HttpDemo().pythonConcept()).doesNotContain("aiohttp")
                .contains("HTTP requests");
    }
}
