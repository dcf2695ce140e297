package dev.loomcookbook.streams;

import dev.loomcookbook.streams.ConnectionClosed.Reason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A TCP server with one thread per connection, virtual by default: {@code asyncio.start_server}.
 *
 * <p>The server's own thread accepts connections and forks each client's handler into one {@link
 * StructuredTaskScope}; the scope ends only when every handler has, so no thread of the server
 * outlives it. The asyncio operations map as follows:
 *
 * <ul>
 *   <li>{@code start_server(cb, host, port, limit=)}: {@link #builder(ConnectionHandler)} ...
 *       {@code start()}, or {@link #start(ConnectionHandler)}; it accepts at once, as with {@code
 *       start_serving=True};
 *   <li>{@code serve_forever()}: {@link #serveForever()} (interrupting it closes the server, as
 *       cancelling does);
 *   <li>{@code Server.close()}: {@link #stopAccepting()}, and new connections are refused;
 *   <li>{@code close_clients()} (3.13): {@link #closeClients()}, the gentle half of a graceful
 *       close: each connection stops reading, so its handler finishes the exchange it is in, reads
 *       the end of the stream and returns;
 *   <li>{@code abort_clients()} (3.13): {@link #abortClients()}, the forced half: every socket is
 *       reset and every handler thread interrupted;
 *   <li>{@code wait_closed()}: {@link #awaitClosed()}; {@code async with server:} is
 *       try-with-resources, whose {@link #close()} aborts what is still open and waits.
 * </ul>
 *
 * {@link #shutdown(Duration)} is the whole graceful close: stop accepting, close the clients, wait
 * up to a deadline, then abort the rest.
 *
 * <p>Each connection may have an idle timeout and a line limit; a connection that exceeds one, or
 * whose client vanishes mid-message, is closed alone and reported to the listener with its {@link
 * ConnectionClosed.Reason}. No handler's failure reaches the server or another connection.
 */
public final class StreamServer implements AutoCloseable {

    /** How long the accept loop pauses after a failed accept (such as "Too many open files"). */
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(50);

    private static final System.Logger LOG = System.getLogger(StreamServer.class.getName());

    private final ServerSocket listener;
    private final ConnectionHandler handler;
    private final String name;
    private final ThreadFactory threads;
    private final int idleMillis;
    private final int limit;
    private final Consumer<ConnectionClosed> onClose;
    private final Map<Long, Client> clients = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final CountDownLatch acceptEnded = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean closeNewClients;
    private volatile boolean abortNewClients;

    /** One open connection, the thread serving it, and whether the server aborted it. */
    private static final class Client {
        final StreamConnection connection;
        volatile Thread thread;
        volatile boolean aborted;

        Client(StreamConnection connection) {
            this.connection = connection;
        }

        void abort() {
            aborted = true;
            connection.abort();
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    private StreamServer(Builder b, ServerSocket listener) {
        this.listener = listener;
        this.handler = b.handler;
        this.name = b.name;
        this.threads =
                b.threads != null
                        ? b.threads
                        : Thread.ofVirtual().name(b.name + "-conn-", 1).factory();
        this.idleMillis = StreamConnection.timeoutMillis("idleTimeout", b.idleTimeout);
        this.limit = b.limit;
        this.onClose = b.onClose;
    }

    /**
     * {@code asyncio.start_server(handler, "127.0.0.1", 0)}: loopback, an ephemeral port, the
     * defaults.
     */
    public static StreamServer start(ConnectionHandler handler) {
        return builder(handler).start();
    }

    /** A server to configure, then {@link Builder#start()}. */
    public static Builder builder(ConnectionHandler handler) {
        return new Builder(handler);
    }

    /** The settings of a server; every one has a default. */
    public static final class Builder {
        private final ConnectionHandler handler;
        private InetAddress host = InetAddress.getLoopbackAddress();
        private int port;
        private int backlog = 1024;
        private Duration idleTimeout = Duration.ZERO;
        private int limit = StreamReader.DEFAULT_LIMIT;
        private ThreadFactory threads;
        private String name = "stream-server";
        private Consumer<ConnectionClosed> onClose = StreamServer::log;

        private Builder(ConnectionHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** The address to listen on (default: the loopback address). */
        public Builder host(InetAddress host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port, 0 (the default) for an ephemeral one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be from 0 to 65535, but was " + port);
            }
            this.port = port;
            return this;
        }

        /** How many connections may wait to be accepted (default 1024; asyncio's is 100). */
        public Builder backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException(
                        "backlog must be at least 1, but was " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /**
         * Closes a connection when a read waits longer than this; zero (the default) never does.
         */
        public Builder idleTimeout(Duration idleTimeout) {
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException(
                        "idleTimeout must not be negative, but was " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * The longest line a connection's reader accepts (asyncio's {@code limit=}, default 64
         * KiB).
         */
        public Builder limit(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
            }
            this.limit = limit;
            return this;
        }

        /**
         * Where the handlers run: virtual threads by default; a platform factory gives
         * thread-per-connection.
         */
        public Builder threads(ThreadFactory threads) {
            this.threads = Objects.requireNonNull(threads, "threads");
            return this;
        }

        /**
         * The name of the server's scope and threads, for thread dumps (default {@code
         * stream-server}).
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Told about every connection as it ends (default: a log line for each one that did not
         * finish).
         */
        public Builder onClose(Consumer<ConnectionClosed> onClose) {
            this.onClose = Objects.requireNonNull(onClose, "onClose");
            return this;
        }

        /**
         * Binds and starts accepting.
         *
         * @throws UncheckedIOException if the address cannot be bound (a port in use, say)
         */
        public StreamServer start() {
            ServerSocket listener;
            try {
                listener = new ServerSocket(port, backlog, host);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot listen on "
                                + host.getHostAddress()
                                + ":"
                                + port
                                + ": "
                                + e.getMessage(),
                        e);
            }
            StreamServer server = new StreamServer(this, listener);
            Thread.ofVirtual().name(name + "-accept").start(server::run);
            return server;
        }
    }

    // @start region="accept-loop"
    /** The server's own thread: accepts, and forks one handler thread per connection. */
    private void run() {
        try (var scope =
                StructuredTaskScope.open(
                        Joiner.awaitAll(), cf -> cf.withName(name).withThreadFactory(threads))) {
            try {
                Socket socket;
                // accept() returns null once stopAccepting() has closed the listener.
                while ((socket = accept()) != null) {
                    long id = accepted.incrementAndGet();
                    Client client = register(id, socket);
                    if (client != null) {
                        fork(scope, id, client); // one thread per connection
                    }
                }
            } finally {
                acceptEnded.countDown();
                scope.join(); // every handler has ended: wait_closed()
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // nobody interrupts this thread; end anyway
        } finally {
            terminated.countDown();
        }
    }

    // @end

    private Socket accept() {
        while (true) {
            try {
                return listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return null;
                }
                LOG.log(
                        System.Logger.Level.WARNING,
                        name + ": accept failed, retrying: " + e.getMessage());
                try {
                    Thread.sleep(ACCEPT_BACKOFF);
                } catch (InterruptedException interrupted) {
                    return null;
                }
            }
        }
    }

    private Client register(long id, Socket socket) {
        Client client;
        try {
            socket.setSoTimeout(idleMillis);
            client = new Client(new StreamConnection(socket, limit));
        } catch (IOException e) {
            closeQuietly(socket);
            report(
                    new ConnectionClosed(
                            id, socket.getRemoteSocketAddress(), Reason.IO_ERROR, message(e)));
            return null;
        }
        clients.put(id, client);
        peak.accumulateAndGet(open.incrementAndGet(), Math::max);
        // A connection accepted just as the server was closing gets what the others got.
        if (abortNewClients) {
            client.abort();
        } else if (closeNewClients) {
            client.connection.shutdownInput();
        }
        return client;
    }

    private void fork(StructuredTaskScope<Object, Void> scope, long id, Client client) {
        try {
            scope.fork(() -> serve(id, client));
        } catch (RuntimeException | OutOfMemoryError e) {
            // No thread for it (a platform factory past the OS limit, say): this client alone is
            // refused.
            client.connection.abort();
            ended(id, client, Reason.REJECTED, message(e));
        }
    }

    // @start region="serve"
    /** One client's thread: runs the handler, then closes the connection and says why. */
    private void serve(long id, Client client) {
        client.thread = Thread.currentThread();
        if (client.aborted) {
            ended(id, client, Reason.ABORTED, "");
            return;
        }
        Reason reason = Reason.FINISHED;
        String detail = "";
        try (StreamConnection connection = client.connection) {
            handler.handle(connection);
        } catch (SocketTimeoutException e) {
            reason = Reason.IDLE_TIMEOUT;
            detail = "nothing read for " + idleMillis + " ms";
        } catch (LimitOverrunException e) {
            reason = Reason.LINE_TOO_LONG;
            detail = e.getMessage();
        } catch (IncompleteReadException e) {
            reason = Reason.INCOMPLETE_MESSAGE;
            detail = e.getMessage();
        } catch (IOException e) {
            reason = Reason.IO_ERROR;
            detail = message(e);
        } catch (InterruptedException e) {
            reason = Reason.ABORTED;
        } catch (Exception e) { // a bug in the handler: this connection only
            reason = Reason.HANDLER_FAILED;
            detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        ended(id, client, client.aborted ? Reason.ABORTED : reason, client.aborted ? "" : detail);
    }

    // @end

    private void ended(long id, Client client, Reason reason, String detail) {
        clients.remove(id);
        open.decrementAndGet();
        report(new ConnectionClosed(id, client.connection.peer(), reason, detail));
    }

    private void report(ConnectionClosed closed) {
        try {
            onClose.accept(closed);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    name + ": the close listener failed on " + closed.describe(),
                    e);
        }
    }

    private static void log(ConnectionClosed closed) {
        if (closed.reason() != Reason.FINISHED) {
            LOG.log(System.Logger.Level.INFO, closed.describe());
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // released either way
        }
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** The port it listens on (the ephemeral one chosen, when started with port 0). */
    public int port() {
        return listener.getLocalPort();
    }

    /** Connections open now: accepted and not yet ended. */
    public int openConnections() {
        return open.get();
    }

    /** The most connections that were open at once. */
    public int peakConnections() {
        return peak.get();
    }

    /** Connections accepted so far. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Whether it still accepts new connections ({@code Server.is_serving()}). */
    public boolean isServing() {
        return acceptEnded.getCount() > 0;
    }

    /**
     * Blocks until the server is closed by another thread and every handler has ended ({@code await
     * server.serve_forever()}). Interrupting the caller closes the server (as cancelling {@code
     * serve_forever} does), then rethrows.
     */
    public void serveForever() throws InterruptedException {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            close();
            throw e;
        }
    }

    /**
     * Stops accepting ({@code Server.close()}): closes the listening socket and returns once the
     * accept loop has ended, so from then on new connections are refused. The listening socket is
     * released only when the thread blocked in {@code accept} has woken, hence the wait.
     */
    public void stopAccepting() {
        closeQuietly(listener);
        awaitUninterruptibly(acceptEnded);
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // released either way
        }
    }

    /**
     * Every open connection stops reading ({@code close_clients()}): its handler's next read
     * returns the end of the stream, while what it writes still goes out. A handler in the middle
     * of an exchange finishes it; one waiting for the next message ends.
     */
    public void closeClients() {
        if (!isServing()) {
            closeNewClients = true;
        }
        clients.values().forEach(c -> c.connection.shutdownInput());
    }

    /** Resets every open connection and interrupts its handler thread ({@code abort_clients()}). */
    public void abortClients() {
        if (!isServing()) {
            abortNewClients = true;
        }
        clients.values().forEach(Client::abort);
    }

    /**
     * Waits until the server has stopped accepting and every handler has ended ({@code
     * wait_closed()}; like asyncio's since 3.12, it waits for the handlers too, so call it after
     * {@link #stopAccepting()}).
     */
    public void awaitClosed() throws InterruptedException {
        terminated.await();
    }

    /** {@link #awaitClosed()} for at most {@code timeout}; whether the server has ended. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The graceful close: stop accepting, {@link #closeClients()}, wait up to {@code grace} for the
     * handlers to end, then {@link #abortClients()} and wait for the rest.
     *
     * @return true if every handler ended within {@code grace}, false if some had to be aborted
     */
    public boolean shutdown(Duration grace) throws InterruptedException {
        stopAccepting();
        closeClients();
        if (awaitClosed(grace)) {
            return true;
        }
        abortClients();
        awaitClosed();
        return false;
    }

    /**
     * Stops accepting, aborts every open connection and waits until every thread of the server has
     * ended. An interrupt does not cut the wait short; it is kept for the caller.
     */
    @Override
    public void close() {
        stopAccepting();
        abortClients();
        awaitUninterruptibly(terminated);
    }

    /**
     * Waits for {@code latch}; an interrupt does not cut the wait short and is kept for the caller.
     */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
