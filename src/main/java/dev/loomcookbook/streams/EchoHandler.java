package dev.loomcookbook.streams;

import java.io.IOException;

/**
 * The echo server of every asyncio tutorial: each line a client sends comes back to it, in
 * order. A client that vanishes in the middle of a line gets its connection closed with
 * {@link ConnectionClosed.Reason#INCOMPLETE_MESSAGE}; the server and the other clients go on.
 */
public final class EchoHandler implements ConnectionHandler {

    // @start region="echo"
    @Override
    public void handle(StreamConnection connection) throws IOException {
        StreamReader reader = connection.reader();
        StreamWriter writer = connection.writer();
        byte[] line;
        while ((line = reader.readline()).length > 0) {   // empty once the client has closed
            Lines.requireComplete(line);                    // no '\n': it vanished mid-line
            writer.write(line);                             // write + drain: blocks while it reads slowly
        }
    }
    // @end
}
