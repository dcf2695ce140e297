package dev.loomcookbook.coroutines;

import com.sun.management.UnixOperatingSystemMXBean;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.loomcookbook.cli.DurationConverter;
import dev.loomcookbook.common.ChildJvm;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 and an ephemeral port whose every response comes after a fixed
 * latency, so that concurrent clients can be shown (and tested) with no network. Each handler runs
 * on its own virtual thread; {@link #inFlight()} and {@link #maxInFlight()} count the handlers
 * running at once, which proves client concurrency on the server side.
 *
 * <p>Paths: {@code /warm-up} answers 200 at once and is not counted in flight (a client's first
 * request, to load its machinery before anything is timed); {@code /status/NNN} answers with status
 * NNN; {@code /bytes/N} answers with a body of N bytes; {@code /trickle/N} sends its headers at
 * once and then a body of N bytes, one every {@link #TRICKLE_INTERVAL} (a slow body); {@code /hang}
 * never answers until the server closes; {@code /gate} waits until {@link #openGate()} and then
 * answers as usual; anything else answers 200 with a short text body. A handler counts as in flight
 * from its start until its answer begins, so a client that sends its next request only after an
 * answer never sees the two counted together. {@link #cutShort()} counts the answers whose client
 * closed the connection before their end.
 *
 * <p>Limits, so that slow or too many clients cannot break it: at most {@link #MAX_CONNECTIONS}
 * connections (more are accepted and closed at once, instead of exhausting the file descriptors), a
 * request whose headers take longer than {@link #HEADER_TIMEOUT} is dropped (a slowloris client),
 * and a listen backlog of {@link #BACKLOG}. The JDK's server reads its limits from system
 * properties once per JVM, when its first server starts: this class sets them, unless they were
 * given on the command line, before it starts its first server. {@link #close()} stops the server
 * and its executor: no thread survives it.
 */
public final class LatencyServer implements AutoCloseable {

    /** File descriptors kept free for everything else the JVM opens (jars, pipes, clients). */
    private static final int RESERVED_FDS = 1_000;

    /**
     * The most connections held open at once: half the descriptors this process may open (less a
     * reserve), since a client in the same JVM needs one descriptor per connection too.
     */
    public static final int MAX_CONNECTIONS =
            intProperty(
                    "jdk.httpserver.maxConnections",
                    (int) Math.max(100, (maxFileDescriptors() - RESERVED_FDS) / 2));

    /** How long a client may take to send its request headers before it is dropped. */
    public static final Duration HEADER_TIMEOUT =
            Duration.ofSeconds(intProperty("sun.net.httpserver.maxReqTime", 5));

    /** The listen backlog asked for; the kernel caps it (net.core.somaxconn, 4,096 here). */
    public static final int BACKLOG = MAX_CONNECTIONS;

    /** How often {@code /trickle/N} sends its next byte. */
    public static final Duration TRICKLE_INTERVAL = Duration.ofMillis(100);

    static {
        System.setProperty("jdk.httpserver.maxConnections", "" + MAX_CONNECTIONS);
        System.setProperty("sun.net.httpserver.maxReqTime", "" + HEADER_TIMEOUT.toSeconds());
        // Every connection may stay open between requests (the JDK keeps 200 and closes the
        // rest, so a client of 1,000 connections would reconnect after every batch); an
        // unanswered new connection and a slow request are checked once a second; answers go out
        // without Nagle's delay.
        System.setProperty(
                "sun.net.httpserver.maxIdleConnections",
                "" + intProperty("sun.net.httpserver.maxIdleConnections", MAX_CONNECTIONS));
        System.setProperty(
                "sun.net.httpserver.clockTick",
                "" + intProperty("sun.net.httpserver.clockTick", 1000));
        System.setProperty(
                "sun.net.httpserver.timerMillis",
                "" + intProperty("sun.net.httpserver.timerMillis", 1000));
        System.setProperty(
                "sun.net.httpserver.nodelay",
                System.getProperty("sun.net.httpserver.nodelay", "true"));
        // The first answer loads the time-zone data for its Date header: load it now, while
        // descriptors are free, not at a moment when a flood of connections may hold them all.
        TimeZone.getTimeZone("GMT");
        var _ = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.EPOCH.atZone(ZoneOffset.UTC));
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private final Duration latency;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger cutShort = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);

    private LatencyServer(HttpServer server, ExecutorService handlers, Duration latency) {
        this.server = server;
        this.handlers = handlers;
        this.latency = latency;
    }

    /** Starts a server that answers every request after {@code latency}. */
    public static LatencyServer start(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(loopback(), 0), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded HTTP server", e);
        }
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        LatencyServer s = new LatencyServer(server, handlers, latency);
        server.createContext("/", s::handle);
        server.setExecutor(handlers);
        server.start();
        return s;
    }

    /** The base URI, for example {@code http://127.0.0.1:41234/}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** The latency of every answer. */
    public Duration latency() {
        return latency;
    }

    /** Handlers running now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most handlers that ever ran at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Answers whose client closed the connection before the whole body was sent. */
    public int cutShort() {
        return cutShort.get();
    }

    /** Lets every {@code /gate} request (waiting or still to come) go on to its answer. */
    public void openGate() {
        gate.countDown();
    }

    /** A URI on 127.0.0.1 where nothing listens, so a request to it is refused. */
    public static URI refusingUri() {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/refused");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getPath().equals("/warm-up")) {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, -1);
            }
            return;
        }
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/hang")) {
                closing.await(); // released by close(); the client never gets an answer
                return;
            }
            if (path.equals("/gate")) {
                gate.await();
            }
            Thread.sleep(latency);
            int status = statusFor(path);
            byte[] body = body(path, status);
            // No longer in flight once the answer starts: see the class comment.
            inFlight.decrementAndGet();
            counted = false;
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                if (path.startsWith("/trickle/")) {
                    trickle(os, body);
                } else {
                    os.write(body);
                }
            }
        } catch (InterruptedException e) {
            // close() interrupts handlers still waiting: end without an answer.
            Thread.currentThread().interrupt();
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    /** One byte, flushed, every TRICKLE_INTERVAL; a client that went away ends it. */
    private void trickle(OutputStream os, byte[] body) throws IOException, InterruptedException {
        try {
            for (byte b : body) {
                os.write(b);
                os.flush();
                Thread.sleep(TRICKLE_INTERVAL);
            }
        } catch (IOException clientGone) {
            cutShort.incrementAndGet();
            throw clientGone;
        }
    }

    /** The body of {@code /bytes/N} and {@code /trickle/N} (N bytes), or a line of text. */
    private byte[] body(String path, int status) {
        for (String sized : new String[] {"/bytes/", "/trickle/"}) {
            if (path.startsWith(sized)) {
                int n = parseOr(path.substring(sized.length()), 0);
                byte[] body = new byte[Math.clamp(n, 0, 100_000_000)];
                Arrays.fill(body, (byte) '.');
                return body;
            }
        }
        return "%d from %s after %d ms on a %s thread%n"
                .formatted(status, path, latency.toMillis(),
                        Thread.currentThread().isVirtual() ? "virtual" : "platform")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code /status/404} -> 404; anything else (or a status out of range) -> 200. */
    private static int statusFor(String path) {
        if (path.startsWith("/status/")) {
            int status = parseOr(path.substring("/status/".length()), 200);
            if (status >= 200 && status <= 599) {
                return status;
            }
        }
        return 200;
    }

    private static int parseOr(String digits, int fallback) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Stops the server, ends every handler still running, and waits for their threads; idempotent.
     */
    @Override
    public void close() {
        if (closing.getCount() == 0) {
            return;
        }
        closing.countDown();
        server.stop(0);
        handlers.shutdownNow();
        handlers.close();
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int intProperty(String name, int fallback) {
        Integer value = Integer.getInteger(name);
        return value == null || value <= 0 ? fallback : value;
    }

    private static long maxFileDescriptors() {
        return ManagementFactory
                .getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                        ? unix.getMaxFileDescriptorCount()
                        : 20_000;
    }

    /**
     * Runs a server in a process of its own (a benchmark's, or a test's that needs its own limits)
     * until its parent closes its stdin: prints the base URI on one line, then serves.
     *
     * <p>usage: {@code LatencyServer [LATENCY]} (default 100ms)
     */
    public static void main(String[] args) throws InterruptedException {
        Duration latency = new DurationConverter().convert(args.length > 0 ? args[0] : "100ms");
        ChildJvm.exitWithParent();
        try (LatencyServer server = start(latency)) {
            System.out.println(server.uri());
            System.out.flush();
            new CountDownLatch(1).await(); // until exitWithParent halts this JVM
        }
    }
}
