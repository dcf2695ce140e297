package dev.loomcookbook.coroutines;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Not an HTTP server: on 127.0.0.1, it reads what a client sends first and writes a fixed text.
 * An empty text closes the connection at once; any other is followed by waiting for the client to
 * close, so that the client meets the text alone, never a close racing it. Each connection has a
 * virtual thread; all of them end when the server is closed.
 */
final class FakeServer implements AutoCloseable {

    private final ServerSocket socket;
    private final byte[] answer;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private FakeServer(String answer) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.answer = answer.getBytes(StandardCharsets.US_ASCII);
        this.acceptor = Thread.ofVirtual().name("fake-server").start(this::acceptAll);
    }

    /** A server that answers every connection with {@code answer}. */
    static FakeServer answering(String answer) throws IOException {
        return new FakeServer(answer);
    }

    /** Its address with {@code scheme}: {@code http} or {@code https}. */
    URI uri(String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    private void acceptAll() {
        try {
            while (true) {
                Socket s = socket.accept();
                open.add(s);
                threads.add(Thread.ofVirtual().name("fake-connection").start(() -> answer(s)));
            }
        } catch (IOException closed) {
            // the server socket was closed
        }
    }

    private void answer(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            in.read(buffer); // the request line, or a TLS client hello
            if (answer.length > 0) {
                s.getOutputStream().write(answer);
                while (in.read(buffer) >= 0) {
                    // discards what the client still sends, until it closes
                }
            }
        } catch (IOException closed) {
            // the client or close() ended the connection
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join();
            for (Socket s : open) {
                s.close();
            }
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the leak check then names what is left
        }
    }
}
