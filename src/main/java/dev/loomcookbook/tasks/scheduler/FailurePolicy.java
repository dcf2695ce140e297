package dev.loomcookbook.tasks.scheduler;

/** What a {@link TaskGraph} run does with the rest of the graph when a task fails. */
public enum FailurePolicy {
    /** The failed task's dependents are skipped; every other task still runs. */
    CONTINUE,
    /**
     * The run stops: running tasks are interrupted, tasks not yet started are cancelled (the
     * failed task's dependents are still reported as skipped).
     */
    CANCEL
}
