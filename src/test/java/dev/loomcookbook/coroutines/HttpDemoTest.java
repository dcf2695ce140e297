package dev.loomcookbook.coroutines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The http demo, run in-process against embedded servers with no latency. */
class HttpDemoTest {

    /** The default run prints a line per request, both runs' times and the speed-up, and exits 0. */
    @Test
    void embeddedRunPrintsEachRequestAndTheSpeedUp() {
        CliRun run = CliRun.of(new HttpDemo(), "--requests", "5", "--latency", "0ms");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines().filter(l -> l.contains("HTTP 200 OK")).count()).isEqualTo(5);
        assertThat(run.out()).contains("return_exceptions=True").contains("sequential").contains("concurrent")
                .contains("Speed-up:").contains("The server saw up to");
    }

    /** A non-2xx status and a refused connection each get one clear line; the rest are kept; exit 1. */
    @Test
    void failuresAreOneLineEachAndExitOne() {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            String refused = LatencyServer.refusingUri().toString();
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--url", server.uri() + "item/1",
                    "--url", server.uri() + "status/503", "--url", refused);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).containsSubsequence("item/1", "HTTP 200 OK", "status/503", "FAILED: HTTP 503",
                    refused, "FAILED: connection refused");
            assertThat(run.out()).contains("2 of 3 requests did not succeed: exit code 1.");
        }
    }

    /** A request with no answer gets a timeout line naming the --timeout. */
    @Test
    void timeoutIsOneLine() {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--timeout", "200ms", "--url", server.uri() + "hang");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).contains("hang").contains("FAILED: timed out after 200 ms");
        }
    }

    /** --fail-fast reports the failure and the cancelled requests. */
    @Test
    void failFastReportsCancelledRequests() {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--fail-fast",
                    "--url", server.uri() + "hang", "--url", server.uri() + "status/500");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).containsSubsequence("hang", "cancelled: another request failed first",
                    "status/500", "FAILED: HTTP 500");
        }
    }

    /** A malformed --url is rejected with exit 2 before anything starts. */
    @Test
    void malformedUrlIsAUsageError() {
        for (String bad : new String[] {"http://exa mple.com/", "ftp://example.com/", "example.com"}) {
            CliRun run = CliRun.of(new HttpDemo(), "--url", bad);
            assertThat(run.exitCode()).as(bad).isEqualTo(2);
            assertThat(run.err()).as(bad).startsWith("error: --url '" + bad + "'");
            assertThat(run.out()).as(bad).isEmpty();
        }
    }

    /** An unreadable --urls-file is rejected with exit 2 before anything starts. */
    @Test
    void unreadableUrlsFileIsAUsageError(@TempDir Path dir) {
        CliRun run = CliRun.of(new HttpDemo(), "--urls-file", dir.resolve("missing.txt").toString());
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
            CliRun run = CliRun.of(new HttpDemo(), "--no-sequential", "--urls-file", file.toString());
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("2 requests").containsSubsequence("/a", "HTTP 200 OK", "/b", "HTTP 200 OK");
        }
    }
}
