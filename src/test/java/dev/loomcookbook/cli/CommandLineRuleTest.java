package dev.loomcookbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line's one rule, for every subcommand in {@link Demos#all()} (a new demo is covered
 * as soon as it is registered): a usage error is one line naming the option, then the usage, exit
 * 2, and nothing runs; the help is laid out the same way everywhere.
 */
class CommandLineRuleTest {

    /** Every demo's name, for the tests that run each one. */
    static Stream<String> demos() {
        return Demos.all().stream().map(Demos::nameOf);
    }

    /**
     * For each demo: an unknown option is one line naming it; each bounded value just outside the
     * range its help states (one below the least, one above the most) is one line naming the
     * option and that range; a single-valued option given twice is one line naming it. Each exits
     * 2 with the usage on the next line, before anything runs.
     */
    @ParameterizedTest
    @MethodSource("demos")
    void usageErrorsAreOneLineAndExit2(String demo) {
        List<String> unknown = new ArrayList<>(List.of("--no-such-option"));
        spec(demo).positionalParameters().stream()
                .filter(p -> p.group() == null && p.arity().min() > 0)
                .forEach(p -> unknown.add(valid(p)));
        assertUsageError(run(demo, unknown), "error: Unknown option: '--no-such-option'");

        for (ArgSpec arg : spec(demo).args()) {
            for (CommandLine.ITypeConverter<?> converter : arg.converters()) {
                if (converter instanceof Bounds.Bounded bounded) {
                    String name = arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
                    for (String value : outside(bounded.range())) {
                        List<String> args = arg instanceof OptionSpec
                                ? List.of(name + "=" + value) : positionals(demo, name, value);
                        CliRun run = run(demo, args);
                        assertUsageError(run, null);
                        assertThat(run.err().lines().findFirst().orElseThrow())
                                .as(demo + " " + args)
                                .contains(name).contains("from " + bounded.range());
                    }
                }
            }
        }

        spec(demo).options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp() && o.arity().max() == 1
                        && !o.isMultiValue())
                .filter(o -> o.group() == null)
                .findFirst().ifPresent(o -> {
                    List<String> args = new ArrayList<>(given(o));
                    args.addAll(given(o));
                    CliRun run = run(demo, args);
                    assertUsageError(run, null);
                    assertThat(run.err().lines().findFirst().orElseThrow())
                            .contains(o.longestName());
                });
    }

    /** Some demo has bounded options, so the loop above checks something. */
    @org.junit.jupiter.api.Test
    void boundedOptionsExist() {
        long bounded = Demos.all().stream()
                .flatMap(d -> new CommandLine(d).getCommandSpec().args().stream())
                .filter(a -> a.converters().length > 0
                        && a.converters()[0] instanceof Bounds.Bounded)
                .count();
        assertThat(bounded).isGreaterThan(10);
    }

    /** Two members of an exclusive group given together: one line naming both, exit 2. */
    @ParameterizedTest
    @MethodSource("exclusivePairs")
    void exclusiveOptionsTogetherAreOneLine(String demo, List<String> args) {
        CliRun run = run(demo, args);
        assertUsageError(run, null);
        assertThat(run.err().lines().findFirst().orElseThrow()).contains("mutually exclusive");
    }

    /** The first two members of every exclusive group of every demo, each with a valid value. */
    static Stream<Arguments> exclusivePairs() {
        List<Arguments> cases = new ArrayList<>();
        for (Demo d : Demos.all()) {
            for (ArgGroupSpec group : new CommandLine(d).getCommandSpec().argGroups()) {
                if (group.exclusive() && group.args().size() >= 2) {
                    List<String> args = new ArrayList<>();
                    group.args().stream().limit(2).forEach(a -> args.addAll(given(a)));
                    cases.add(Arguments.of(Demos.nameOf(d), args));
                }
            }
        }
        return cases.stream();
    }

    /** Options that another option makes meaningless, and values named twice: one line each, exit 2. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pooling --crash --items 3                | --crash runs only the crash demo",
        "pooling --strategy threads,threads       | --strategy names 'threads' twice",
        "scheduler --broken cycle --fail lint     | --broken rejects the graph before anything runs",
        "tasks --example gather --pause 5ms       | --pause applies only to the book's three tasks",
        "tasks --example gather,gather            | --example names 'gather' twice",
    })
    void ignoredAndDuplicateValuesAreOneLine(String args, String start) {
        String[] words = args.strip().split(" +");
        CliRun run = run(words[0], List.of(words).subList(1, words.length));
        assertUsageError(run, null);
        assertThat(run.err()).startsWith("error: " + start);
    }

    /**
     * Every demo's help fits in 100 columns, writes placeholders in capitals (never {@code <delay>}),
     * defaults one way ({@code Default: ...}), lists its exit codes, and ends its options with -h, -V.
     */
    @ParameterizedTest
    @MethodSource("demos")
    void helpFollowsOneStyle(String demo) {
        CliRun help = run(demo, List.of("--help"));
        assertThat(help.exitCode()).isZero();
        List<String> lines = help.out().lines().toList();
        assertThat(lines)
                .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Cli.WIDTH));
        assertThat(help.out()).doesNotContainPattern("<[a-z]")
                .doesNotContain("(default:", "default: ${")
                .contains("Exit codes:");
        List<String> options =
                lines.stream().filter(l -> l.matches("^ {2}(-\\w,| {3}) --?\\S.*")).toList();
        assertThat(options.subList(options.size() - 2, options.size()))
                .satisfiesExactly(h -> assertThat(h).contains("-h, --help"),
                        v -> assertThat(v).contains("-V, --version"));
    }

    /** {@code list} fits in 100 columns. */
    @org.junit.jupiter.api.Test
    void listFits() {
        CliRun list = CliRun.root("list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out().lines())
                .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Cli.WIDTH));
    }

    /** Exit 2, the error on the first line of stderr (matching {@code first} if given), the usage on the second. */
    private static void assertUsageError(CliRun run, String first) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(Cli.USAGE);
        List<String> err = run.err().lines().toList();
        assertThat(err.getFirst()).startsWith("error: ");
        if (first != null) {
            assertThat(err.getFirst()).isEqualTo(first);
        }
        assertThat(err.get(1)).startsWith("Usage: ");
        assertThat(run.err()).doesNotContain("\tat ", "Exception");
        assertThat(run.out()).as("nothing ran").isEmpty();
    }

    /** A fresh instance of the demo named {@code name}. */
    private static Demo demo(String name) {
        return Demos.all().stream().filter(d -> Demos.nameOf(d).equals(name)).findFirst()
                .orElseThrow();
    }

    private static CommandSpec spec(String demo) {
        return Cli.commandLine(demo(demo)).getCommandSpec();
    }

    /** Runs a fresh instance of {@code demo} with {@code args}, under the shared rules. */
    private static CliRun run(String demo, List<String> args) {
        return CliRun.of(demo(demo), args.toArray(String[]::new));
    }

    /** A valid value for each positional parameter of {@code demo}, with {@code value} for {@code label}. */
    private static List<String> positionals(String demo, String label, String value) {
        return spec(demo).positionalParameters().stream()
                .map(p -> p.paramLabel().equals(label) ? value : valid(p)).toList();
    }

    /** {@code arg} on a command line with a valid value: {@code --demo}, {@code --file x}, {@code 1}. */
    private static List<String> given(ArgSpec arg) {
        if (arg instanceof OptionSpec o) {
            return o.arity().max() == 0 ? List.of(o.longestName())
                    : List.of(o.longestName(), valid(o));
        }
        return List.of(valid(arg));
    }

    private static String valid(ArgSpec arg) {
        if (arg.defaultValue() != null) {
            return arg.defaultValue();
        }
        for (CommandLine.ITypeConverter<?> converter : arg.converters()) {
            if (converter instanceof Bounds.Bounded bounded) {
                return bounds(bounded.range())[0];
            }
        }
        Class<?> type = arg.type();
        return type == Duration.class ? "1s"
                : Number.class.isAssignableFrom(type) || type.isPrimitive() ? "1" : "x";
    }

    /** Values just outside a range as the help states it ({@code 1 to 64}, {@code 1 ms to 1 min}). */
    private static List<String> outside(String range) {
        String[] b = bounds(range);
        List<String> values = new ArrayList<>();
        if (b[0].endsWith("ns")) {
            long min = Long.parseLong(b[0].replace("ns", ""));
            long max = Long.parseLong(b[1].replace("ns", ""));
            if (min > 0) {
                values.add((min - 1) + "ns");
            }
            values.add((max + 1) + "ns");
        } else {
            values.add(String.valueOf(Long.parseLong(b[0]) - 1));
            values.add(String.valueOf(Long.parseLong(b[1]) + 1));
        }
        return values;
    }

    private static final Pattern RANGE = Pattern.compile("(.+) to (.+)");

    /** The two ends of a range: whole numbers, or durations in nanoseconds written {@code 123ns}. */
    private static String[] bounds(String range) {
        Matcher m = RANGE.matcher(range);
        assertThat(m.matches()).as(range).isTrue();
        String[] ends = {m.group(1), m.group(2)};
        boolean durations = Stream.of(ends).anyMatch(e -> e.matches(".*[a-z]$"));
        for (int i = 0; i < 2; i++) {
            ends[i] = durations
                    ? new DurationConverter().convert(ends[i].replace(" min", "m").replace(" ", ""))
                            .toNanos() + "ns"
                    : ends[i].replace(",", "");
        }
        return ends;
    }
}
