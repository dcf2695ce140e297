package dev.loomcookbook.eventloop;

/**
 * What the loop hands to its exception handler, like asyncio's context dict with the keys
 * {@code message}, {@code exception} and {@code handle}.
 *
 * @param message   what happened, for example {@code "Exception in callback ..."}
 * @param exception the exception, or {@code null}
 * @param handle    the callback's handle, or {@code null}
 */
public record ExceptionContext(String message, Throwable exception, Handle handle) {}
