package dev.loomcookbook.pooling;

/**
 * {@link ProcessPool} refused a task at submission because it (or something it holds) cannot be
 * serialized, or is too large: nothing was sent to any worker. Make the task a record or class
 * that implements {@link java.io.Serializable}, or write it as a lambda typed
 * {@link ProcessPool.Task} (a serializable lambda), holding only serializable values.
 */
public final class TaskNotSerializableException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    TaskNotSerializableException(String message, Throwable cause) {
        super(message, cause);
    }
}
