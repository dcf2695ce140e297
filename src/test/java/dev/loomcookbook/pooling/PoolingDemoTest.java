package dev.loomcookbook.pooling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pooling demo: every strategy computes the book's results, options choose what runs, bad input is exit 2. */
class PoolingDemoTest {

    private static final Pattern ITEM = Pattern.compile("(?m)^Item (\\d+), result (\\d+)$");

    /** Every strategy prints "Item k, result r" with r = iterations x k for every item, and the summary names them all. */
    @Test
    void resultsAreEqualAcrossAllStrategies() {
        CliRun run = CliRun.of(new PoolingDemo(), "--items", "4", "--iterations", "1000", "--workers", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher m = ITEM.matcher(run.out());
        int lines = 0;
        while (m.find()) {
            assertThat(Long.parseLong(m.group(2))).isEqualTo(1000L * Long.parseLong(m.group(1)));
            lines++;
        }
        assertThat(lines).as("4 items x 5 strategies").isEqualTo(20);
        for (String strategy : List.of("sequential", "threads", "forkjoin", "virtual", "processes")) {
            assertThat(run.out()).containsPattern("(?m)^  " + strategy + " ");
        }
        assertThat(run.out()).contains("All strategies computed the same results.")
                .contains(Runtime.getRuntime().availableProcessors() + " cores");
    }

    /** --strategy (comma-separated or repeated) runs only the chosen strategies. */
    @Test
    void strategyOptionChoosesWhatRuns() {
        CliRun run = CliRun.of(new PoolingDemo(), "--items", "3", "--iterations", "10",
                "--strategy", "sequential,virtual", "--strategy", "threads");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("== sequential", "== threads", "== virtual")
                .doesNotContain("== forkjoin", "== processes");
        assertThat(ITEM.matcher(run.out()).results().count()).isEqualTo(9);
    }

    /** Bad input exits 2 with one clear first line and no stack trace. */
    @ParameterizedTest
    @ValueSource(strings = {"--items=0", "--iterations=-5", "--workers=zero", "--strategy=gil"})
    void badInputIsAUsageError(String arg) {
        CliRun run = CliRun.of(new PoolingDemo(), arg);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst().orElseThrow()).startsWith("error: Invalid value for option");
        assertThat(run.err()).doesNotContain("\tat ");
    }
}
