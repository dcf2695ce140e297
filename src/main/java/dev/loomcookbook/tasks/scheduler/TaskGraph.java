package dev.loomcookbook.tasks.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The seed's "simple task scheduler that executes tasks in a specific order": named tasks with
 * prerequisites, each run on its own thread (virtual by default) as soon as all its prerequisites
 * have succeeded, so independent tasks run at the same time. A task receives its prerequisites'
 * values by name; the run's {@link ScheduleReport} has every task's outcome by name.
 *
 * <pre>{@code
 * TaskGraph<String> graph = TaskGraph.<String>builder()
 *         .task("fetch", List.of(), in -> "deps")
 *         .task("compile", List.of("fetch"), in -> "classes from " + in.get("fetch"))
 *         .build();                                  // rejects cycles, unknown names, duplicates
 * ScheduleReport<String> report = graph.run(FailurePolicy.CONTINUE);
 * }</pre>
 *
 * <p>All tasks run as subtasks of one {@link StructuredTaskScope} owned by the caller of
 * {@code run}: only the owner may fork, so it waits for completions and forks what became
 * ready. When {@code run} returns, every task's thread has ended.
 */
public final class TaskGraph<T> {

    /** The name of the scope {@link #run} opens, as thread dumps ({@code pstree PID}) show it. */
    public static final String SCOPE_NAME = "TaskGraph";

    /** A task's code: gets its prerequisites' values by name, returns its own value. */
    @FunctionalInterface
    public interface Action<T> {
        T run(Map<String, T> prerequisites) throws Exception;
    }

    private record Node<T>(String name, List<String> prerequisites, Action<T> action) {}

    private final Map<String, Node<T>> nodes;            // in the order they were added
    private final Map<String, List<String>> dependents;  // task -> the tasks that need it
    private final List<String> topologicalOrder;

    private TaskGraph(Map<String, Node<T>> nodes, List<String> topologicalOrder) {
        this.nodes = nodes;
        this.topologicalOrder = topologicalOrder;
        Map<String, List<String>> d = new HashMap<>();
        nodes.keySet().forEach(n -> d.put(n, new ArrayList<>()));
        nodes.values().forEach(n -> n.prerequisites().forEach(p -> d.get(p).add(n.name())));
        this.dependents = d;
    }

    /** A builder; add tasks in any order, then {@link Builder#build()} validates the graph. */
    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** The task names, in the order they were added. */
    public List<String> names() {
        return List.copyOf(nodes.keySet());
    }

    /** The tasks {@code name} needs. */
    public List<String> prerequisitesOf(String name) {
        return nodes.get(name).prerequisites();
    }

    /** Collects tasks; {@link #build()} checks them. */
    public static final class Builder<T> {
        private final List<Node<T>> tasks = new ArrayList<>();

        private Builder() {}

        /** Adds a task that starts once every task in {@code prerequisites} has succeeded. */
        public Builder<T> task(String name, List<String> prerequisites, Action<T> action) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(action, "action");
            tasks.add(new Node<>(name, List.copyOf(new LinkedHashSet<>(prerequisites)), action));
            return this;
        }

        /**
         * The graph, if it can run.
         *
         * @throws InvalidGraphException.DuplicateName if two tasks share a name
         * @throws InvalidGraphException.UnknownDependency if a prerequisite is not a task
         * @throws InvalidGraphException.Cycle if tasks depend on each other in a circle
         */
        public TaskGraph<T> build() {
            Map<String, Node<T>> byName = new LinkedHashMap<>();
            for (Node<T> n : tasks) {
                if (byName.putIfAbsent(n.name(), n) != null) {
                    throw new InvalidGraphException.DuplicateName(n.name());
                }
            }
            for (Node<T> n : tasks) {
                for (String p : n.prerequisites()) {
                    if (!byName.containsKey(p)) {
                        throw new InvalidGraphException.UnknownDependency(n.name(), p);
                    }
                }
            }
            return new TaskGraph<>(byName, topologicalOrder(byName));
        }

        /** Depth-first: prerequisites before dependents; a task met again on the current path is a cycle. */
        private static <T> List<String> topologicalOrder(Map<String, Node<T>> byName) {
            List<String> order = new ArrayList<>();
            Set<String> done = new HashSet<>();
            List<String> path = new ArrayList<>();
            for (String name : byName.keySet()) {
                visit(name, byName, done, path, order);
            }
            return order;
        }

        private static <T> void visit(String name, Map<String, Node<T>> byName, Set<String> done,
                List<String> path, List<String> order) {
            if (done.contains(name)) {
                return;
            }
            int onPath = path.indexOf(name);
            if (onPath >= 0) {
                List<String> cycle = new ArrayList<>(path.subList(onPath, path.size()));
                cycle.add(name);
                throw new InvalidGraphException.Cycle(cycle);
            }
            path.add(name);
            for (String p : byName.get(name).prerequisites()) {
                visit(p, byName, done, path, order);
            }
            path.removeLast();
            done.add(name);
            order.add(name);
        }
    }

    /** Runs the graph on virtual threads. */
    public ScheduleReport<T> run(FailurePolicy policy) throws InterruptedException {
        return run(policy, Thread.ofVirtual().factory(), event -> {});
    }

    /**
     * Runs the graph: each task on a thread from {@code threadFactory} as soon as its
     * prerequisites have succeeded. {@code listener} sees each start and end as it happens, in
     * the order recorded (it is called while the recording lock is held: keep it short).
     */
    public ScheduleReport<T> run(FailurePolicy policy, ThreadFactory threadFactory,
            Consumer<ScheduleEvent> listener)
            throws InterruptedException {
        Objects.requireNonNull(policy, "policy");
        Recorder recorder = new Recorder(listener);
        Map<String, TaskOutcome<T>> ended = new ConcurrentHashMap<>();   // written by the task threads
        BlockingQueue<String> completions = new LinkedBlockingQueue<>();
        Map<String, Integer> unmet = new HashMap<>();                    // owner thread only
        nodes.values().forEach(n -> unmet.put(n.name(), n.prerequisites().size()));

        // CANCEL: the first failure cancels the scope, which interrupts every running task.
        Joiner<T, Void> joiner = policy == FailurePolicy.CANCEL
                ? Joiner.awaitAllSuccessfulOrThrow() : Joiner.awaitAll();
        try (var scope = StructuredTaskScope.open(joiner,
                cf -> cf.withThreadFactory(threadFactory).withName(SCOPE_NAME))) {
            int running = 0;
            for (Node<T> n : nodes.values()) {
                if (n.prerequisites().isEmpty()) {
                    fork(scope, n, ended, completions, recorder);
                    running++;
                }
            }
            while (running > 0) {
                String name = completions.take();
                running--;
                if (ended.get(name).state() == TaskState.SUCCEEDED) {
                    for (String d : dependents.get(name)) {
                        if (unmet.merge(d, -1, Integer::sum) == 0) {
                            fork(scope, nodes.get(d), ended, completions, recorder);
                            running++;
                        }
                    }
                } else if (policy == FailurePolicy.CANCEL) {
                    break;
                }
            }
            try {
                scope.join();
            } catch (StructuredTaskScope.FailedException e) {
                // Each failure is already recorded in its task's outcome.
            }
        }
        return report(policy, ended, recorder);
    }

    private void fork(StructuredTaskScope<T, Void> scope, Node<T> node,
            Map<String, TaskOutcome<T>> ended,
            BlockingQueue<String> completions, Recorder recorder) {
        Map<String, T> inputs = new LinkedHashMap<>();
        node.prerequisites().forEach(p -> inputs.put(p, ended.get(p).value()));
        scope.fork(() -> {
            long start = recorder.record(node.name(), ScheduleEvent.Kind.START, null);
            try {
                T value = node.action().run(inputs);
                long end =
                        recorder.record(node.name(), ScheduleEvent.Kind.END, TaskState.SUCCEEDED);
                ended.put(node.name(), new TaskOutcome<>(node.name(), TaskState.SUCCEEDED, value,
                        null, "", start, end));
                return value;
            } catch (Throwable t) {
                TaskState state = t instanceof InterruptedException ? TaskState.INTERRUPTED
                        : TaskState.FAILED;
                long end = recorder.record(node.name(), ScheduleEvent.Kind.END, state);
                ended.put(node.name(),
                        new TaskOutcome<>(node.name(), state, null, t, "", start, end));
                throw t;
            } finally {
                completions.add(node.name());
            }
        });
    }

    /** Outcomes in graph order; a task that never started is skipped or cancelled, by its prerequisites. */
    private ScheduleReport<T> report(FailurePolicy policy, Map<String, TaskOutcome<T>> ended,
            Recorder recorder) {
        Map<String, TaskOutcome<T>> all = new HashMap<>(ended);
        for (String name : topologicalOrder) {
            if (all.containsKey(name)) {
                continue;
            }
            TaskOutcome<T> outcome = null;
            for (String p : nodes.get(name).prerequisites()) {
                TaskState s = all.get(p).state();
                if (s == TaskState.FAILED || s == TaskState.SKIPPED) {
                    outcome = TaskOutcome.notStarted(name, TaskState.SKIPPED,
                            "'" + p + "' " + (s == TaskState.FAILED ? "failed" : "was skipped"));
                    break;
                }
            }
            all.put(name, outcome != null ? outcome
                    : TaskOutcome.notStarted(name, TaskState.CANCELLED, "the run was cancelled"));
        }
        Map<String, TaskOutcome<T>> inGraphOrder = new LinkedHashMap<>();
        nodes.keySet().forEach(n -> inGraphOrder.put(n, all.get(n)));
        return new ScheduleReport<>(policy, inGraphOrder, recorder.events(), recorder.elapsed());
    }

    /** Numbers and timestamps the events, in one order that every thread agrees on. */
    private static final class Recorder {
        private final long start = System.nanoTime();
        private final List<ScheduleEvent> events = new ArrayList<>();
        private final Consumer<ScheduleEvent> listener;

        Recorder(Consumer<ScheduleEvent> listener) {
            this.listener = listener;
        }

        synchronized long record(String task, ScheduleEvent.Kind kind, TaskState state) {
            long at = System.nanoTime() - start;
            ScheduleEvent e = new ScheduleEvent(events.size(), at, task, kind, state);
            events.add(e);
            listener.accept(e);
            return at;
        }

        synchronized List<ScheduleEvent> events() {
            return List.copyOf(events);
        }

        long elapsed() {
            return System.nanoTime() - start;
        }
    }
}
