package dev.loomcookbook.coroutines;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 and an ephemeral port whose every response comes after a fixed
 * latency, so that concurrent clients can be shown (and tested) with no network. Each handler
 * runs on its own virtual thread; {@link #inFlight()} and {@link #maxInFlight()} count the
 * handlers running at once, which proves client concurrency on the server side.
 *
 * <p>Paths: {@code /status/NNN} answers with status NNN; {@code /hang} never answers until the
 * server closes; {@code /gate} waits until {@link #openGate()} and then answers as usual; anything
 * else answers 200 with a short text body. A handler counts as in flight from its start until
 * its answer begins, so a client that sends its next request only after an answer never sees the
 * two counted together. {@link #close()} stops the server and its executor: no thread survives it.
 */
public final class LatencyServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers;
    private final Duration latency;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
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
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
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

    /** Lets every {@code /gate} request (waiting or still to come) go on to its answer. */
    public void openGate() {
        gate.countDown();
    }

    /** A URI on 127.0.0.1 where nothing listens, so a request to it is refused. */
    public static URI refusingUri() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/refused");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
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
            byte[] body = ("%d from %s after %d ms on a %s thread%n".formatted(status, path, latency.toMillis(),
                    Thread.currentThread().isVirtual() ? "virtual" : "platform")).getBytes(StandardCharsets.UTF_8);
            // No longer in flight once the answer starts: see the class comment.
            inFlight.decrementAndGet();
            counted = false;
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
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

    /** {@code /status/404} -> 404; anything else (or a status out of range) -> 200. */
    private static int statusFor(String path) {
        if (path.startsWith("/status/")) {
            try {
                int status = Integer.parseInt(path.substring("/status/".length()));
                if (status >= 200 && status <= 599) {
                    return status;
                }
            } catch (NumberFormatException ignored) {
                // not a number: a plain 200
            }
        }
        return 200;
    }

    /** Stops the server, ends every handler still running, and waits for their threads; idempotent. */
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
}
