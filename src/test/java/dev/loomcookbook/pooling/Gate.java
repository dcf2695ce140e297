package dev.loomcookbook.pooling;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A latch across processes: a task in a worker {@link #arrive(int) arrives} by connecting to the
 * test's loopback socket and sending its PID, then blocks until the test releases it (or closes
 * the gate). The test learns that the task is running without sleeping or guessing.
 */
final class Gate implements AutoCloseable {

    /** A task that arrived: its worker's PID and the connection that holds it. */
    record Arrival(long pid, Socket socket) {}

    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    Gate() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            server.setSoTimeout(30_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Waits (at most 30 s, a safety net) for the next task to arrive. */
    Arrival awaitArrival() throws IOException {
        try {
            Socket s = server.accept();
            open.add(s);
            return new Arrival(new DataInputStream(s.getInputStream()).readLong(), s);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no task arrived at the gate within 30 s", e);
        }
    }

    /** Lets an arrived task go on. */
    void release(Arrival a) throws IOException {
        a.socket().getOutputStream().write(1);
        a.socket().close();
    }

    /** Releases every task still waiting: their connections close, so their reads end. */
    void releaseAll() throws IOException {
        for (Socket s : open) {
            s.close();
        }
    }

    /** Releases every task still waiting and stops accepting. */
    @Override
    public void close() throws IOException {
        releaseAll();
        server.close();
    }

    /** Task side: report this worker's PID, then block until released; returns the PID. */
    static long arrive(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeLong(ProcessHandle.current().pid());
            out.flush();
            s.getInputStream().read();
        }
        return ProcessHandle.current().pid();
    }

    /** Task side: report this worker's PID and go on at once. */
    static void signal(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeLong(ProcessHandle.current().pid());
            out.flush();
        }
    }
}
