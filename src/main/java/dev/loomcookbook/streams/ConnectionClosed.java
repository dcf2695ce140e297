package dev.loomcookbook.streams;

import java.net.SocketAddress;

/**
 * Why a server closed one connection, reported to the server's listener as the connection ends.
 *
 * @param id the connection's number on this server, from 1
 * @param peer the client's address
 * @param reason why it ended
 * @param detail a short human-readable detail (the exception's message, or empty)
 */
public record ConnectionClosed(long id, SocketAddress peer, Reason reason, String detail) {

    /** The ways a connection ends. Only {@link #FINISHED} is the handler's own, normal end. */
    public enum Reason {
        /** The handler returned (for example after the client closed its side). */
        FINISHED,
        /** No byte arrived within the server's idle timeout. */
        IDLE_TIMEOUT,
        /** A line was longer than the server's limit. */
        LINE_TOO_LONG,
        /** The client closed or vanished in the middle of a message. */
        INCOMPLETE_MESSAGE,
        /**
         * The server aborted it ({@link StreamServer#abortClients()} or a close past its deadline).
         */
        ABORTED,
        /** An I/O error, such as a reset by the client. */
        IO_ERROR,
        /** The handler threw something else: a bug in the handler, not in the server. */
        HANDLER_FAILED,
        /** The server could not start a thread for it (for example, too many platform threads). */
        REJECTED
    }

    /**
     * One line for a log, for example {@code connection 7 from /127.0.0.1:5000: IDLE_TIMEOUT
     * (...)}.
     */
    public String describe() {
        return "connection "
                + id
                + " from "
                + peer
                + ": "
                + reason
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
