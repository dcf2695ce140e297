package dev.loomcookbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line's shared rules: bad input is one line plus usage and exit 2, never a stack trace. */
class CliTest {

    /** A stand-in demo with a count and a duration, as real demos have. */
    @Command(name = "sample", mixinStandardHelpOptions = true, description = "A sample demo.")
    static final class SampleDemo implements Demo {
        @Option(names = "--count", converter = PositiveInt.class, defaultValue = "3")
        int count;

        @Option(names = "--pause", defaultValue = "1s")
        Duration pause;

        @Override
        public String pythonConcept() {
            return "sample";
        }

        @Override
        public List<String> tourArgs() {
            return List.of("--count", "1");
        }

        @Override
        public Integer call() {
            if (count == 42) {
                throw new IllegalStateException("the answer");
            }
            return 0;
        }
    }

    /** An unknown subcommand exits 2 with one error line naming it, then the usage. */
    @Test
    void unknownSubcommandIsAUsageError() {
        CliRun run = CliRun.root("no-such-demo");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(
                "error: unknown command 'no-such-demo' (run 'list' to see every demo)");
        assertThat(run.err()).contains("Usage: loomcookbook").doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    /** No subcommand at all is a usage error too. */
    @Test
    void missingSubcommandIsAUsageError() {
        CliRun run = CliRun.root();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: missing command");
    }

    /** An unknown option exits 2 with one error line. */
    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = CliRun.of(new SampleDemo(), "--bogus");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue("error: Unknown option: '--bogus'");
    }

    /** A negative, zero or non-numeric count exits 2 with one line that says what is wrong. */
    @ParameterizedTest
    @ValueSource(strings = {"-3", "0", "abc", "1.5", "99999999999"})
    void badCountIsAUsageError(String value) {
        CliRun run = CliRun.of(new SampleDemo(), "--count", value);
        assertThat(run.exitCode()).isEqualTo(2);
        String first = run.err().lines().findFirst().orElseThrow();
        assertThat(first).startsWith("error: Invalid value for option '--count'").contains(value);
        assertThat(run.err()).doesNotContain("\tat ");
    }

    /** Durations take a unit (ms, s, m, ...); zero needs none. */
    @Test
    void durationsParse() {
        DurationConverter c = new DurationConverter();
        assertThat(c.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(c.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.convert("0")).isEqualTo(Duration.ZERO);
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("PT0.1S")).isEqualTo(Duration.ofMillis(100));
    }

    /** A demo registered under the root command gets the shared converters and handlers too. */
    @Test
    void subcommandsShareTheRules() {
        var root = dev.loomcookbook.Main.commandLine(List.of(new SampleDemo()));
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        root.setOut(new java.io.PrintWriter(out, true));
        root.setErr(new java.io.PrintWriter(err, true));
        assertThat(root.execute("sample", "--pause", "250ms", "--count", "2")).isZero();
        assertThat(root.execute("sample", "--count", "0")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: Invalid value for option '--count'");
    }

    /** A malformed or negative duration is a usage error. */
    @ParameterizedTest
    @ValueSource(strings = {"-1s", "soon", "5 parsecs", "100"})
    void badDurationIsAUsageError(String value) {
        CliRun run = CliRun.of(new SampleDemo(), "--pause", value);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: Invalid value for option '--pause'");
    }

    /** The error says what is wrong: a negative duration, a count too large for an int. */
    @Test
    void errorsNameTheProblem() {
        assertThat(CliRun.of(new SampleDemo(), "--pause", "-1s").err())
                .contains("must not be negative");
        assertThat(CliRun.of(new SampleDemo(), "--count", "99999999999").err())
                .contains("too large");
    }

    /** A usage error is exactly one line before the usage: no "Did you mean" second line. */
    @Test
    void usageErrorIsOneLine() {
        CliRun run = CliRun.root("schedulr");
        assertThat(run.err().lines().skip(1).findFirst()).hasValueSatisfying(
                second -> assertThat(second).startsWith("Usage:"));
    }

    /** A failure inside a demo is one error line and exit 1, not a stack trace. */
    @Test
    void failureIsOneLine() {
        CliRun run = CliRun.of(new SampleDemo(), "--count", "42");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("error: the answer (").doesNotContain("\n")
                .doesNotContain("Exception");
    }

    /** --help on the root command prints the usage with its subcommands to stdout and exits 0. */
    @Test
    void rootHelp() {
        CliRun help = CliRun.root("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: loomcookbook").contains("list").contains("tour");
    }

    /** --version on the root command names the project and JDK 25 on stdout and exits 0. */
    @Test
    void rootVersion() {
        CliRun version = CliRun.root("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).contains("loomcookbook").contains("JDK 25");
    }

    /** list prints every registered demo with its Python concept. */
    @Test
    void listNamesEveryDemo() {
        CliRun run = CliRun.root("list");
        assertThat(run.exitCode()).isZero();
        for (Demo demo : Demos.all()) {
            assertThat(run.out()).contains(Demos.nameOf(demo)).contains(demo.pythonConcept());
        }
    }

    /** Every registered demo has a name, a summary, a Python concept, and answers --help. */
    @Test
    void everyDemoIsComplete() {
        for (Demo demo : Demos.all()) {
            assertThat(Demos.nameOf(demo)).isNotBlank();
            assertThat(Demos.summaryOf(demo)).isNotBlank();
            assertThat(demo.pythonConcept()).isNotBlank();
            CliRun help = CliRun.root(Demos.nameOf(demo), "--help");
            assertThat(help.exitCode()).as(Demos.nameOf(demo) + " --help").isZero();
        }
    }
}
