package dev.loomcookbook.streams;

import java.io.IOException;

/**
 * The echo server of every asyncio tutorial: each line a client sends comes back to it, in order. A
 * client that vanishes in the middle of a line gets its connection closed with {@link
 * ConnectionClosed.Reason#INCOMPLETE_MESSAGE}; the server and the other clients go on.
 */
public final class EchoHandler implements ConnectionHandler {

    // @start region="echo"
    @Override
    public void handle(StreamConnection connection) throws IOException {
        StreamReader reader = connection.reader();
        StreamWriter writer = connection.writer();
        // readline() returns an empty array once the client has closed its side.
        for (byte[] line = reader.readline(); line.length > 0; line = reader.readline()) {
            Lines.requireComplete(line); // no '\n' at the end: the client vanished mid-line
            writer.write(line); // write + drain: blocks while the client reads slowly
        }
    }
    // @end
}
