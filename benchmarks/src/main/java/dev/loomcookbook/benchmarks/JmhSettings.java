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

    private JmhSettings() {}

    /**
     * Every benchmark once, briefly, with small sizes: proves each still runs (the build fails if
     * one throws). The sizes are set per parameter name; each name belongs to one benchmark class.
     */
    static ChainedOptionsBuilder quick() {
        return new OptionsBuilder()
                .include(ALL)
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .warmupTime(TimeValue.milliseconds(100))
                .measurementTime(TimeValue.milliseconds(200))
                .param("iterations", "200000")
                .param("waiters", "1000")
                .param("sleepMs", "20")
                .param("siblings", "100")
                .param("requests", "20")
                .param("callbacks", "10000")
                .param("members", "1")
                .param("stepsPerItem", "200000")
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
    }

    /** The full suite with each class's own annotations, allocation per operation, JSON out. */
    static ChainedOptionsBuilder full(Path json) {
        return new OptionsBuilder()
                .include(ALL)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
    }

    /** The full pipeline's JMH part with quick settings: checks the pipeline, not the numbers. */
    static ChainedOptionsBuilder smoke(Path json) {
        return quick()
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
    }
}
