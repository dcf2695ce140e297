package dev.loomcookbook.tasks.scheduler;

import dev.loomcookbook.cli.Bounds;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A build-like pipeline run by {@link TaskGraph}: each step starts as soon as its prerequisites succeed. */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        exitCodeList = {
            "0:done, also when --fail or --broken shows a failure on purpose (the last line says so)",
            "1:a step failed that was not asked to (the scheduler itself is broken)",
            "2:a usage error (one line, then this usage); nothing ran"
        },
        description = {
            "A task scheduler: a build pipeline whose steps start as soon as their prerequisites succeed.",
            "Each step runs on a virtual thread; independent steps overlap. Prints a timeline of starts "
                    + "and ends and each step's final state. --fail makes a step fail, --policy says what "
                    + "happens then, --broken shows a graph rejected before anything runs (so it takes none of "
                    + "--unit, --fail, --policy)."
        })
public final class SchedulerDemo implements Demo {

    /** A graph defect to show with {@code --broken}. */
    enum Broken { CYCLE, UNKNOWN, DUPLICATE }

    /** The pipeline: name, prerequisites, work units, what it produces. */
    private record Step(String name, List<String> needs, int units, String produces) {}

    /** The longest chain is 13 units: at most about 2 min. */
    static final class Unit extends Bounds.Durations {
        Unit() {
            super(Duration.ZERO, Duration.ofSeconds(10));
        }
    }

    private static final List<Step> PIPELINE = List.of(
            new Step("fetch-deps", List.of(), 3, "12 jars"),
            new Step("lint", List.of(), 2, "0 warnings"),
            new Step("compile", List.of("fetch-deps"), 4, "87 classes"),
            new Step("unit-tests", List.of("compile"), 4, "240 passed"),
            new Step("javadoc", List.of("compile"), 2, "87 pages"),
            new Step("package", List.of("unit-tests", "javadoc", "lint"), 1, "app.jar"),
            new Step("publish", List.of("package"), 1, "published"));

    @Spec
    CommandSpec spec;

    @Option(names = "--unit", defaultValue = "100ms", paramLabel = "DURATION",
            converter = Unit.class,
            description = "Time of one unit of work; steps take 1 to 4 units.")
    Duration unit;

    @Option(names = "--fail", paramLabel = "STEP", converter = StepConverter.class,
            description = "Make this step fail after its work, on purpose (exit code 0): one of"
                    + " ${COMPLETION-CANDIDATES}.",
            completionCandidates = StepNames.class)
    String fail;

    @Option(names = "--policy", defaultValue = "continue", paramLabel = "POLICY",
            converter = PolicyConverter.class,
            description = "On a failure: continue (skip its dependents, run the rest) or cancel (interrupt "
                    + "what runs, start nothing more).")
    FailurePolicy policy;

    @Option(names = "--broken", paramLabel = "DEFECT", converter = BrokenConverter.class,
            description = "Break the graph to see it rejected before anything runs, on purpose"
                    + " (exit code 0): cycle, unknown, duplicate.")
    Broken broken;

    /** Enum values in lower case, as typed on a command line. */
    private static <E extends Enum<E>> E parse(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.strip())) {
                return e;
            }
        }
        throw new CommandLine.TypeConversionException("expected one of "
                + java.util.Arrays.stream(type.getEnumConstants())
                        .map(e -> e.name().toLowerCase(Locale.ROOT)).toList()
                + " but was '" + value + "'");
    }

    static final class PolicyConverter implements CommandLine.ITypeConverter<FailurePolicy> {
        @Override
        public FailurePolicy convert(String value) {
            return parse(FailurePolicy.class, value);
        }
    }

    static final class BrokenConverter implements CommandLine.ITypeConverter<Broken> {
        @Override
        public Broken convert(String value) {
            return parse(Broken.class, value);
        }
    }

    /** A step of the pipeline, for --fail. */
    static final class StepConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (PIPELINE.stream().noneMatch(s -> s.name().equals(value))) {
                throw new CommandLine.TypeConversionException(
                        "unknown step '" + value + "' (steps: "
                                + String.join(", ", new StepNames()) + ")");
            }
            return value;
        }
    }

    /** The step names, for --help and for checking --fail. */
    static final class StepNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return PIPELINE.stream().map(Step::name).iterator();
        }
    }

    @Override
    public String pythonConcept() {
        return "a task scheduler (tasks in dependency order)";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--unit", "60ms", "--fail", "javadoc");
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Cli.rejectIgnored(spec, "--broken", "rejects the graph before anything runs",
                "--unit", "--fail", "--policy");
        out.println("Python: a hand-written scheduler of coroutines awaiting their prerequisites");
        out.println(
                "Java:   TaskGraph.builder().task(name, prerequisites, action)...build().run(policy)");
        out.println();
        printGraph(out);

        TaskGraph<String> graph;
        try {
            graph = buildGraph();
        } catch (InvalidGraphException e) {
            out.println();
            out.printf(
                    "rejected before anything ran:%n  %s%n  (%s, an IllegalArgumentException from build())%n",
                    e.getMessage(), "InvalidGraphException." + e.getClass().getSimpleName());
            out.println();
            out.printf("--broken %s rejected the graph on purpose, as asked: exit code 0.%n",
                    broken.name().toLowerCase(Locale.ROOT));
            out.flush();
            return Cli.OK;
        }

        out.println();
        out.printf("Running with --policy %s%s, one unit = %s:%n",
                policy.name().toLowerCase(Locale.ROOT),
                fail == null ? "" : " and --fail " + fail, Timing.format(unit));
        out.flush();
        ScheduleReport<String> report = graph.run(policy, Thread.ofVirtual().factory(), e -> {
            String what = e.kind() == ScheduleEvent.Kind.START ? "start " : "end   ";
            String line = String.format(Locale.ROOT, "  %6d ms  %s %-11s %s",
                    e.atNanos() / 1_000_000, what,
                    e.task(), e.state() == null ? "" : e.state());
            out.println(line.stripTrailing());
            out.flush();
        });
        out.println();
        printTimeline(out, report);
        long sequential = PIPELINE.stream().mapToLong(Step::units).sum();
        out.printf("wall time %s; the steps' work adds up to %s (run one after another)%n",
                Timing.format(report.wallNanos()), Timing.format(unit.multipliedBy(sequential)));
        List<String> unexpected = report.outcomes().values().stream()
                .filter(o -> o.state() == TaskState.FAILED && !o.name().equals(fail))
                .map(TaskOutcome::name).toList();
        if (!unexpected.isEmpty()) {
            out.flush();
            throw new IllegalStateException("steps failed that were not asked to: "
                    + String.join(", ", unexpected));
        }
        if (fail != null) {
            out.printf("%s failed on purpose (--fail %s), as asked: exit code 0.%n", fail, fail);
        }
        out.flush();
        return Cli.OK;
    }

    private void printGraph(PrintWriter out) {
        Table table = new Table("step", "needs", "units");
        for (Step s : pipeline()) {
            table.row(s.name(), s.needs().isEmpty() ? "-" : String.join(", ", s.needs()),
                    s.units());
        }
        table.print(out);
    }

    /** The pipeline, with the defect asked for by --broken. */
    private List<Step> pipeline() {
        if (broken == null) {
            return PIPELINE;
        }
        return PIPELINE.stream().flatMap(s -> switch (broken) {
            case CYCLE -> java.util.stream.Stream.of(s.name().equals("fetch-deps")
                    ? new Step(s.name(), List.of("package"), s.units(), s.produces()) : s);
            case UNKNOWN -> java.util.stream.Stream.of(s.name().equals("compile")
                    ? new Step(s.name(), List.of("fetch-deps", "codegen"), s.units(), s.produces())
                    : s);
            case DUPLICATE -> s.name().equals("lint")
                    ? java.util.stream.Stream.of(s, s) : java.util.stream.Stream.of(s);
        }).toList();
    }

    private TaskGraph<String> buildGraph() {
        TaskGraph.Builder<String> builder = TaskGraph.builder();
        for (Step s : pipeline()) {
            builder.task(s.name(), s.needs(), inputs -> work(s, inputs));
        }
        return builder.build();
    }

    private String work(Step step, Map<String, String> inputs) throws InterruptedException {
        Thread.currentThread().setName(step.name());   // so that a thread dump (pstree) shows the step
        Thread.sleep(unit.multipliedBy(step.units()));
        if (step.name().equals(fail)) {
            throw new IllegalStateException(step.name() + " failed (--fail " + step.name() + ")");
        }
        // A result built from the prerequisites' results, to show they arrive by name.
        return switch (step.name()) {
            case "package" ->
                "app.jar (" + inputs.get("unit-tests") + ", " + inputs.get("lint") + ")";
            case "publish" -> "published " + inputs.get("package").split(" ", -1)[0];
            default -> step.produces();
        };
    }

    private static void printTimeline(PrintWriter out, ScheduleReport<String> report) {
        final int width = 20;
        double scale = Math.max(1, report.wallNanos()) / (double) width;
        Table table = new Table("step", "state", "start", "end", "timeline", "result");
        for (TaskOutcome<String> o : report.outcomes().values()) {
            String bar;
            String start = "-";
            String end = "-";
            if (o.state().started()) {
                int from = (int) Math.min(width - 1, o.startNanos() / scale);
                int to = (int) Math.max(from + 1,
                        Math.min(width, Math.round(o.endNanos() / scale)));
                bar = "|" + " ".repeat(from) + "#".repeat(to - from) + " ".repeat(width - to) + "|";
                start = o.startNanos() / 1_000_000 + " ms";
                end = o.endNanos() / 1_000_000 + " ms";
            } else {
                bar = "|" + " ".repeat(width) + "|";
            }
            String result = switch (o.state()) {
                case SUCCEEDED -> o.value();
                case FAILED -> o.failure().getMessage();
                case INTERRUPTED -> "interrupted: the run was cancelled";
                case SKIPPED, CANCELLED -> o.reason();
            };
            table.row(o.name(), o.state(), start, end, bar, result);
        }
        table.print(out);
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new SchedulerDemo(), args));
    }
}
