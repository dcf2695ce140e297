package dev.loomcookbook.tasks;

import dev.loomcookbook.cli.Bounds;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The book's task-manipulation script: factorial, fibonacci and a binomial coefficient computed
 * step by step as three concurrent tasks; and one small example per asyncio task operation.
 */
@Command(name = "tasks", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "asyncio tasks as StructuredTaskScope subtasks: three tasks at once, and every task operation.",
            "Without --example: the book's three tasks (factorial, fibonacci, binomial coefficient), "
                    + "each a forked subtask pausing after every step. With --example: small examples, "
                    + "one per asyncio operation (--example list names them).",
            "--pause applies to the three tasks only (the examples use fixed 100 ms steps)."
        })
public final class TasksDemo implements Demo {

    /** The name of the book's script as an example name: what runs when no --example is given. */
    public static final String THREE_TASKS = "three-tasks";

    /** A longer pause makes the three tasks take hours (10 pauses). */
    static final class PauseBounds extends Bounds.Durations {
        PauseBounds() {
            super(Duration.ZERO, Duration.ofMinutes(1));
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--pause", defaultValue = "1s", paramLabel = "DURATION", converter = PauseBounds.class,
            description = "Pause after each step of the three tasks, like asyncio.sleep(1).")
    Duration pause;

    @Option(names = {"-e", "--example"}, split = ",", paramLabel = "NAME",
            description = "Run these examples instead (comma-separated or repeated, each once): 'list' names them, "
                    + "'all' runs all ('list' and 'all' alone); '" + THREE_TASKS + "' is the book's script.")
    List<String> exampleNames = new ArrayList<>();

    @Override
    public String pythonConcept() {
        return "asyncio.create_task / gather / wait / TaskGroup";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--pause", "100ms", "--example", THREE_TASKS + ",task-group");
    }

    @Override
    public List<String> examples() {
        return Stream.concat(Stream.of(THREE_TASKS), TaskExamples.all().stream().map(TaskExamples.Example::name)).toList();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        validate();
        if (exampleNames.contains("list")) {
            out.println("Examples (run one with: tasks --example NAME):");
            Table table = new Table("--example", "Python");
            table.row(THREE_TASKS, "the book's script: three asyncio.Task objects at once (the default)");
            TaskExamples.all().forEach(e -> table.row(e.name(), e.python()));
            table.print(out);
            return 0;
        }
        List<String> toRun = exampleNames.isEmpty() ? List.of(THREE_TASKS)
                : exampleNames.contains("all") ? examples() : exampleNames;
        for (String name : toRun) {
            if (!name.equals(THREE_TASKS) && TaskExamples.named(name).isEmpty()) {
                throw usage("unknown example '" + name + "' (run 'tasks --example list' to see them)");
            }
        }
        for (int i = 0; i < toRun.size(); i++) {
            if (i > 0) {
                out.println();
            }
            String name = toRun.get(i);
            if (name.equals(THREE_TASKS)) {
                threeTasks(out);
            } else {
                TaskExamples.named(name).orElseThrow().run(out);
            }
        }
        out.flush();
        return 0;
    }

    /** Rejects option combinations that would otherwise be silently ignored. */
    private void validate() {
        if (!given("--example")) {
            return;
        }
        // The raw values: picocli's split drops trailing empty names ("gather,").
        List<String> typed = spec.commandLine().getParseResult().matchedOption("--example").originalStringValues();
        if (exampleNames.isEmpty() || typed.stream().flatMap(v -> Stream.of(v.split(",", -1))).anyMatch(String::isBlank)) {
            throw usage("--example needs a name for each entry (run 'tasks --example list' to see them)");
        }
        Cli.requireDistinct(spec, "--example", exampleNames);
        for (String alone : List.of("list", "all")) {
            if (exampleNames.contains(alone) && exampleNames.size() > 1) {
                throw usage("'" + alone + "' must be alone in --example, but was given with "
                        + String.join(",", exampleNames.stream().filter(n -> !n.equals(alone)).toList()));
            }
        }
        if (given("--pause") && !exampleNames.contains(THREE_TASKS) && !exampleNames.contains("all")) {
            throw usage("--pause applies only to the book's three tasks ('" + THREE_TASKS
                    + "'); the examples use fixed 100 ms steps");
        }
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    // ---- the book's script --------------------------------------------------------------------

    /** One of the three tasks: its name, its step count, and its final line. */
    record Outcome(String name, int steps, String line, long finishedNanos) {}

    /** The three tasks' scope, by this name in thread dumps ({@code pstree PID}). */
    static final String SCOPE_NAME = "three-tasks";

    private void threeTasks(PrintWriter out) throws InterruptedException {
        out.println("The book's script: three tasks at once, each printing a line and pausing "
                + Timing.format(pause) + " per step.");
        out.println("  Python:  tasks = [asyncio.Task(factorial(10)), asyncio.Task(fibonacci(10)),");
        out.println("                    asyncio.Task(binomial_coefficient(20, 10))]");
        out.println("           loop.run_until_complete(asyncio.wait(tasks))");
        out.println("  Java 25: try (var scope = StructuredTaskScope.open(Joiner.<Outcome>allSuccessfulOrThrow(),");
        out.println("                   cf -> cf.withName(\"" + SCOPE_NAME + "\"))) {   // the name pstree shows");
        out.println("               scope.fork(() -> factorial(10));   // each fork starts a virtual thread");
        out.println("               scope.fork(() -> fibonacci(10));");
        out.println("               scope.fork(() -> binomialCoefficient(20, 10));");
        out.println("               List<Outcome> outcomes = scope.join().map(Subtask::get).toList();");
        out.println("           }");
        out.println();
        out.flush();
        long start = System.nanoTime();
        List<Outcome> outcomes;
        try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.<Outcome>allSuccessfulOrThrow(),
                cf -> cf.withName(SCOPE_NAME).withThreadFactory(Thread.ofVirtual().name("task-", 1).factory()))) {
            scope.fork(() -> factorial(out, 10, start));
            scope.fork(() -> fibonacci(out, 10, start));
            scope.fork(() -> binomialCoefficient(out, 20, 10, start));
            outcomes = scope.join().map(Subtask::get).toList();
        }
        long wall = System.nanoTime() - start;
        int totalSteps = outcomes.stream().mapToInt(Outcome::steps).sum();
        int longest = outcomes.stream().mapToInt(Outcome::steps).max().orElse(0);
        out.println();
        Table table = new Table("task", "steps", "result", "finished after");
        for (Outcome o : outcomes) {
            table.row(o.name(), o.steps(), o.line(), Timing.format(o.finishedNanos()));
        }
        table.print(out);
        out.printf("wall time: %s for %d steps of %s:%n  about %d pauses (the longest task), not %d (one after"
                + " another)%n", Timing.format(wall), totalSteps, Timing.format(pause), longest, totalSteps);
        out.println("Python printed 184756.0 for the binomial (its '/' is float division);");
        out.println("Java's long division is exact here.");
        out.println("More: tasks --example list");
        out.flush();
    }

    /** How a step pauses; a test passes its own to see the three tasks inside a pause at once. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private final Pause pauser;

    public TasksDemo() {
        this(Thread::sleep);
    }

    /** For tests: each step of the three tasks pauses with {@code pauser} instead of Thread.sleep. */
    TasksDemo(Pause pauser) {
        this.pauser = pauser;
    }

    private void step(PrintWriter out, String what) throws InterruptedException {
        out.println("Asyncio.Task: Compute " + what);
        out.flush();
        pauser.pause(pause);
    }

    private Outcome factorial(PrintWriter out, int number, long start) throws InterruptedException {
        long f = 1;
        int steps = 0;
        for (int i = 2; i <= number; i++) {
            step(out, "factorial(" + i + ")");
            f *= i;
            steps++;
        }
        return finish(out, "factorial", steps, "factorial(" + number + ") = " + f, start);
    }

    private Outcome fibonacci(PrintWriter out, int number, long start) throws InterruptedException {
        long a = 0;
        long b = 1;
        int steps = 0;
        for (int i = 0; i < number; i++) {
            step(out, "fibonacci(" + i + ")");
            long next = a + b;
            a = b;
            b = next;
            steps++;
        }
        return finish(out, "fibonacci", steps, "fibonacci(" + number + ") = " + a, start);
    }

    private Outcome binomialCoefficient(PrintWriter out, int n, int k, long start) throws InterruptedException {
        long result = 1;
        int steps = 0;
        for (int i = 1; i <= k; i++) {
            result = result * (n - i + 1) / i;   // exact: result is C(n, i) after each step
            step(out, "binomial_coefficient(" + i + ")");
            steps++;
        }
        return finish(out, "binomial_coefficient", steps, "binomial_coefficient(" + n + ", " + k + ") = " + result, start);
    }

    private static Outcome finish(PrintWriter out, String name, int steps, String line, long start) {
        out.println(line);
        out.flush();
        return new Outcome(name, steps, line, System.nanoTime() - start);
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new TasksDemo(), args));
    }
}
