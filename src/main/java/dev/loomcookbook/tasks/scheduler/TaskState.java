package dev.loomcookbook.tasks.scheduler;

/** How a task of a {@link TaskGraph} run ended. */
public enum TaskState {
    /** It ran and returned a value. */
    SUCCEEDED,
    /** It ran and threw. */
    FAILED,
    /** It never started because a prerequisite failed or was skipped. */
    SKIPPED,
    /** It never started because the run was cancelled ({@link FailurePolicy#CANCEL}). */
    CANCELLED,
    /** It was running when the run was cancelled and ended by interruption. */
    INTERRUPTED;

    /** Whether the task's code ran at all. */
    public boolean started() {
        return this == SUCCEEDED || this == FAILED || this == INTERRUPTED;
    }
}
