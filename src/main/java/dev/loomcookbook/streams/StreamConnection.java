package dev.loomcookbook.streams;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One TCP connection as asyncio hands it out: a {@link StreamReader} and a {@link StreamWriter} on
 * one socket. {@link #open} is {@code asyncio.open_connection}; a server gives one to its handler
 * per accepted client. Closing it closes the socket ({@code writer.close()}).
 */
public final class StreamConnection implements AutoCloseable {

    /** No timeout: wait as long as it takes. */
    public static final Duration NO_TIMEOUT = Duration.ZERO;

    private final Socket socket;
    private final StreamReader reader;
    private final StreamWriter writer;

    StreamConnection(Socket socket, int limit) throws IOException {
        this.socket = socket;
        // asyncio sets TCP_NODELAY on every TCP transport: small messages go out at once.
        socket.setTcpNoDelay(true);
        this.reader = new StreamReader(socket.getInputStream(), limit);
        this.writer = new StreamWriter(socket);
    }

    /** {@code asyncio.open_connection(host, port)}: no timeouts, asyncio's line limit. */
    public static StreamConnection open(String host, int port) throws IOException {
        return open(
                new InetSocketAddress(host, port),
                NO_TIMEOUT,
                NO_TIMEOUT,
                StreamReader.DEFAULT_LIMIT);
    }

    /**
     * {@code asyncio.open_connection} with timeouts: connecting takes at most {@code
     * connectTimeout} ({@code asyncio.wait_for(open_connection(...), t)}), and every read that
     * waits longer than {@code readTimeout} throws {@link java.net.SocketTimeoutException} ({@code
     * wait_for(reader.readline(), t)}). {@link #NO_TIMEOUT} waits forever.
     *
     * @throws java.net.SocketTimeoutException if the connection is not made in time
     * @throws java.net.ConnectException if nothing listens there
     * @throws IllegalArgumentException if a timeout is negative or {@code limit} is below 1
     */
    public static StreamConnection open(
            InetSocketAddress address, Duration connectTimeout, Duration readTimeout, int limit)
            throws IOException {
        Objects.requireNonNull(address, "address");
        int connectMillis = timeoutMillis("connectTimeout", connectTimeout);
        int readMillis = timeoutMillis("readTimeout", readTimeout);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
        Socket socket = new Socket();
        try {
            socket.connect(address, connectMillis);
            socket.setSoTimeout(readMillis);
            return new StreamConnection(socket, limit);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * A timeout in whole milliseconds for the socket API (0 is none; a positive one is at least 1
     * ms).
     */
    static int timeoutMillis(String name, Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, but was " + timeout);
        }
        long millis = timeout.toMillis();
        if (millis == 0 && !timeout.isZero()) {
            millis = 1;
        }
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    /** The reading half (asyncio's {@code reader}). */
    public StreamReader reader() {
        return reader;
    }

    /** The writing half (asyncio's {@code writer}). */
    public StreamWriter writer() {
        return writer;
    }

    /** The other end's address (asyncio: {@code writer.get_extra_info("peername")}). */
    public SocketAddress peer() {
        return socket.getRemoteSocketAddress();
    }

    /** This end's address (asyncio: {@code writer.get_extra_info("sockname")}). */
    public SocketAddress local() {
        return socket.getLocalSocketAddress();
    }

    /**
     * Stops reading: what the peer sends from now on is dropped and reads return the end of the
     * stream, while writing still works. A server's graceful close does this to every connection.
     */
    void shutdownInput() {
        try {
            if (!socket.isClosed() && !socket.isInputShutdown()) {
                socket.shutdownInput();
            }
        } catch (IOException e) {
            // Already closed or reset: there is nothing left to stop.
        }
    }

    /**
     * Closes the socket at once with a reset, dropping unsent data (asyncio's {@code
     * transport.abort()}).
     */
    public void abort() {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // Closed meanwhile: close() below is then a no-op.
        }
        close();
    }

    /** Whether the socket is closed. */
    public boolean isClosed() {
        return socket.isClosed();
    }

    /**
     * Closes the socket ({@code writer.close()}); a thread blocked reading or writing it gets an
     * exception.
     */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing to do: the descriptor is released either way.
        }
    }
}
