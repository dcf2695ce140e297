package dev.loomcookbook.eventloop;

/** A callback scheduled for a deadline ({@code callLater}, {@code callAt}), like asyncio's {@code TimerHandle}. */
public final class TimerHandle extends Handle {

    /** The deadline in nanoseconds on the loop's clock, counted from the loop's creation. */
    final long deadlineNanos;
    /** Scheduling order: equal deadlines run first-scheduled first. */
    final long sequence;
    /** Still in the loop's timer queue (guarded by the loop's lock). */
    boolean queued;

    TimerHandle(EventLoop loop, Runnable callback, long deadlineNanos, long sequence) {
        super(loop, callback);
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
    }

    /** The deadline in the units of {@link EventLoop#time()}: seconds since the loop was created. */
    public double when() {
        return deadlineNanos / 1e9;
    }

    int compareTo(TimerHandle other) {
        int c = Long.compare(deadlineNanos, other.deadlineNanos);
        return c != 0 ? c : Long.compare(sequence, other.sequence);
    }
}
