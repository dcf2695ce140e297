package dev.loomcookbook.coroutines;

import dev.loomcookbook.common.Timing;

import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLException;

/**
 * Fetches URLs, one thread per request inside a {@link StructuredTaskScope}: Python's {@code await
 * asyncio.gather(*(fetch(u) for u in urls))} with aiohttp. Results come back in request order
 * whatever the completion order, and every failure (a refused connection, a non-2xx status, a
 * timeout) is a result, not a crash.
 *
 * <p>{@link Mode#GATHER} keeps going after failures ({@code return_exceptions=True}); {@link
 * Mode#FAIL_FAST} cancels the others at the first failure, interrupting their threads. A {@link
 * Semaphore} limits how many requests are in flight at once, as {@code asyncio.Semaphore} does;
 * another one caps the open connections, as aiohttp's {@code TCPConnector(limit=N)} does.
 *
 * <p>Timeouts mean what aiohttp's {@code ClientTimeout(total=..., connect=...)} means: the total
 * covers one request from the wait for a connection through the last byte of the body, and the
 * connect timeout covers opening the connection. <b>A trap of the JDK:</b> {@code
 * HttpRequest.Builder.timeout} ends when the response headers arrive, so a body that trickles in
 * for minutes passes a one-second timeout. The JDK form of {@code total} is to wait for the whole
 * response with a deadline and cancel the exchange when it passes, which also closes its
 * connection:
 *
 * {@snippet :
 * CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request, handler);
 * try {
 *     // ClientTimeout(total=...): the deadline covers the body, not only the headers.
 *     HttpResponse<Void> r = response.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
 *     return new Answer(r.statusCode(), bytes.get());
 * } catch (TimeoutException | InterruptedException e) {
 *     response.cancel(true); // aborts the exchange and closes its connection
 *     throw e;
 * }
 * }
 *
 * <p>Two clients do the work, the same way: {@link Client#JETTY} (the default, the faster one on
 * this machine) and {@link Client#JDK}, {@code java.net.http.HttpClient}. Closing the fetcher
 * closes the client and its threads.
 */
public final class Fetcher implements AutoCloseable {

    /** What happens to the other requests when one fails. */
    public enum Mode {
        /**
         * {@code gather(*aws, return_exceptions=True)}: every request runs; failures are results.
         */
        GATHER,
        /** Plain {@code gather} / {@code TaskGroup}: the first failure cancels the rest. */
        FAIL_FAST
    }

    /** The HTTP client that sends the requests; both run their callers on virtual threads. */
    public enum Client {
        /** Eclipse Jetty's {@code HttpClient}, its own tasks on a {@code VirtualThreadPool}. */
        JETTY("Jetty HttpClient"),
        /** The JDK's {@code java.net.http.HttpClient}, its executor a virtual thread per task. */
        JDK("java.net.http.HttpClient");

        private final String title;

        Client(String title) {
            this.title = title;
        }

        /** The client's name as a person reads it. */
        public String title() {
            return title;
        }
    }

    /** How a request ended. */
    public enum Outcome {
        OK,
        HTTP_ERROR,
        TIMEOUT,
        UNKNOWN_HOST,
        REFUSED,
        RESET,
        TLS,
        NOT_HTTP,
        ERROR,
        CANCELLED
    }

    /** One request's result; {@code status} is -1 and {@code bytes} 0 when no answer came. */
    public record Result(
            int index,
            URI uri,
            Outcome outcome,
            int status,
            long bytes,
            long nanos,
            String detail) {
        public boolean ok() {
            return outcome == Outcome.OK;
        }
    }

    /**
     * What a fetcher is: its client, aiohttp's {@code total} and {@code connect} timeouts, the most
     * requests in flight ({@code asyncio.Semaphore}) and the most open connections ({@code
     * TCPConnector(limit=...)}).
     */
    public record Config(
            Client client, Duration total, Duration connect, int concurrency, int maxConnections) {

        /** Checks every value: timeouts more than zero, limits at least 1. */
        public Config {
            if (client == null) {
                throw new IllegalArgumentException("client must not be null");
            }
            positive(total, "total timeout");
            positive(connect, "connect timeout");
            atLeastOne(concurrency, "concurrency");
            atLeastOne(maxConnections, "maxConnections");
        }

        /** The default client, a total timeout (connect the same), no limits. */
        public static Config of(Duration total) {
            return new Config(Client.JETTY, total, total, Integer.MAX_VALUE, Integer.MAX_VALUE);
        }

        public Config withClient(Client c) {
            return new Config(c, total, connect, concurrency, maxConnections);
        }

        public Config withConnect(Duration d) {
            return new Config(client, total, d, concurrency, maxConnections);
        }

        public Config withConcurrency(int n) {
            return new Config(client, total, connect, n, maxConnections);
        }

        public Config withMaxConnections(int n) {
            return new Config(client, total, connect, concurrency, n);
        }

        private static void positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be more than 0: " + d);
            }
        }

        private static void atLeastOne(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1: " + n);
            }
        }
    }

    /** Hooks on each request's own thread: progress for a demo, observation points for a test. */
    public interface Listener {
        /** Just before the request is sent (after a permit was taken). */
        default void sending(int index, URI uri) throws InterruptedException {}

        /** The request ended with an answer or a failure (not by cancellation). */
        default void finished(int index, URI uri) {}

        /** The request's thread was interrupted: the request was cancelled. */
        default void interrupted(int index, URI uri) {}
    }

    /**
     * A failed request, thrown so that a fail-fast scope sees it, and carried as a result
     * otherwise.
     */
    static final class FetchFailure extends Exception {
        final Outcome outcome;
        final int status;
        final long bytes;
        final long nanos;

        FetchFailure(
                Outcome outcome,
                int status,
                long bytes,
                long nanos,
                String message,
                Throwable cause) {
            super(message, cause, false, false);
            this.outcome = outcome;
            this.status = status;
            this.bytes = bytes;
            this.nanos = nanos;
        }
    }

    /** A status and the body's length: all a request leaves once its body was read. */
    private record Answer(int status, long bytes) {}

    /** One client's GET, the body counted as it arrives (never buffered whole). */
    private interface Transport extends AutoCloseable {
        /**
         * Sends a GET and waits for the last byte of its body until {@code deadline} (nanoTime).
         */
        Answer get(URI uri, long deadline)
                throws IOException, TimeoutException, InterruptedException;

        @Override
        void close();
    }

    private final Config config;
    private final Semaphore permits;
    private final Semaphore connections;
    private final Listener listener;
    private final ThreadFactory threadFactory;
    private final Transport transport;

    /** A fetcher with {@code config}; {@code threadFactory} makes the threads of its scopes. */
    public Fetcher(Config config, Listener listener, ThreadFactory threadFactory) {
        this.config = config;
        this.permits = new Semaphore(config.concurrency());
        this.connections = new Semaphore(config.maxConnections());
        this.listener = listener;
        this.threadFactory = threadFactory;
        this.transport =
                switch (config.client()) {
                    case JETTY -> new JettyTransport(config);
                    case JDK -> new JdkTransport(config);
                };
    }

    /**
     * A fetcher on the default client with a total {@code timeout} per request, at most {@code
     * concurrency} requests in flight at once, and {@code threadFactory} making the threads of its
     * scopes.
     */
    public Fetcher(
            Duration timeout, int concurrency, Listener listener, ThreadFactory threadFactory) {
        this(Config.of(timeout).withConcurrency(concurrency), listener, threadFactory);
    }

    /** A fetcher on virtual threads with no listener. */
    public Fetcher(Duration timeout, int concurrency) {
        this(timeout, concurrency, new Listener() {}, Thread.ofVirtual().factory());
    }

    /** This fetcher's client, timeouts and limits. */
    public Config config() {
        return config;
    }

    /** All requests at once, one thread each, in one scope; results in request order. */
    public List<Result> fetchAll(List<URI> uris, Mode mode) throws InterruptedException {
        return switch (mode) {
            case GATHER -> gather(uris);
            case FAIL_FAST -> failFast(uris);
        };
    }

    // results = await asyncio.gather(*tasks, return_exceptions=True): a joiner that never cancels.
    private List<Result> gather(List<URI> uris) throws InterruptedException {
        try (var scope =
                StructuredTaskScope.open(
                        Joiner.<Result>awaitAll(), cf -> configure(cf, "fetch-gather"))) {
            List<Subtask<Result>> subtasks = forkAll(scope, uris);
            scope.join();
            return results(subtasks, uris);
        }
    }

    // results = await asyncio.gather(*tasks), or async with TaskGroup(): the first failure cancels
    // the rest.
    private List<Result> failFast(List<URI> uris) throws InterruptedException {
        try (var scope =
                StructuredTaskScope.open(
                        Joiner.<Result>allSuccessfulOrThrow(),
                        cf -> configure(cf, "fetch-fail-fast"))) {
            List<Subtask<Result>> subtasks = forkAll(scope, uris);
            try {
                scope.join();
            } catch (StructuredTaskScope.FailedException expected) {
                // Reported below, with the subtask that failed and those it cancelled.
            }
            return results(subtasks, uris);
        }
    }

    /** Our thread factory, and a name that thread dumps show for the scope. */
    private StructuredTaskScope.Configuration configure(
            StructuredTaskScope.Configuration cf, String name) {
        return cf.withThreadFactory(threadFactory).withName(name);
    }

    private List<Subtask<Result>> forkAll(StructuredTaskScope<Result, ?> scope, List<URI> uris) {
        List<Subtask<Result>> subtasks = new ArrayList<>(uris.size());
        for (int i = 0; i < uris.size(); i++) {
            int index = i;
            URI uri = uris.get(i);
            subtasks.add(scope.fork(() -> fetch(index, uri)));
        }
        return subtasks;
    }

    private static List<Result> results(List<Subtask<Result>> subtasks, List<URI> uris) {
        List<Result> results = new ArrayList<>(subtasks.size());
        for (int i = 0; i < subtasks.size(); i++) {
            Subtask<Result> s = subtasks.get(i);
            results.add(
                    switch (s.state()) {
                        case SUCCESS -> s.get();
                        case FAILED -> failed(i, uris.get(i), s.exception());
                        case UNAVAILABLE ->
                            cancelled(
                                    i, uris.get(i), "cancelled: another request failed first");
                    });
        }
        return results;
    }

    /**
     * {@code for url in urls: await fetch(url)}; in fail-fast mode the loop stops at the first
     * failure.
     */
    public List<Result> fetchSequentially(List<URI> uris, Mode mode) throws InterruptedException {
        List<Result> results = new ArrayList<>(uris.size());
        boolean stopped = false;
        for (int i = 0; i < uris.size(); i++) {
            if (stopped) {
                results.add(cancelled(i, uris.get(i), "not run: an earlier request failed"));
                continue;
            }
            Result r;
            try {
                r = fetch(i, uris.get(i));
            } catch (FetchFailure f) {
                r = failed(i, uris.get(i), f);
            }
            results.add(r);
            stopped = mode == Mode.FAIL_FAST && !r.ok();
        }
        return results;
    }

    /**
     * One request: take a permit, send, and turn every kind of failure into a {@link FetchFailure}.
     */
    private Result fetch(int index, URI uri) throws InterruptedException, FetchFailure {
        try {
            permits.acquire(); // async with semaphore:
            try {
                listener.sending(index, uri);
                Result r = send(index, uri);
                listener.finished(index, uri);
                return r;
            } catch (FetchFailure f) {
                listener.finished(index, uri);
                throw f;
            } finally {
                permits.release();
            }
        } catch (InterruptedException e) {
            listener.interrupted(index, uri);
            throw e;
        }
    }

    private Result send(int index, URI uri) throws InterruptedException, FetchFailure {
        long start = System.nanoTime();
        long deadline = start + config.total().toNanos(); // total: the wait for a connection too
        Answer answer;
        if (!connections.tryAcquire(config.total().toNanos(), TimeUnit.NANOSECONDS)) {
            throw new FetchFailure(
                    Outcome.TIMEOUT,
                    -1,
                    0,
                    Timing.since(start),
                    "timed out after "
                            + Timing.format(config.total())
                            + " (no free connection)",
                    null);
        }
        try {
            answer = transport.get(uri, deadline);
        } catch (TimeoutException e) {
            throw new FetchFailure(
                    Outcome.TIMEOUT,
                    -1,
                    0,
                    Timing.since(start),
                    "timed out after " + Timing.format(config.total()),
                    e);
        } catch (IOException e) {
            throw failure(e, uri, Timing.since(start));
        } finally {
            connections.release();
        }
        long nanos = Timing.since(start);
        if (answer.status() < 200 || answer.status() > 299) {
            throw new FetchFailure(
                    Outcome.HTTP_ERROR,
                    answer.status(),
                    answer.bytes(),
                    nanos,
                    "HTTP " + answer.status(),
                    null);
        }
        return new Result(
                index,
                uri,
                Outcome.OK,
                answer.status(),
                answer.bytes(),
                nanos,
                "HTTP " + answer.status());
    }

    /** Names a failure in words a user knows, never by a Java class name. */
    private FetchFailure failure(IOException e, URI uri, long nanos) {
        Outcome outcome;
        String message;
        if (causedBy(e, UnknownHostException.class)
                || causedBy(e, UnresolvedAddressException.class)) {
            outcome = Outcome.UNKNOWN_HOST;
            message = "cannot resolve host '" + uri.getHost() + "'";
        } else if (causedBy(e, HttpConnectTimeoutException.class)
                || causedBy(e, SocketTimeoutException.class)) {
            outcome = Outcome.TIMEOUT;
            message = "connect timed out after " + Timing.format(config.connect());
        } else if (causedBy(e, ConnectException.class)) {
            outcome = Outcome.REFUSED;
            message = "connection refused";
        } else if (causedBy(e, SSLException.class)) {
            outcome = Outcome.TLS;
            message = "TLS handshake failed: " + words(cause(e, SSLException.class).getMessage());
        } else if (causedBy(e, ProtocolException.class)
                || causedBy(e, HttpException.RuntimeException.class)
                || causedBy(e, HttpResponseException.class)) {
            outcome = Outcome.NOT_HTTP;
            message = "not HTTP: the server's answer has no valid status line";
        } else if (mentions(e, "connection reset")) {
            outcome = Outcome.RESET;
            message = "connection reset by the server";
        } else if (causedBy(e, EOFException.class) || mentions(e, "received no bytes")) {
            outcome = Outcome.RESET;
            message = "connection closed by the server before the answer was complete";
        } else {
            outcome = Outcome.ERROR;
            message = words(e.getMessage());
        }
        return new FetchFailure(outcome, -1, 0, nanos, message, e);
    }

    private static Result failed(int index, URI uri, Throwable t) {
        if (t instanceof FetchFailure f) {
            return new Result(index, uri, f.outcome, f.status, f.bytes, f.nanos, f.getMessage());
        }
        if (t instanceof InterruptedException) {
            return cancelled(index, uri, "cancelled (interrupted)");
        }
        return new Result(index, uri, Outcome.ERROR, -1, 0, 0, words(t.getMessage()));
    }

    private static Result cancelled(int index, URI uri, String why) {
        return new Result(index, uri, Outcome.CANCELLED, -1, 0, 0, why);
    }

    /** Whether a message in {@code t}'s cause chain contains {@code text}, in any case. */
    private static boolean mentions(Throwable t, String text) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().toLowerCase(Locale.ROOT).contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        return cause(t, type) != null;
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /**
     * A library's message without the Java class names some of them start with, or the dump of a
     * connection's state that Jetty appends.
     */
    static String words(String message) {
        if (message == null || message.isBlank()) {
            return "failed with no message";
        }
        return message.replaceAll(
                "\\b(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error):?\\s*", "")
                .replaceAll("\\s+on oej\\S*@.*$", "") // Jetty appends its connection's state
                .strip();
    }

    /** Closes the client, waiting for its exchanges and threads. */
    @Override
    public void close() {
        transport.close();
    }

    /** Jetty's client, blocking its caller's virtual thread until the body has arrived. */
    private static final class JettyTransport implements Transport {
        private final org.eclipse.jetty.client.HttpClient client =
                new org.eclipse.jetty.client.HttpClient();
        /**
         * The last failed handshake per host and port. When a handshake fails while Jetty is still
         * writing the request, the exchange may fail with the closed connection instead of the
         * TLS failure; this keeps the cause that a user needs to see.
         */
        private final Map<String, SSLException> failedHandshakes = new ConcurrentHashMap<>();

        JettyTransport(Config config) {
            VirtualThreadPool pool = new VirtualThreadPool();
            pool.setName("jetty-client");
            client.setExecutor(pool);
            client.setConnectTimeout(config.connect().toMillis());
            // Jetty's idle timeout (30 s by default) would end a slow answer before its total.
            client.setIdleTimeout(config.total().toMillis() + 1_000);
            client.setFollowRedirects(true);
            // The fetcher's own semaphore caps the connections: Jetty should neither cap nor queue.
            client.setMaxConnectionsPerDestination(Math.min(config.maxConnections(), 1 << 20));
            client.setMaxRequestsQueuedPerDestination(1 << 20);
            client.addBean(new SslHandshakeListener() {
                @Override
                public void handshakeFailed(Event event, Throwable failure) {
                    if (failure instanceof SSLException ssl) {
                        var engine = event.getSSLEngine();
                        failedHandshakes.put(engine.getPeerHost() + ":" + engine.getPeerPort(),
                                ssl);
                    }
                }
            });
            try {
                client.start();
            } catch (Exception e) {
                throw new IllegalStateException(
                        "cannot start the HTTP client: " + words(e.getMessage()), e);
            }
        }

        @Override
        public Answer get(URI uri, long deadline)
                throws IOException, TimeoutException, InterruptedException {
            AtomicLong bytes = new AtomicLong();
            CompletableFuture<Integer> status = new CompletableFuture<>();
            // Jetty's timeout() is aiohttp's total: it covers the body and aborts the exchange.
            var request =
                    client.newRequest(uri)
                            .timeout(
                                    Math.max(
                                            1,
                                            TimeUnit.NANOSECONDS.toMillis(
                                                    deadline - System.nanoTime())),
                                    TimeUnit.MILLISECONDS)
                            .onResponseContent(
                                    (response, content) -> bytes.addAndGet(content.remaining()));
            request.send(
                    result -> {
                        if (result.isFailed()) {
                            status.completeExceptionally(result.getFailure());
                        } else {
                            status.complete(result.getResponse().getStatus());
                        }
                    });
            try {
                return new Answer(status.get(), bytes.get());
            } catch (InterruptedException e) {
                var _ = request.abort(e); // cancelled: the exchange ends and its connection closes
                throw e;
            } catch (ExecutionException e) {
                throw rethrow(withHandshakeFailure(uri, e.getCause()));
            }
        }

        /** {@code failure}, caused by the failed handshake of its destination if there was one. */
        private Throwable withHandshakeFailure(URI uri, Throwable failure) {
            if (!"https".equalsIgnoreCase(uri.getScheme())) {
                return failure;
            }
            int port = uri.getPort() < 0 ? 443 : uri.getPort();
            SSLException handshake = failedHandshakes.remove(uri.getHost() + ":" + port);
            if (handshake == null || causedBy(failure, SSLException.class)) {
                return failure;
            }
            return new IOException(handshake.getMessage(), handshake);
        }

        @Override
        public void close() {
            try {
                client.stop();
            } catch (Exception e) {
                throw new IllegalStateException(
                        "cannot stop the HTTP client: " + words(e.getMessage()), e);
            }
        }
    }

    /** The JDK's client, with the total timeout it lacks (see the class comment). */
    private static final class JdkTransport implements Transport {
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        private final HttpClient client;

        JdkTransport(Config config) {
            client =
                    HttpClient.newBuilder()
                            .executor(
                                    executor) // the client's own async work on virtual threads too
                            .version(
                                    HttpClient.Version.HTTP_1_1) // no h2c upgrade offer on every request
                            .connectTimeout(config.connect())
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .build();
        }

        @Override
        public Answer get(URI uri, long deadline)
                throws IOException, TimeoutException, InterruptedException {
            AtomicLong bytes = new AtomicLong();
            HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
            HttpResponse.BodyHandler<Void> handler =
                    HttpResponse.BodyHandlers.ofByteArrayConsumer(
                            chunk -> chunk.ifPresent(b -> bytes.addAndGet(b.length)));
            CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request, handler);
            try {
                // ClientTimeout(total=...): the deadline covers the body, not only the headers.
                HttpResponse<Void> r =
                        response.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                return new Answer(r.statusCode(), bytes.get());
            } catch (TimeoutException | InterruptedException e) {
                response.cancel(true); // aborts the exchange and closes its connection
                throw e;
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }

        @Override
        public void close() {
            try {
                client.close(); // waits for its exchanges
            } finally {
                executor.close();
            }
        }
    }

    /** The failure of an exchange as the checked exception {@link #send} sorts into words. */
    private static IOException rethrow(Throwable cause) throws TimeoutException {
        if (cause instanceof TimeoutException t) {
            throw t;
        }
        if (cause instanceof java.net.http.HttpTimeoutException t
                && !(t instanceof HttpConnectTimeoutException)) {
            TimeoutException timeout = new TimeoutException(t.getMessage());
            timeout.initCause(t);
            throw timeout;
        }
        return cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    }
}
