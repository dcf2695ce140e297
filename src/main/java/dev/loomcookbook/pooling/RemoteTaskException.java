package dev.loomcookbook.pooling;

/**
 * A task's exception that the parent could not rebuild as itself (its class is not serializable,
 * not loadable here, or refused by the pool's deserialization filter): its type name, message and
 * the worker's stack trace, as {@link #getStackTrace()}.
 */
public final class RemoteTaskException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String remoteType;
    private final String remoteMessage;

    RemoteTaskException(String remoteType, String remoteMessage, StackTraceElement[] remoteStack,
            String why) {
        super(remoteType + (remoteMessage == null ? "" : ": " + remoteMessage) + " (in a worker; "
                + why + ")");
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
        setStackTrace(remoteStack == null ? new StackTraceElement[0] : remoteStack);
    }

    /** The class name of the exception the task threw. */
    public String remoteType() {
        return remoteType;
    }

    /** Its message, or null. */
    public String remoteMessage() {
        return remoteMessage;
    }
}
