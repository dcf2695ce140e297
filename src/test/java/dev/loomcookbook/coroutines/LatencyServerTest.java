package dev.loomcookbook.coroutines;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;
import org.junit.jupiter.api.Test;

/** The embedded server: where it listens, what it answers, on which threads, and that close ends it all. */
class LatencyServerTest {

    /** The server listens on 127.0.0.1 and an ephemeral port, and its base URI says so. */
    @Test
    void listensOnLoopbackAndAnEphemeralPort() {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO)) {
            URI uri = server.uri();
            assertThat(uri.getScheme()).isEqualTo("http");
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            assertThat(uri.getPort()).isPositive();
            assertThat(uri.getPath()).isEqualTo("/");
        }
    }

    /** {@code /status/NNN} answers with that status; other paths answer 200 from a virtual thread. */
    @Test
    void answersWithThePathsStatusFromAVirtualThread() throws Exception {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO); Client client = new Client()) {
            assertThat(client.get(server.uri().resolve("status/418")).statusCode()).isEqualTo(418);
            HttpResponse<String> ok = client.get(server.uri().resolve("anything"));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("/anything").contains("on a virtual thread");
        }
    }

    /** Closing the server ends a handler that never answers; the waiting client gets an error, not a hang. */
    @Test
    void closeEndsAHandlerThatNeverAnswers() throws Exception {
        try (Client client = new Client()) {
            LatencyServer server = LatencyServer.start(Duration.ZERO);
            try (server; var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.<HttpResponse<String>>awaitAll())) {
                Subtask<HttpResponse<String>> hanging = scope.fork(() -> client.get(server.uri().resolve("hang")));
                HttpFetchTest.awaitCount(server::inFlight, 1);
                server.close();
                scope.join();
                assertThat(hanging.state()).isEqualTo(Subtask.State.FAILED);
                assertThat(hanging.exception()).isInstanceOf(IOException.class);
            }
            assertThat(server.inFlight()).isZero();
        }
    }

    /** maxInFlight remembers the peak while inFlight falls back to zero. */
    @Test
    void countsHandlersInFlight() throws Exception {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Fetcher fetcher = new Fetcher(HttpFetchTest.NO_TIMEOUT, 4)) {
            HttpFetchTest.fetchWhileGated(server, fetcher, HttpFetchTest.gated(server, 4), Fetcher.Mode.GATHER, 4);
            assertThat(server.maxInFlight()).isEqualTo(4);
            assertThat(server.inFlight()).isZero();
        }
    }

    /** A plain HttpClient on virtual threads, closed with its executor. */
    private static final class Client implements AutoCloseable {
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        private final HttpClient http = HttpClient.newBuilder().executor(executor).build();

        HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() {
            http.close();
            executor.close();
        }
    }
}
