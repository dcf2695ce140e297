package dev.loomcookbook.benchmarks;

import java.nio.file.Path;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** The JMH options of the three runs: quick (in `verify`), smoke and full. */
final class JmhSettings {

    static final String ALL = "dev\\.loomcookbook\\.benchmarks\\..*";

    /** The JVM flags every benchmark fork needs: the preview API, and no warning about JMH's Unsafe. */
    static final String PREVIEW = "--enable-preview";
    static final String UNSAFE_ACCESS = "--sun-misc-unsafe-memory-access=allow";
    /** The flags, in one place: every run here prepends them to each fork's command line. */
    static final String[] JVM_ARGS = {PREVIEW, UNSAFE_ACCESS};
    /** Forks of the published run: enough to see run-to-run variance (each fork its own JIT and GC). */
    static final int FORKS = 3;

    private JmhSettings() {}

    /**
     * Every benchmark once, briefly, with small sizes: proves each still runs (the build fails if
     * one throws). The sizes are set per parameter name; each name belongs to one benchmark class.
     */
    static ChainedOptionsBuilder quick() {
        return new OptionsBuilder()
                .include(ALL)
                .jvmArgsPrepend(JVM_ARGS)
                .forks(0) // one JVM for all: a quick run checks that each one runs, not its speed
                .warmupIterations(0)
                .measurementIterations(1)
                .warmupTime(TimeValue.milliseconds(100))
                .measurementTime(TimeValue.milliseconds(50))
                .param("iterations", "200000")
                .param("waiters", "1000")
                .param("sleepMs", "20")
                .param("siblings", "100")
                .param("requests", "20")
                .param("callbacks", "10000")
                .param("members", "1")
                .param("stepsPerItem", "200000")
                .param("mapItems", "2000")
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
    }

    /**
     * The full suite with each class's own warm-up and measurement, {@value #FORKS} forks of
     * each benchmark, allocation per operation, JSON out.
     */
    static ChainedOptionsBuilder full(Path json) {
        return new OptionsBuilder()
                .include(ALL)
                .jvmArgsPrepend(JVM_ARGS)
                .forks(FORKS)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
    }

    /** JMH's own command line ({@code FullRun jmh ...}), with the flags above prepended to each fork's. */
    static org.openjdk.jmh.runner.options.Options commandLine(String... args)
            throws org.openjdk.jmh.runner.options.CommandLineOptionException {
        return new OptionsBuilder()
                .parent(new org.openjdk.jmh.runner.options.CommandLineOptions(args))
                .jvmArgsPrepend(JVM_ARGS).build();
    }

    /** The full pipeline's JMH part with quick settings: checks the pipeline, not the numbers. */
    static ChainedOptionsBuilder smoke(Path json) {
        return quick()
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
    }
}
