package dev.loomcookbook.tasks.scheduler;

/**
 * How one task ended: its state, its value (if it succeeded), its exception (if it failed or was
 * interrupted), why it did not run (if skipped or cancelled), and when it started and ended, in
 * nanoseconds since the run began ({@code -1} if it never started).
 */
public record TaskOutcome<T>(String name, TaskState state, T value, Throwable failure,
        String reason,
        long startNanos, long endNanos) {

    static <T> TaskOutcome<T> notStarted(String name, TaskState state, String reason) {
        return new TaskOutcome<>(name, state, null, null, reason, -1, -1);
    }
}
