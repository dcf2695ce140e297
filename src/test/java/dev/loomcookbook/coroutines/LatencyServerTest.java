package dev.loomcookbook.coroutines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.common.ChildJvm;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Client client = new Client()) {
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
            try (server;
                    var scope = StructuredTaskScope
                            .open(StructuredTaskScope.Joiner.<HttpResponse<String>>awaitAll())) {
                Subtask<HttpResponse<String>> hanging =
                        scope.fork(() -> client.get(server.uri().resolve("hang")));
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
            HttpFetchTest.fetchWhileGated(server, fetcher, HttpFetchTest.gated(server, 4),
                    Fetcher.Mode.GATHER, 4);
            assertThat(server.maxInFlight()).isEqualTo(4);
            assertThat(server.inFlight()).isZero();
        }
    }

    /** {@code /warm-up} is answered at once, whatever the latency, and is not counted in flight. */
    @Test
    void warmUpIsAnsweredAtOnceAndNotCounted() throws Exception {
        try (LatencyServer server = LatencyServer.start(Duration.ofHours(1));
                Client client = new Client()) {
            assertThat(client.get(server.uri().resolve("warm-up")).statusCode()).isEqualTo(200);
            assertThat(server.maxInFlight()).isZero();
        }
    }

    /**
     * A client that sends its request headers one byte at a time (slowloris) is dropped after the
     * header timeout, and a normal request is served meanwhile. The JDK reads the timeout once per
     * JVM, so the server runs in a JVM of its own with a timeout of three seconds: the normal
     * request's headers must be read within it too, by a server that has just started.
     */
    @Test
    void slowHeaderClientIsDroppedWhileOthersAreServed() throws Exception {
        try (ChildServer child = ChildServer.start("-Dsun.net.httpserver.maxReqTime=3",
                "-Dsun.net.httpserver.timerMillis=100");
                Client client = new Client()) {
            URI uri = child.uri();
            try (Socket slow = new Socket(uri.getHost(), uri.getPort())) {
                slow.setSoTimeout(30_000); // a safety net: the server drops it long before
                Thread sender = Thread.ofVirtual()
                        .start(() -> trickle(slow, "GET /item/1 HTTP/1.1\r\nHost: x\r\n"
                                + "X-Slow: " + ".".repeat(600)));
                try {
                    assertThat(client.get(uri.resolve("item/2")).statusCode()).isEqualTo(200);
                    assertThat(readUntilClosed(slow))
                            .as("what the slow client got before it was dropped").isEmpty();
                } finally {
                    sender.join();
                }
            }
        }
    }

    /**
     * Past its connection cap the server closes a new connection at once, without an answer, and
     * serves again once connections are free. It runs in a JVM of its own with a cap of 4.
     */
    @Test
    void connectionsPastTheCapAreClosedAtOnce() throws Exception {
        try (ChildServer child = ChildServer.start("-Djdk.httpserver.maxConnections=4",
                "-Dsun.net.httpserver.maxReqTime=60");
                Client client = new Client()) {
            URI uri = child.uri();
            List<Socket> held = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket(uri.getHost(), uri.getPort());
                    s.getOutputStream()
                            .write("GET /item/1 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                    held.add(s);
                }
                try (Socket fifth = new Socket(uri.getHost(), uri.getPort())) {
                    fifth.setSoTimeout(30_000); // a safety net: the server closes it at once
                    assertThat(readUntilClosed(fifth)).isEmpty();
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            assertThat(eventually(() -> client.get(uri.resolve("item/2")).statusCode()))
                    .isEqualTo(200);
        }
    }

    /** The first answer of {@code call}, retried while the server still counts closed connections. */
    private static int eventually(java.util.concurrent.Callable<Integer> call) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return call.call();
            } catch (IOException stillFull) {
                if (System.nanoTime() > deadline) {
                    throw stillFull;
                }
                Thread.sleep(10);
            }
        }
    }

    /** A {@link LatencyServer} in a JVM of its own, with the JDK limits given as options. */
    private record ChildServer(ChildJvm.Running child, URI uri) implements AutoCloseable {
        static ChildServer start(String... options) throws IOException {
            ProcessBuilder builder =
                    new ProcessBuilder(ChildJvm.command(List.of(options), LatencyServer.class,
                            List.of("0ms"))).redirectError(ProcessBuilder.Redirect.DISCARD);
            ChildJvm.Running child = ChildJvm.start(builder, "latency-server");
            String line = new BufferedReader(new InputStreamReader(child.process().getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            return new ChildServer(child, URI.create(line));
        }

        @Override
        public void close() throws IOException {
            child.close();
        }
    }

    /** Sends one byte every 10 ms until the text is out or the server closed the connection. */
    private static void trickle(Socket socket, String text) {
        try {
            OutputStream out = socket.getOutputStream();
            for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(10);
            }
        } catch (IOException | InterruptedException closed) {
            // the server dropped us: the point of the test
        }
    }

    /** Everything the server sent until it closed the connection (a reset counts as closed). */
    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            socket.getInputStream().transferTo(got);
        } catch (SocketException reset) {
            // closed with unread input: the kernel sends a reset
        }
        return got.toString(StandardCharsets.US_ASCII);
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
