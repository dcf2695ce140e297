package dev.loomcookbook.tasks.scheduler;

/**
 * A task starting or ending, as recorded during a {@link TaskGraph} run. {@code sequence} orders
 * the events exactly (0, 1, 2, ...); {@code atNanos} is the time since the run began.
 * {@code state} is null for a start.
 */
public record ScheduleEvent(long sequence, long atNanos, String task, Kind kind, TaskState state) {

    /** A task's code began or ended. */
    public enum Kind { START, END }
}
