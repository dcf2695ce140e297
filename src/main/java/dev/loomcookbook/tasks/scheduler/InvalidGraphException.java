package dev.loomcookbook.tasks.scheduler;

import java.util.List;

/**
 * A task graph that cannot run, found by {@link TaskGraph.Builder#build()} before anything
 * runs. The subclass names the problem; the message says where it is.
 */
public abstract sealed class InvalidGraphException extends IllegalArgumentException
        permits InvalidGraphException.Cycle, InvalidGraphException.UnknownDependency,
        InvalidGraphException.DuplicateName {

    private InvalidGraphException(String message) {
        super(message);
    }

    /** Tasks that depend on each other in a circle: {@code cycle: a -> b -> c -> a}. */
    public static final class Cycle extends InvalidGraphException {
        private final List<String> cycle;

        Cycle(List<String> cycle) {
            super("cycle: " + String.join(" -> ", cycle) + " (each task depends on the next)");
            this.cycle = List.copyOf(cycle);
        }

        /** The tasks around the cycle, the first repeated at the end. */
        public List<String> cycle() {
            return cycle;
        }
    }

    /** A task depends on a name that is not a task. */
    public static final class UnknownDependency extends InvalidGraphException {
        private final String task;
        private final String dependency;

        UnknownDependency(String task, String dependency) {
            super("unknown dependency: '" + task + "' depends on '" + dependency
                    + "', which is not a task");
            this.task = task;
            this.dependency = dependency;
        }

        public String task() {
            return task;
        }

        public String dependency() {
            return dependency;
        }
    }

    /** Two tasks have the same name. */
    public static final class DuplicateName extends InvalidGraphException {
        private final String name;

        DuplicateName(String name) {
            super("duplicate task name: '" + name + "'");
            this.name = name;
        }

        public String name() {
            return name;
        }
    }
}
