package dev.loomcookbook.eventloop;

/**
 * A callback scheduled on an {@link EventLoop}, like asyncio's {@code Handle}: the loop runs it
 * once unless it is cancelled first. {@link #cancel()} may be called from any thread.
 */
public sealed class Handle permits TimerHandle {

    private final EventLoop loop;
    private final Runnable callback;
    private volatile boolean cancelled;

    Handle(EventLoop loop, Runnable callback) {
        this.loop = loop;
        this.callback = callback;
    }

    /** Cancels the callback: if it has not run yet, it never will. Cancelling twice is harmless. */
    public void cancel() {
        loop.cancel(this);
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Marks the handle cancelled; returns false if it already was (called under the loop's lock). */
    boolean markCancelled() {
        if (cancelled) {
            return false;
        }
        cancelled = true;
        return true;
    }

    /** Runs the callback on the loop thread; an {@link Exception} goes to the exception handler. */
    void run() {
        if (cancelled) {
            return;
        }
        try {
            callback.run();
        } catch (Exception e) {
            // asyncio's Handle._run: Exception goes to the handler, BaseException propagates.
            // Here an Error (AssertionError, OutOfMemoryError) propagates out of runForever.
            loop.callExceptionHandler(
                    new ExceptionContext("Exception in callback " + callback, e, this));
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + callback + (cancelled ? ", cancelled" : "") + "]";
    }
}
