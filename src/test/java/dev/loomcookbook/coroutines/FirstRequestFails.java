package dev.loomcookbook.coroutines;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A server on 127.0.0.1 whose first answer is HTTP 500 and every later one 200. */
final class FirstRequestFails implements AutoCloseable {

    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;

    FirstRequestFails() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext(
                "/",
                exchange -> {
                    try (exchange) {
                        exchange.getRequestBody().readAllBytes();
                        boolean first = requests.getAndIncrement() == 0;
                        exchange.sendResponseHeaders(first ? 500 : 200, -1);
                    }
                });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/page");
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.close();
    }
}
