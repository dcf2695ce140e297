package dev.loomcookbook.eventloop;

/** asyncio's {@code loop.set_exception_handler(handler)}: {@code handler(loop, context)}. */
@FunctionalInterface
public interface ExceptionHandler {

    /** Called on the loop thread for an exception a callback threw. */
    void handle(EventLoop loop, ExceptionContext context);
}
