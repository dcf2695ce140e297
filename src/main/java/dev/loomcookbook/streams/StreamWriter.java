package dev.loomcookbook.streams;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;

/**
 * asyncio's {@code StreamWriter} on a blocking socket: {@link #write} is {@code writer.write(data)}
 * followed by {@code await writer.drain()}. There is no separate {@code drain()}: the write itself
 * returns only once the kernel has taken every byte, so when the peer reads slowly its socket
 * buffer fills and the writing thread blocks (a virtual thread parks and frees its carrier). That
 * blocking is the back-pressure; nothing is buffered in this process without bound.
 *
 * <p>Safe for several threads: each write goes out whole, never interleaved with another thread's
 * (a chat room writes one member's socket from every other member's thread).
 */
public final class StreamWriter {

    private final Socket socket;
    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();

    StreamWriter(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Writes all of {@code data}, blocking while the peer's side is full (write + drain). */
    public void write(byte[] data) throws IOException {
        write(data, 0, data.length);
    }

    /**
     * Writes {@code length} bytes of {@code data} from {@code offset}, like {@link #write(byte[])}.
     */
    public void write(byte[] data, int offset, int length) throws IOException {
        lock.lock();
        try {
            out.write(data, offset, length);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the sending side: the peer reads the end of the stream (asyncio's {@code
     * write_eof()}).
     */
    public void writeEof() throws IOException {
        lock.lock();
        try {
            socket.shutdownOutput();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #writeEof()} or a close has ended the sending side. */
    public boolean isClosing() {
        return socket.isOutputShutdown() || socket.isClosed();
    }
}
