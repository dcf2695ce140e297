package dev.loomcookbook.pooling;

/**
 * The task ran, but what it produced (its result, or the exception it threw) could not be
 * brought back to the parent: it is not serializable, larger than
 * {@link ProcessPool.Builder#maxMessageBytes}, refused by the pool's class policy or its limits
 * (depth, objects, array sizes), or so costly to rebuild that the worker gave up (nested hash
 * sets sharing their elements rebuild in exponential time). The message says which. Only that
 * task fails.
 */
public final class UnreadableResultException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnreadableResultException(String message) {
        super(message);
    }

    UnreadableResultException(String message, Throwable cause) {
        super(message, cause);
    }
}
