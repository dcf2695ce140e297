package dev.loomcookbook.streams;

/**
 * What a server runs for each client, on that client's own thread: asyncio's {@code
 * client_connected_cb(reader, writer)}. It may block anywhere (reads, writes, locks, sleeps); the
 * server closes the connection when it returns or throws.
 */
@FunctionalInterface
public interface ConnectionHandler {

    /** Serves one client until it is done with it. */
    void handle(StreamConnection connection) throws Exception;
}
