package dev.loomcookbook.coroutines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.loomcookbook.coroutines.Fetcher.Mode;
import dev.loomcookbook.coroutines.Fetcher.Outcome;
import dev.loomcookbook.coroutines.Fetcher.Result;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fetcher against the embedded server: order, concurrency (proven by the server's count of
 * handlers in flight), the semaphore limit, failures as results, fail-fast cancellation, timeouts.
 * Every server and fetcher is closed by try-with-resources.
 */
class HttpFetchTest {

    /** Long enough never to fire in these tests: only a safety net against a hang. */
    static final Duration NO_TIMEOUT = Duration.ofSeconds(30);

    /** Results come back in request order although the requests complete in reverse order. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void resultsComeBackInRequestOrder(ThreadFactory factory) throws InterruptedException {
        int n = 5;
        List<CountDownLatch> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            done.add(new CountDownLatch(1));
        }
        List<Integer> completionOrder = new CopyOnWriteArrayList<>();
        Fetcher.Listener lastFirst = new Fetcher.Listener() {
            @Override
            public void sending(int index, URI uri) throws InterruptedException {
                if (index + 1 < n) {
                    await(done.get(index + 1)); // request i is sent only once request i+1 has finished
                }
            }

            @Override
            public void finished(int index, URI uri) {
                completionOrder.add(index);
                done.get(index).countDown();
            }
        };
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Fetcher fetcher = new Fetcher(NO_TIMEOUT, n, lastFirst, factory)) {
            List<URI> uris = items(server, n);
            List<Result> results = fetcher.fetchAll(uris, Mode.GATHER);
            assertThat(completionOrder).containsExactly(4, 3, 2, 1, 0);
            assertThat(results).extracting(Result::uri).containsExactlyElementsOf(uris);
            assertThat(results).extracting(Result::index).containsExactly(0, 1, 2, 3, 4);
            assertThat(results).allMatch(Result::ok);
        }
    }

    /** N requests are in the server's handlers at the same time: the server counts N in flight. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void requestsRunConcurrentlyOnTheServer(ThreadFactory factory) throws Exception {
        int n = 20;
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Fetcher fetcher = new Fetcher(NO_TIMEOUT, n, new Fetcher.Listener() {}, factory)) {
            List<Result> results =
                    fetchWhileGated(server, fetcher, gated(server, n), Mode.GATHER, n);
            assertThat(server.maxInFlight()).isEqualTo(n);
            assertThat(results).hasSize(n).allMatch(Result::ok);
        }
    }

    /** With --concurrency 3 the server sees 3 requests in flight, never more. */
    @Test
    void concurrencyLimitHolds() throws Exception {
        int limit = 3;
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Fetcher fetcher = new Fetcher(NO_TIMEOUT, limit)) {
            List<Result> results =
                    fetchWhileGated(server, fetcher, gated(server, 12), Mode.GATHER, limit);
            assertThat(server.maxInFlight()).isEqualTo(limit);
            assertThat(results).hasSize(12).allMatch(Result::ok);
        }
    }

    /** In the default mode (return_exceptions=True) failures are results and every other result is kept. */
    @Test
    void failingUrlLosesNoOtherResult() throws InterruptedException {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Fetcher fetcher = new Fetcher(NO_TIMEOUT, 10)) {
            URI base = server.uri();
            List<URI> uris = List.of(base.resolve("item/1"), base.resolve("status/500"),
                    LatencyServer.refusingUri(),
                    base.resolve("item/2"), base.resolve("status/404"), base.resolve("item/3"));
            List<Result> results = fetcher.fetchAll(uris, Mode.GATHER);
            assertThat(results).extracting(Result::outcome).containsExactly(
                    Outcome.OK, Outcome.HTTP_ERROR, Outcome.REFUSED, Outcome.OK, Outcome.HTTP_ERROR,
                    Outcome.OK);
            assertThat(results).extracting(Result::status).containsExactly(200, 500, -1, 200, 404,
                    200);
            assertThat(results).extracting(Result::uri).containsExactlyElementsOf(uris);
        }
    }

    /** In fail-fast mode the first failure cancels the others: their threads are interrupted mid-request. */
    @Test
    void failFastInterruptsTheOthers() throws InterruptedException {
        int hanging = 3;
        Set<Integer> interrupted = ConcurrentHashMap.newKeySet();
        AtomicReference<LatencyServer> serverRef = new AtomicReference<>();
        Fetcher.Listener listener = new Fetcher.Listener() {
            @Override
            public void sending(int index, URI uri) throws InterruptedException {
                if (index == hanging) {
                    // The failing request goes out only once the others are inside the server.
                    awaitCount(() -> serverRef.get().inFlight(), hanging);
                }
            }

            @Override
            public void interrupted(int index, URI uri) {
                interrupted.add(index);
            }
        };
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Fetcher fetcher =
                        new Fetcher(NO_TIMEOUT, 10, listener, Thread.ofVirtual().factory())) {
            serverRef.set(server);
            URI hang = server.uri().resolve("hang");
            List<URI> uris = List.of(hang, hang, hang, server.uri().resolve("status/500"));
            List<Result> results = fetcher.fetchAll(uris, Mode.FAIL_FAST);
            assertThat(interrupted).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(results).extracting(Result::outcome).containsExactly(
                    Outcome.CANCELLED, Outcome.CANCELLED, Outcome.CANCELLED, Outcome.HTTP_ERROR);
        }
    }

    /** A request with no answer ends with a TIMEOUT result once its per-request timeout fires. */
    @Test
    void perRequestTimeoutFires() throws InterruptedException {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Fetcher fetcher = new Fetcher(Duration.ofMillis(200), 10)) {
            List<Result> results =
                    fetcher.fetchAll(List.of(server.uri().resolve("hang")), Mode.GATHER);
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
                assertThat(r.detail()).isEqualTo("timed out after 200 ms");
            });
        }
    }

    /** Sequentially in fail-fast mode, the loop stops at the first failure and runs nothing after it. */
    @Test
    void sequentialFailFastStopsAtTheFirstFailure() throws InterruptedException {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Fetcher fetcher = new Fetcher(NO_TIMEOUT, 1)) {
            URI base = server.uri();
            List<Result> results = fetcher.fetchSequentially(
                    List.of(base.resolve("item/1"), base.resolve("status/503"),
                            base.resolve("hang")),
                    Mode.FAIL_FAST);
            assertThat(results).extracting(Result::outcome)
                    .containsExactly(Outcome.OK, Outcome.HTTP_ERROR, Outcome.CANCELLED);
            assertThat(server.maxInFlight()).isEqualTo(1);
        }
    }

    /**
     * The total timeout covers the body: a body that trickles in for 5 s fails a 3 s timeout, and
     * the server sees its connection closed, while a fast request in the same run succeeds. The
     * trickle cannot end sooner (its sleeps are its floor); the timeout is the fast request's
     * patience, so the client is warmed up first, as the demo does, and the timeout is seconds.
     */
    @ParameterizedTest
    @EnumSource(Fetcher.Client.class)
    void totalTimeoutFiresMidBody(Fetcher.Client client) throws InterruptedException {
        try (LatencyServer server = LatencyServer.start(Duration.ZERO);
                Fetcher fetcher =
                        new Fetcher(Fetcher.Config.of(Duration.ofSeconds(3)).withClient(client),
                                new Fetcher.Listener() {}, Thread.ofVirtual().factory())) {
            // The client loads its machinery on its first request: not in the timed run.
            var _ = fetcher.fetchSequentially(List.of(server.uri().resolve("warm-up")),
                    Mode.GATHER);
            List<Result> results = fetcher.fetchAll(
                    List.of(server.uri().resolve("trickle/50"), server.uri().resolve("item/1")),
                    Mode.GATHER);
            assertThat(results).extracting(Result::outcome).containsExactly(Outcome.TIMEOUT,
                    Outcome.OK);
            assertThat(results.getFirst().detail()).isEqualTo("timed out after 3.00 s");
            awaitCount(server::cutShort, 1); // the server's next byte found the connection closed
            assertThat(server.cutShort()).isEqualTo(1);
        }
    }

    /** Each kind of failure is named in words, the same for both clients, with no Java class name. */
    @ParameterizedTest
    @EnumSource(Fetcher.Client.class)
    void failuresAreNamedInWords(Fetcher.Client client) throws Exception {
        try (FakeServer garbage = FakeServer.answering("this is not HTTP\r\n\r\n");
                Fetcher fetcher = new Fetcher(Fetcher.Config.of(NO_TIMEOUT).withClient(client),
                        new Fetcher.Listener() {}, Thread.ofVirtual().factory())) {
            List<URI> uris =
                    List.of(URI.create("http://nosuchhost.invalid/"), LatencyServer.refusingUri(),
                            garbage.uri("http"), garbage.uri("https"));
            List<Result> results = fetcher.fetchAll(uris, Mode.GATHER);
            assertThat(results).extracting(Result::outcome)
                    .containsExactly(Outcome.UNKNOWN_HOST, Outcome.REFUSED, Outcome.NOT_HTTP,
                            Outcome.TLS);
            assertThat(results).extracting(Result::detail).containsExactly(
                    "cannot resolve host 'nosuchhost.invalid'", "connection refused",
                    "not HTTP: the server's answer has no valid status line",
                    "TLS handshake failed: Unrecognized SSL message, plaintext connection?");
        }
    }

    /** A server that closes a connection without an answer is named as such. */
    @ParameterizedTest
    @EnumSource(Fetcher.Client.class)
    void closedWithoutAnAnswerIsNamed(Fetcher.Client client) throws Exception {
        try (FakeServer closing = FakeServer.answering("");
                Fetcher fetcher = new Fetcher(Fetcher.Config.of(NO_TIMEOUT).withClient(client),
                        new Fetcher.Listener() {}, Thread.ofVirtual().factory())) {
            Result r = fetcher.fetchAll(List.of(closing.uri("http")), Mode.GATHER).getFirst();
            assertThat(r.outcome()).isEqualTo(Outcome.RESET);
            assertThat(r.detail()).startsWith("connection ")
                    .endsWith(" by the server before the answer was complete")
                    .doesNotContainPattern("[A-Z]\\w+Exception");
        }
    }

    /** A library's message loses the class names and the connection dumps some libraries add. */
    @Test
    void libraryMessagesLoseClassNames() {
        assertThat(Fetcher.words("java.io.IOException: Connection reset"))
                .isEqualTo("Connection reset");
        assertThat(Fetcher.words(
                "HTTP protocol violation: bad response on oejcti.HttpConnectionOverHTTP@15f81da1"
                        + "::oeji.SocketChannelEndPoint@6faa5632[{l=/127.0.0.1:34026}]"))
                .isEqualTo(
                        "HTTP protocol violation: bad response");
        assertThat(Fetcher.words(null)).isEqualTo("failed with no message");
    }

    /** {@code n} requests to the server's {@code /item/k}. */
    static List<URI> items(LatencyServer server, int n) {
        List<URI> uris = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            uris.add(server.uri().resolve("item/" + i));
        }
        return uris;
    }

    /** {@code n} requests to the server's {@code /gate}, held until the gate opens. */
    static List<URI> gated(LatencyServer server, int n) {
        return new ArrayList<>(java.util.Collections.nCopies(n, server.uri().resolve("gate")));
    }

    /**
     * Fetches {@code uris} on another thread, opens the server's gate once {@code inFlight}
     * handlers are inside the server at once, and returns the results.
     */
    static List<Result> fetchWhileGated(LatencyServer server, Fetcher fetcher, List<URI> uris,
            Mode mode, int inFlight)
            throws Exception {
        AtomicReference<List<Result>> results = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread client = Thread.ofVirtual().start(() -> {
            try {
                results.set(fetcher.fetchAll(uris, mode));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            awaitCount(server::inFlight, inFlight);
        } finally {
            server.openGate();
            client.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("fetchAll failed", failure.get());
        }
        return results.get();
    }

    /** Waits (at most 30 s, a safety net) until {@code count} reaches {@code expected}. */
    static void awaitCount(IntSupplier count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count.getAsInt() < expected) {
            if (System.nanoTime() > deadline) {
                fail("count stayed at " + count.getAsInt() + ", expected " + expected);
            }
            Thread.sleep(1);
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            fail("latch not released within 30 s");
        }
    }
}
