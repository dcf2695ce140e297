package dev.loomcookbook.pooling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.pooling.PoolingDemo.Strategy;
import dev.loomcookbook.testing.CliRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pooling demo: every strategy computes the book's results, options choose what runs, bad input is exit 2. */
class PoolingDemoTest {

    private static final Pattern ITEM = Pattern.compile("(?m)^Item (\\d+), result (\\d+)$");

    /** Every strategy prints "Item k, result r" with r = iterations x k for every item, and the summary names them all. */
    @Test
    void resultsAreEqualAcrossAllStrategies() {
        CliRun run = CliRun.of(new PoolingDemo(), "--items", "4", "--iterations", "1000",
                "--workers", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher m = ITEM.matcher(run.out());
        int lines = 0;
        while (m.find()) {
            assertThat(Long.parseLong(m.group(2))).isEqualTo(1000L * Long.parseLong(m.group(1)));
            lines++;
        }
        assertThat(lines).as("4 items x 5 strategies").isEqualTo(20);
        for (String strategy : List.of("sequential", "threads", "forkjoin", "virtual",
                "processes")) {
            assertThat(run.out()).containsPattern("(?m)^  " + strategy + " ");
        }
        assertThat(run.out()).contains("All strategies computed the same results.")
                .contains(Runtime.getRuntime().availableProcessors() + " cores, load average");
        assertFitsIn100Columns(run.out());
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

    /** Bad input, including a value above an option's bound, exits 2 with one clear first line and no stack trace. */
    @ParameterizedTest
    @ValueSource(strings = {"--items=0", "--iterations=-5", "--workers=zero", "--strategy=gil",
        "--workers=65", "--items=10001", "--iterations=10000000001"})
    void badInputIsAUsageError(String arg) {
        CliRun run = CliRun.of(new PoolingDemo(), arg);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst().orElseThrow())
                .startsWith("error: Invalid value for option");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    /** An option above its bound names the bound and the value in its one error line. */
    @Test
    void outOfBoundsErrorNamesTheBound() {
        CliRun run = CliRun.of(new PoolingDemo(), "--workers", "9999999");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst().orElseThrow())
                .isEqualTo(
                        "error: Invalid value for option '--workers': must be from 1 to 64, but was 9999999");
    }

    /** --iterations takes values beyond int, up to 10,000,000,000, with underscores. */
    @Test
    void iterationsAcceptLongValues() {
        assertThat(new PoolingDemo.IterationsConverter().convert("10_000_000_000"))
                .isEqualTo(10_000_000_000L);
    }

    /** --help shows N as the parameter label and each option's bound. */
    @Test
    void helpShowsTheBounds() {
        CliRun run = CliRun.of(new PoolingDemo(), "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).contains("--workers=N", "--items=N",
                "--iterations=N", "--crash",
                "Range: 1 to 64.", "Range: 1 to 10,000.", "Range: 1 to 10,000,000,000.");
        assertFitsIn100Columns(run.out());
    }

    /** --crash: the task calling System.exit fails alone with WorkerDiedException, the next runs on a new worker. */
    @Test
    void crashFailsOnlyItsTaskAndTheWorkerIsReplaced() {
        CliRun run = CliRun.of(new PoolingDemo(), "--crash");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        Matcher first = Pattern.compile("(?m)^task 1: .* -> (\\d+)$").matcher(run.out());
        Matcher third =
                Pattern.compile("(?m)^task 3: .* -> (\\d+): a new worker").matcher(run.out());
        assertThat(first.find()).as(run.out()).isTrue();
        assertThat(third.find()).as(run.out()).isTrue();
        assertThat(third.group(1)).isNotEqualTo(first.group(1));
        assertThat(run.out()).contains("failed alone, with WorkerDiedException",
                "worker pid " + first.group(1) + " died while running the task: exited with code 7",
                "BrokenProcessPool");
        assertFitsIn100Columns(run.out());
    }

    /** --crash runs alone: any option of the timings with it is a usage error naming that option. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--crash --strategy threads      | --strategy",
        "--crash --items 3               | --items",
        "--crash --iterations 5          | --iterations",
        "--crash --workers 2 --items 3   | --items, --workers",
    })
    void crashWithATimingOptionIsAUsageError(String args, String named) {
        CliRun run = CliRun.of(new PoolingDemo(), args.strip().split(" +"));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst())
                .hasValue("error: --crash runs only the crash demo (one worker,"
                        + " two tasks), so it cannot be combined with " + named);
        assertThat(run.out()).isEmpty();
    }

    /** A strategy named twice is a usage error, not silently run once. */
    @Test
    void duplicateStrategyIsAUsageError() {
        CliRun run = CliRun.of(new PoolingDemo(), "--strategy", "threads,threads");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst())
                .hasValue("error: --strategy names 'threads' twice");
        assertThat(run.out()).isEmpty();
    }

    /** A speed-up above the core count is called noise, not presented as a result. */
    @Test
    void speedUpAboveTheCoresIsCalledNoise() {
        List<String> lines = PoolingDemo.conclusion(times(1000, 300, 900), 2, 0.1);
        assertThat(String.join("\n", lines)).contains("threads at 3.33x beats 2 cores", "noise")
                .doesNotContain("ran on all");
    }

    /** Load before the run is reported with its number, and never used to explain a speed-up away. */
    @Test
    void loadBeforeTheRunIsReportedNotBlamed() {
        List<String> lines = PoolingDemo.conclusion(times(1000, 800, 900), 2, 1.5);
        assertThat(String.join("\n", lines))
                .contains("busy before the first phase (load average 1.50 on 2 cores)")
                .contains("reached only 1.25x of a possible 2x.").doesNotContain("cannot reach");
    }

    /** A speed-up just above the core count (2.09x on 2) is noise, not "2.09x of a possible 2x". */
    @Test
    void speedUpJustAboveTheCoresIsNoise() {
        List<String> lines = PoolingDemo.conclusion(times(1045, 500, 900), 2, 0.1);
        assertThat(String.join("\n", lines)).contains("threads at 2.09x beats 2 cores", "noise")
                .doesNotContain("of a possible");
    }

    /**
     * No sentence contradicts the numbers, for a grid of fixed timings and loads: every speed-up a
     * sentence presents as reached is at most the core count, a sentence that says "all cores" quotes
     * at least 0.75 of them, and a loaded machine is never said to make a reached speed-up impossible.
     */
    @Test
    void noSentenceContradictsTheNumbers() {
        Pattern reached =
                Pattern.compile("reached (?:only )?(\\d+\\.\\d\\d)x of a possible (\\d+)x");
        for (int cores : new int[] {1, 2, 4}) {
            for (long threads = 200; threads <= 1400; threads += 40) {
                for (double load : new double[] {-1, 0, 0.9, 1.0, 3.5}) {
                    Map<Strategy, Long> times = times(1000, threads, threads + 20);
                    times.put(Strategy.virtual, ms(threads + 10));
                    String text = String.join("\n", PoolingDemo.conclusion(times, cores, load));
                    Matcher m = reached.matcher(text);
                    while (m.find()) {
                        double speedUp = Double.parseDouble(m.group(1));
                        assertThat(speedUp).as(text).isLessThanOrEqualTo(cores);
                        assertThat(Integer.parseInt(m.group(2))).as(text).isEqualTo(cores);
                        if (text.contains("ran on all")) {
                            assertThat(speedUp).as(text).isGreaterThanOrEqualTo(0.75 * cores);
                        }
                    }
                    assertThat(text).as(text).doesNotContain("cannot reach");
                    if (text.contains("noise")) {
                        assertThat(text).as(text).doesNotContain("ran on all", "ran in parallel",
                                "no faster than sequential");
                    }
                }
            }
        }
    }

    /** On an idle machine a near-ideal speed-up is reported as all cores used, with the number. */
    @Test
    void nearIdealSpeedUpIsReportedAsAllCoresUsed() {
        List<String> lines = PoolingDemo.conclusion(times(1000, 520, 510), 2, 0.2);
        assertThat(String.join("\n", lines))
                .contains("ran on all 2 cores", "1.96x of a possible 2x")
                .doesNotContain("noise", "loaded");
    }

    /** Pools no faster than sequential are not passed off as parallelism. */
    @Test
    void noSpeedUpIsSaidPlainly() {
        List<String> lines = PoolingDemo.conclusion(times(1000, 990, 1000), 2, 0.0);
        assertThat(String.join("\n", lines)).contains("no faster than sequential here (best 1.01x)")
                .doesNotContain("ran on all", "ran in parallel");
    }

    /** Without a sequential run there are no speed-ups to judge, and the conclusion says so. */
    @Test
    void withoutSequentialThereIsNoComparison() {
        Map<Strategy, Long> times = new LinkedHashMap<>();
        times.put(Strategy.threads, ms(500));
        assertThat(PoolingDemo.conclusion(times, 2, 0.0)).singleElement().asString()
                .startsWith("No sequential run");
    }

    /** Sequential, threads and forkjoin times in milliseconds (long enough not to be called short). */
    private static Map<Strategy, Long> times(long sequential, long threads, long forkjoin) {
        Map<Strategy, Long> times = new LinkedHashMap<>();
        times.put(Strategy.sequential, ms(sequential));
        times.put(Strategy.threads, ms(threads));
        times.put(Strategy.forkjoin, ms(forkjoin));
        return times;
    }

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    private static void assertFitsIn100Columns(String text) {
        assertThat(text.lines().filter(l -> l.length() > 100).toList()).as("lines over 100 columns")
                .isEmpty();
    }
}
