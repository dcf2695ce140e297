package dev.loomcookbook.tasks;

/**
 * {@code contextvars.ContextVar("request_id")} as a {@link ScopedValue}: bound for the length of
 * a call with {@code ScopedValue.where(REQUEST_ID, "req-42").call(...)}, inherited by the
 * subtasks a {@code StructuredTaskScope} forks inside that call, unbound everywhere else.
 */
public final class RequestContext {

    /** The request being handled; read it with {@code REQUEST_ID.get()} or {@link #requestId()}. */
    public static final ScopedValue<String> REQUEST_ID = ScopedValue.newInstance();

    private RequestContext() {}

    /** The bound request id, or {@code "(unbound)"}: what a log line would print. */
    public static String requestId() {
        return REQUEST_ID.orElse("(unbound)");
    }
}
