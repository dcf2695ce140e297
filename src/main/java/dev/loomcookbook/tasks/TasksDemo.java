package dev.loomcookbook.tasks;

import dev.loomcookbook.cli.Bounds;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import dev.loomcookbook.queues.ProducerConsumer;
import dev.loomcookbook.recipes.Recipe;
import dev.loomcookbook.recipes.RecipePrinter;
import dev.loomcookbook.sync.SemaphoreLimit;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The original task-manipulation script ({@link ThreeTasks}): factorial, fibonacci and a binomial
 * coefficient computed step by step as three concurrent tasks; and the task recipes, one per
 * asyncio task operation ({@code --example}).
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

    /** The name of the original script as an example name: what runs without --example. */
    public static final String THREE_TASKS = "three-tasks";

    /** The recipes {@code --example} runs, the original script first. */
    static final List<Recipe> EXAMPLES = List.of(ThreeTasks.RECIPE, CreateTask.RECIPE,
            Gather.RECIPE, GatherReturnExceptions.RECIPE, WaitFirstCompleted.RECIPE,
            WaitAllCompleted.RECIPE, WaitFor.RECIPE, AsCompleted.RECIPE, TaskGroup.RECIPE,
            Cancel.RECIPE, CancelInGroup.RECIPE, Shield.RECIPE, SemaphoreLimit.RECIPE,
            ProducerConsumer.RECIPE, ContextVars.RECIPE);

    /** A longer pause makes the three tasks take hours (10 pauses). */
    static final class PauseBounds extends Bounds.Durations {
        PauseBounds() {
            super(Duration.ZERO, Duration.ofMinutes(1));
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--pause", defaultValue = "1s", paramLabel = "DURATION",
            converter = PauseBounds.class,
            description = "Pause after each step of the three tasks, like asyncio.sleep(1).")
    Duration pause;

    @Option(names = {"-e", "--example"}, split = ",", paramLabel = "NAME",
            description = "Run these examples instead (comma-separated or repeated, each once): 'list' names them, "
                    + "'all' runs all ('list' and 'all' alone); '" + THREE_TASKS
                    + "' is the book's script.")
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
        return EXAMPLES.stream().map(Recipe::name).toList();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        validate();
        if (exampleNames.contains("list")) {
            out.println("Examples (run one with: tasks --example NAME; every recipe: recipes):");
            Table table = new Table("--example", "Python");
            EXAMPLES.forEach(e -> table.row(e.name(), e.python()));
            table.print(out);
            return 0;
        }
        List<String> toRun = exampleNames.isEmpty() ? List.of(THREE_TASKS)
                : exampleNames.contains("all") ? examples() : exampleNames;
        for (String name : toRun) {
            if (example(name).isEmpty()) {
                throw usage(
                        "unknown example '" + name + "' (run 'tasks --example list' to see them)");
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
                RecipePrinter.print(example(name).orElseThrow(), out);
            }
        }
        out.flush();
        return 0;
    }

    private static Optional<Recipe> example(String name) {
        return EXAMPLES.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** Rejects option combinations that would otherwise be silently ignored. */
    private void validate() {
        if (!given("--example")) {
            return;
        }
        // The raw values: picocli's split drops trailing empty names ("gather,").
        List<String> typed = spec.commandLine().getParseResult().matchedOption("--example")
                .originalStringValues();
        if (exampleNames.isEmpty() || typed.stream().flatMap(v -> Stream.of(v.split(",", -1)))
                .anyMatch(String::isBlank)) {
            throw usage(
                    "--example needs a name for each entry (run 'tasks --example list' to see them)");
        }
        Cli.requireDistinct(spec, "--example", exampleNames);
        for (String alone : List.of("list", "all")) {
            if (exampleNames.contains(alone) && exampleNames.size() > 1) {
                throw usage("'" + alone + "' must be alone in --example, but was given with "
                        + String.join(",",
                                exampleNames.stream().filter(n -> !n.equals(alone)).toList()));
            }
        }
        if (given("--pause") && !exampleNames.contains(THREE_TASKS)
                && !exampleNames.contains("all")) {
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

    // ---- the original script ------------------------------------------------------------------

    private final ThreeTasks.Pause pauser;

    public TasksDemo() {
        this(Thread::sleep);
    }

    /** For tests: each step of the three tasks pauses with {@code pauser} instead of Thread.sleep. */
    TasksDemo(ThreeTasks.Pause pauser) {
        this.pauser = pauser;
    }

    private void threeTasks(PrintWriter out) throws Exception {
        out.println("The original script: three tasks at once, each printing a line and pausing "
                + Timing.format(pause) + " per step.");
        RecipePrinter.printCode(ThreeTasks.RECIPE, out);
        long start = System.nanoTime();
        List<ThreeTasks.Outcome> outcomes = new ArrayList<>();
        RecipePrinter.printRun(stamped -> outcomes.addAll(run(stamped)), out);
        long wall = System.nanoTime() - start;
        int totalSteps = outcomes.stream().mapToInt(ThreeTasks.Outcome::steps).sum();
        int longest = outcomes.stream().mapToInt(ThreeTasks.Outcome::steps).max().orElse(0);
        out.println();
        Table table = new Table("task", "steps", "result", "finished after");
        for (ThreeTasks.Outcome o : outcomes) {
            table.row(o.name(), o.steps(), o.line(), Timing.format(o.finishedNanos()));
        }
        table.print(out);
        out.printf("wall time: %s for %d steps of %s:%n  about %d pauses (the longest task), not %d"
                + " (one after another)%n", Timing.format(wall), totalSteps, Timing.format(pause),
                longest, totalSteps);
        RecipePrinter.printDiffers(ThreeTasks.RECIPE, out);
    }

    private List<ThreeTasks.Outcome> run(PrintStream out) throws InterruptedException {
        return new ThreeTasks(out, pause, pauser).run();
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new TasksDemo(), args));
    }
}
