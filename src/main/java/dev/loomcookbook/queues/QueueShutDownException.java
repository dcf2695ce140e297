package dev.loomcookbook.queues;

/**
 * Python 3.13's {@code asyncio.QueueShutDown}: thrown by a {@link JoinableQueue} that was
 * {@linkplain JoinableQueue#shutdown(boolean) shut down}, by every put, and by a take once the
 * queue is empty. The project's own: the JDK's queues cannot be shut down.
 */
public final class QueueShutDownException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The exception every operation of a shut-down queue throws. */
    public QueueShutDownException() {
        super("the queue is shut down");
    }
}
