package dev.loomcookbook.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.Latches;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link EmbeddedSite} and {@link HttpGet}: answers, counters, hang-ups, and closing. */
class EmbeddedSiteTest {

    /** A page answers 200 with its body; a path with no route answers 404. */
    @Test
    void answersPagesAnd404() throws Exception {
        try (var site = EmbeddedSite.start("s").page("/a", "hello\n")) {
            assertThat(HttpGet.get(site.uri("/a"))).isEqualTo(new HttpGet.Response(200, "hello\n"));
            assertThat(HttpGet.get(site.uri("/nothing")).status()).isEqualTo(404);
        }
    }

    /** Requests are counted per path and in all; the query is not part of the path. */
    @Test
    void countsRequestsPerPath() throws Exception {
        try (var site = EmbeddedSite.start("s").page("/a", "a").page("/b", "b")) {
            HttpGet.get(site.uri("/a"));
            HttpGet.get(site.uri("/a?x=1"));
            HttpGet.get(site.uri("/b"));
            assertThat(site.requests("/a")).isEqualTo(2);
            assertThat(site.requests("/b")).isEqualTo(1);
            assertThat(site.requests("/c")).isZero();
            assertThat(site.requests()).isEqualTo(3);
        }
    }

    /** failFirst(n) answers 503 n times, then the page. */
    @Test
    void failFirstFailsThenAnswers() throws Exception {
        try (var site = EmbeddedSite.start("s").failFirst("/f", 2, "ok")) {
            assertThat(HttpGet.get(site.uri("/f")).status()).isEqualTo(503);
            assertThat(HttpGet.get(site.uri("/f")).status()).isEqualTo(503);
            assertThat(HttpGet.get(site.uri("/f"))).isEqualTo(new HttpGet.Response(200, "ok"));
        }
    }

    /** A request is in flight while its handler runs, and no longer once the answer is sent. */
    @Test
    void countsRequestsInFlight() throws Exception {
        var entered = new CountDownLatch(2);
        var release = new CountDownLatch(1);
        var shared = new EmbeddedSite.Gauge();
        try (var one = EmbeddedSite.start("one", Duration.ZERO, shared);
                var two = EmbeddedSite.start("two", Duration.ZERO, shared);
                var clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            EmbeddedSite.Handler held = request -> {
                entered.countDown();
                release.await();
                return EmbeddedSite.Answer.ok("done");
            };
            one.route("/held", held);
            two.route("/held", held);
            var first = clients.submit(() -> HttpGet.get(one.uri("/held")));
            var second = clients.submit(() -> HttpGet.get(two.uri("/held")));
            Latches.await(entered);
            assertThat(one.inFlight()).isEqualTo(1);
            assertThat(shared.now()).isEqualTo(2);
            release.countDown();
            assertThat(first.get().body()).isEqualTo("done");
            assertThat(second.get().body()).isEqualTo("done");
            assertThat(one.inFlight()).isZero();
            assertThat(one.mostInFlight()).isEqualTo(1);
            assertThat(shared.most()).isEqualTo(2);
        }
    }

    /**
     * A hanging page never answers; when its client is interrupted, the client's request ends
     * with InterruptedException and the site counts the hang-up.
     */
    @Test
    void countsAClientThatHangsUp() throws Exception {
        var failure = new AtomicReference<Throwable>();
        try (var site = EmbeddedSite.start("s").hang("/h")) {
            Thread client = Thread.ofVirtual().start(() -> {
                try {
                    HttpGet.get(site.uri("/h"));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Eventually.await("the request in flight", () -> site.inFlight() == 1);
            assertThat(site.hangUps()).isZero();
            client.interrupt();
            client.join();
            assertThat(failure.get()).isInstanceOf(InterruptedException.class);
            assertThat(site.awaitHangUps(1, Duration.ofSeconds(30))).isTrue();
            Eventually.await("the hang-up out of flight", () -> site.inFlight() == 0);
        }
    }

    /** A client that was interrupted before sending sends nothing. */
    @Test
    void anInterruptedClientSendsNothing() throws Exception {
        var failure = new AtomicReference<Throwable>();
        try (var site = EmbeddedSite.start("s").page("/a", "a")) {
            Thread client = Thread.ofVirtual().unstarted(() -> {
                Thread.currentThread().interrupt();
                try {
                    HttpGet.get(site.uri("/a"));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            client.start();
            client.join();
            assertThat(failure.get()).isInstanceOf(InterruptedException.class);
            assertThat(site.requests()).isZero();
        }
    }

    /** A handler that throws answers 500 with the message. */
    @Test
    void aFailingHandlerAnswers500() throws Exception {
        try (var site = EmbeddedSite.start("s").route("/x", request -> {
            throw new IllegalStateException("broken");
        })) {
            HttpGet.Response answer = HttpGet.get(site.uri("/x"));
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.body()).contains("broken");
        }
    }

    /** Anything but GET answers 405, a malformed request 400. */
    @Test
    void rejectsWhatIsNotAGet() throws Exception {
        try (var site = EmbeddedSite.start("s").page("/a", "a")) {
            assertThat(raw(site, "POST /a HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 405 ");
            assertThat(raw(site, "nonsense\r\n\r\n")).startsWith("HTTP/1.1 400 ");
            assertThat(site.requests()).isZero();
        }
    }

    /** close() ends a handler still waiting, and its client gets no answer. */
    @Test
    void closeEndsHandlersStillRunning() throws Exception {
        var failure = new AtomicReference<Throwable>();
        Thread client;
        try (var site = EmbeddedSite.start("s").hang("/h")) {
            client = Thread.ofVirtual().start(() -> {
                try {
                    HttpGet.get(site.uri("/h"));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Eventually.await("the request in flight", () -> site.inFlight() == 1);
        }
        client.join();
        assertThat(failure.get()).isInstanceOf(IOException.class);
    }

    /** Routes must be paths; a negative latency is rejected. */
    @Test
    void badArgumentsAreRejected() {
        try (var site = EmbeddedSite.start("s")) {
            assertThatThrownBy(() -> site.page("a", "a"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> EmbeddedSite.start("s", Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** HttpGet takes http URIs with a port only; a refused connection is an IOException. */
    @Test
    void httpGetChecksItsUri() throws Exception {
        assertThatThrownBy(() -> HttpGet.get(java.net.URI.create("https://127.0.0.1:1/")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpGet.get(java.net.URI.create("http://127.0.0.1/")))
                .isInstanceOf(IllegalArgumentException.class);
        java.net.URI refused;
        try (var site = EmbeddedSite.start("gone")) {
            refused = site.uri("/");
        }
        assertThatThrownBy(() -> HttpGet.get(refused)).isInstanceOf(IOException.class);
    }

    /** Sends {@code request} as is and returns the whole answer. */
    private static String raw(EmbeddedSite site, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.ofLiteral("127.0.0.1"), site.uri().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
