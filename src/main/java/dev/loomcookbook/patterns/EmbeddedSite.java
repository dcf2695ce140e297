package dev.loomcookbook.patterns;

import dev.loomcookbook.streams.StreamConnection;
import dev.loomcookbook.streams.StreamReader;
import dev.loomcookbook.streams.StreamServer;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small HTTP server of the project's on 127.0.0.1 and an ephemeral port: the "site" or "host"
 * of the pattern recipes and their tests, with counters they can trust. It speaks just enough
 * HTTP/1.1 over the project's {@link StreamServer} (one virtual thread per connection), as the
 * twins' site does over {@code asyncio.start_server}: every answer closes its connection
 * ({@code Connection: close}).
 *
 * <p>It exists because of one thing the JDK's {@code com.sun.net.httpserver.HttpServer} cannot
 * do: tell a handler that its client hung up before the answer. A {@linkplain #hang(String)
 * hanging} page here waits on its connection and counts the moment the client closes it
 * ({@link #hangUps()}), which is how the recipes show, on the server side, that a cancelled or
 * timed-out request really went away.
 *
 * <p>Counters: {@link #requests(String)} per path (a request counts when its head has been read),
 * and a {@link Gauge} of the requests in flight, from that moment until the answer starts (so a
 * client that sends its next request after reading an answer is never counted twice), or until
 * the client hangs up. Several sites may share a second gauge, to count across "hosts".
 *
 * <p>Routes may be added at any time, for example once the other sites' ports are known. A path
 * with no route answers 404; a request that is not {@code GET} answers 405; a malformed one 400.
 * {@link #close()} stops listening, ends every handler still running and waits for its thread.
 */
public final class EmbeddedSite implements AutoCloseable {

    /** The longest request head read. */
    private static final int HEAD_LIMIT = 8 * 1024;

    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** What a handler answers: a status and a text body. */
    public record Answer(int status, String body) {

        /** {@code 200} with {@code body}. */
        public static Answer ok(String body) {
            return new Answer(200, body);
        }
    }

    /** Answers the requests for one path. */
    @FunctionalInterface
    public interface Handler {
        /**
         * The answer to {@code request}. An {@link InterruptedException} (the site closing) or an
         * {@link IOException} (the client gone) ends the connection with no answer; any other
         * exception answers 500.
         */
        Answer answer(Request request) throws Exception;
    }

    /** A request being answered. */
    public static final class Request {
        private final EmbeddedSite site;
        private final String path;
        private final int number;
        private final StreamReader in;

        private Request(EmbeddedSite site, String path, int number, StreamReader in) {
            this.site = site;
            this.path = path;
            this.number = number;
            this.in = in;
        }

        /** The path asked for, without the query. */
        public String path() {
            return path;
        }

        /** Which request for this path this is, counting from 1. */
        public int number() {
            return number;
        }

        /**
         * Waits until the client closes the connection, counts a {@linkplain #hangUps() hang-up},
         * and throws {@link EOFException}, so that the handler ends with no answer: it never
         * returns (it is typed to, so that {@code Request::awaitHangUp} is a {@link Handler}).
         */
        public Answer awaitHangUp() throws IOException {
            try {
                while (in.read(1024).length > 0) {
                    // a client sends nothing after its request: wait for the end of the stream
                }
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e;                             // the site is closing: not a hang-up
                }
                // a reset connection: the client is gone all the same
            }
            site.countHangUp();
            throw new EOFException("the client hung up on " + path);
        }
    }

    /** A count of requests in flight, and the most there ever were at once. */
    public static final class Gauge {
        private final AtomicInteger now = new AtomicInteger();
        private final AtomicInteger most = new AtomicInteger();

        void enter() {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        void exit() {
            now.decrementAndGet();
        }

        /** Requests in flight now. */
        public int now() {
            return now.get();
        }

        /** The most requests that were ever in flight at once. */
        public int most() {
            return most.get();
        }
    }

    private static final InetAddress LOOPBACK = loopback();

    private final String name;
    private final Duration latency;
    private final StreamServer server;
    private final Gauge gauge = new Gauge();
    private final Gauge shared;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final ReentrantLock hangUpLock = new ReentrantLock();
    private final Condition hungUp = hangUpLock.newCondition();
    private int hangUps;

    private EmbeddedSite(String name, Duration latency, Gauge shared) {
        this.name = name;
        this.latency = latency;
        this.shared = shared;
        this.server = StreamServer.builder(this::serve)
                .host(LOOPBACK)
                .backlog(1000)
                .limit(HEAD_LIMIT)
                .name("site-" + name)
                .onClose(closed -> {})                  // a client gone is counted, not logged
                .start();
    }

    /** Starts a site called {@code name} whose pages answer at once. */
    public static EmbeddedSite start(String name) {
        return start(name, Duration.ZERO, null);
    }

    /** Starts a site whose {@link #page} and {@link #failFirst} answers wait {@code latency}. */
    public static EmbeddedSite start(String name, Duration latency) {
        return start(name, latency, null);
    }

    /**
     * As {@link #start(String, Duration)}, also counting its requests in flight in {@code shared}
     * (when not null), a gauge other sites may count in too.
     */
    public static EmbeddedSite start(String name, Duration latency, Gauge shared) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        return new EmbeddedSite(name, latency, shared);
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError("a literal address needs no lookup", e);
        }
    }

    /** The site's name. */
    public String name() {
        return name;
    }

    /** The site's root, for example {@code http://127.0.0.1:41234/}. */
    public URI uri() {
        return uri("/");
    }

    /** The URI of {@code path} on this site. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Answers {@code path} with {@code body}, after the site's latency. */
    public EmbeddedSite page(String path, String body) {
        Objects.requireNonNull(body, "body");
        return route(path, request -> {
            Thread.sleep(latency);
            return Answer.ok(body);
        });
    }

    /**
     * Answers the first {@code failures} requests for {@code path} with 503 Service Unavailable,
     * and the later ones with {@code body}; each after the site's latency.
     */
    public EmbeddedSite failFirst(String path, int failures, String body) {
        Objects.requireNonNull(body, "body");
        return route(path, request -> {
            Thread.sleep(latency);
            return request.number() <= failures ? new Answer(503, "try again later\n")
                    : Answer.ok(body);
        });
    }

    /** Never answers {@code path}: waits for the client to hang up, and counts it. */
    public EmbeddedSite hang(String path) {
        return route(path, Request::awaitHangUp);
    }

    /** Answers {@code path} with {@code handler}. */
    public EmbeddedSite route(String path, Handler handler) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with '/': " + path);
        }
        routes.put(path, handler);
        return this;
    }

    /** Requests received, for every path. */
    public int requests() {
        return total.get();
    }

    /** Requests received for {@code path}. */
    public int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    /** Requests in flight now. */
    public int inFlight() {
        return gauge.now();
    }

    /** The most requests that were ever in flight at once on this site. */
    public int mostInFlight() {
        return gauge.most();
    }

    /** Clients that hung up on a {@linkplain #hang(String) hanging} page. */
    public int hangUps() {
        hangUpLock.lock();
        try {
            return hangUps;
        } finally {
            hangUpLock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} clients have hung up, or {@code timeout} has passed;
     * {@code true} if they have. (A client's close reaches the server a moment after the client
     * has moved on.)
     */
    public boolean awaitHangUps(int count, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        hangUpLock.lock();
        try {
            while (hangUps < count) {
                if (left <= 0) {
                    return false;
                }
                left = hungUp.awaitNanos(left);
            }
            return true;
        } finally {
            hangUpLock.unlock();
        }
    }

    private void countHangUp() {
        hangUpLock.lock();
        try {
            hangUps++;
            hungUp.signalAll();
        } finally {
            hangUpLock.unlock();
        }
    }

    /** One connection: a request, its answer if it has one, and the connection closes. */
    private void serve(StreamConnection connection) throws IOException {
        String head = new String(connection.reader().readuntil(END_OF_HEAD),
                StandardCharsets.ISO_8859_1);
        String[] line = head.substring(0, head.indexOf("\r\n")).split(" ", -1);
        Answer answer;
        if (line.length != 3 || !line[1].startsWith("/") || !line[2].startsWith("HTTP/1.")) {
            answer = new Answer(400, "bad request\n");
        } else if (!line[0].equals("GET")) {
            answer = new Answer(405, "only GET is served\n");
        } else {
            answer = dispatch(line[1].split("\\?", 2)[0], connection.reader());
        }
        if (answer != null) {
            connection.writer().write(encode(answer));
        }
    }

    /** The answer for {@code path}, counted in flight until it is ready; null for none. */
    private Answer dispatch(String path, StreamReader in) {
        total.incrementAndGet();
        int number = requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Handler handler = routes.get(path);
        if (handler == null) {
            return new Answer(404, "no page at " + path + "\n");
        }
        gauge.enter();
        if (shared != null) {
            shared.enter();
        }
        try {
            return handler.answer(new Request(this, path, number, in));
        } catch (InterruptedException | IOException e) {
            return null;
        } catch (Exception e) {
            return new Answer(500, "the handler failed: " + e.getMessage() + "\n");
        } finally {
            if (shared != null) {
                shared.exit();
            }
            gauge.exit();                                // before the answer starts
        }
    }

    private static byte[] encode(Answer answer) {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 " + answer.status() + " " + reason(answer.status()) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }

    /** Stops listening, ends every handler still running and waits for it; idempotent. */
    @Override
    public void close() {
        server.close();                                  // resets connections, interrupts handlers
    }
}
