package dev.loomcookbook.coroutines;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Not an HTTP server: on 127.0.0.1, it reads what a client sends first, writes a fixed text and
 * closes the connection. Its one virtual thread ends when it is closed.
 */
final class FakeServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread acceptor;

    private FakeServer(String answer) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        byte[] bytes = answer.getBytes(StandardCharsets.US_ASCII);
        acceptor =
                Thread.ofVirtual()
                        .name("fake-server")
                        .start(
                                () -> {
                                    while (true) {
                                        try (Socket s = socket.accept()) {
                                            InputStream in = s.getInputStream();
                                            in.read(
                                                    new byte
                                                            [16
                                                                    * 1024]); // the request line,
                                                                              // or a TLS client
                                                                              // hello
                                            s.getOutputStream().write(bytes);
                                        } catch (IOException closed) {
                                            if (socket.isClosed()) {
                                                return;
                                            }
                                        }
                                    }
                                });
    }

    /** A server that answers every connection with {@code answer} and closes it. */
    static FakeServer answering(String answer) throws IOException {
        return new FakeServer(answer);
    }

    /** Its address with {@code scheme}: {@code http} or {@code https}. */
    URI uri(String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        socket.close();
        acceptor.join();
    }
}
