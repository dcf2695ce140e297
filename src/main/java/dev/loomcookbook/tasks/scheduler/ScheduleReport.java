package dev.loomcookbook.tasks.scheduler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The result of a {@link TaskGraph} run: every task's outcome (in the graph's order), the
 * recorded start and end events (in the order they happened), and the run's wall time.
 */
public record ScheduleReport<T>(FailurePolicy policy, Map<String, TaskOutcome<T>> outcomes,
        List<ScheduleEvent> events, long wallNanos) {

    /** The outcome of the task called {@code name}. */
    public TaskOutcome<T> outcome(String name) {
        TaskOutcome<T> o = outcomes.get(name);
        if (o == null) {
            throw new NoSuchElementException("no task called '" + name + "'");
        }
        return o;
    }

    /** The state of the task called {@code name}. */
    public TaskState state(String name) {
        return outcome(name).state();
    }

    /** The values of the tasks that succeeded, by name. */
    public Map<String, T> results() {
        Map<String, T> results = new LinkedHashMap<>();
        outcomes.forEach((name, o) -> {
            if (o.state() == TaskState.SUCCEEDED) {
                results.put(name, o.value());
            }
        });
        return results;
    }

    /** Whether every task succeeded. */
    public boolean allSucceeded() {
        return outcomes.values().stream().allMatch(o -> o.state() == TaskState.SUCCEEDED);
    }
}
