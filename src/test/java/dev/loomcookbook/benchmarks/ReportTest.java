package dev.loomcookbook.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The report derives speed-ups, target verdicts and ratios from the results, and says what is missing. */
class ReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** The speed-up is the sequential time divided by the pool's, shown next to the core count. */
    @Test
    void speedUpIsSequentialOverPool() throws Exception {
        String md = render("full", jmh(cpu("sequential", 200), cpu("platformPoolCores", 100)),
                comparison());
        assertThat(md).contains("| platformPoolCores | 100 ms/op | 2.00 | 2 |");
        assertThat(md).contains("| sequential | 200 ms/op | 1.00 | 2 |");
    }

    /** The committed results name no machine's JDK folder: JMH's launcher path is replaced. */
    @Test
    void resultsKeepNoLauncherPath() {
        ArrayNode jmh = JSON.createArrayNode();
        jmh.addObject().put("jvm", "/opt/jdks/jdk-25/bin/java").put("jdkVersion", "25.0.3");
        JsonNode written = Report.withoutLauncherPaths(jmh);
        assertThat(written.get(0).get("jvm").asText()).isEqualTo("java.home/bin/java");
        assertThat(written.get(0).get("jdkVersion").asText()).isEqualTo("25.0.3");
        assertThat(jmh.get(0).get("jvm").asText()).as("the input is left as it was")
                .startsWith("/opt/");
    }

    /** A met target says "met" and adds no explanation. */
    @Test
    void metTargetNeedsNoExplanation() throws Exception {
        String md = render("full", jmh(cpu("sequential", 200), cpu("platformPoolCores", 100)),
                comparison());
        assertThat(md)
                .contains("| CPU speed-up, platformPoolCores ≥ 1.9 (limit 2.0) | 2.00 | met |");
        assertThat(md).doesNotContain("Why the missed targets miss");
    }

    /** A missed target says by how much and why. */
    @Test
    void missedTargetSaysByHowMuchAndWhy() throws Exception {
        String md = render("full", jmh(cpu("sequential", 200), cpu("platformPoolCores", 125)),
                comparison());
        assertThat(md).contains(
                "| CPU speed-up, platformPoolCores ≥ 1.9 (limit 2.0) | 1.60 | **missed** by 0.300 (16%) |");
        assertThat(md).contains("### Why the missed targets miss")
                .contains("**CPU speed-up of the thread pools.**");
    }

    /** The process-pool round trip is a "below" target: 45 µs misses 30 µs by 15 µs. */
    @Test
    void roundTripTargetIsAnUpperBound() throws Exception {
        String md = render("full", jmh(result("TaskOverhead", "processPoolRoundTrip", 45, "us/op")),
                comparison());
        assertThat(md).contains(
                "| process-pool trivial round trip < 30 µs | 45.0 µs | **missed** by 15.0 µs (50%) |");
        assertThat(md).contains("**Process-pool round trip.**");
    }

    /** The CPython ratio is CPython's median over Java's, and the 1M memory target compares peak RSS. */
    @Test
    void sleepersRatioAndMemory() throws Exception {
        ObjectNode c = comparison();
        ObjectNode row = ((ArrayNode) c.get("cases")).addObject();
        row.put("case", "sleepers-1000000").put("title", "1M sleepers").put("ratio", 6.0);
        row.putObject("java").put("unit", "s").put("median", 2.0).put("peak_rss_kb", 1024 * 1024);
        row.putObject("cpython").put("unit", "s").put("median", 12.0).put("peak_rss_kb",
                2 * 1024 * 1024);
        String md = render("full", jmh(), c);
        assertThat(md).contains("| 1M sleepers ≥ 5× faster than CPython asyncio | 6.00× | met |");
        assertThat(md).contains(
                "| 1M sleepers in less memory than CPython asyncio | Java 1.00 GiB, CPython 2.00 GiB peak RSS | met |");
        assertThat(md).contains("| 1M sleepers | 2.00 s | 12.0 s | 6.00× | 1.00 GiB | 2.00 GiB |");
    }

    /** A benchmark class absent from the results is reported as not run, with the reason. */
    @Test
    void absentBenchmarkIsNotRun() throws Exception {
        String md = render("full", jmh(cpu("sequential", 200)), comparison());
        assertThat(md).contains(
                "Not run: LatencyServer was not available to this build.");
        assertThat(md).contains(
                "| CPU speed-up, warm processPool5 ≥ 1.85 | not measured in this run | — |");
    }

    /** A smoke run's report says first that its numbers mean nothing; a full run's does not. */
    @Test
    void smokeRunIsLabelled() throws Exception {
        assertThat(render("smoke", jmh(), comparison()).lines().skip(2).findFirst().orElseThrow())
                .contains("SMOKE RUN: these numbers mean nothing.");
        assertThat(render("full", jmh(), comparison())).doesNotContain("SMOKE RUN");
    }

    /** The comparison keeps the median of every round's values, the largest peak RSS, and skips cleanly. */
    @Test
    void comparisonSummarizesRounds() throws Exception {
        ObjectNode side = JSON.createObjectNode();
        Comparison.summarize(side, List.of(
                JSON.readTree(
                        "{\"impl\":\"java\",\"unit\":\"s\",\"values\":[3.0, 1.0],\"peak_rss_kb\":100}"),
                JSON.readTree(
                        "{\"impl\":\"java\",\"unit\":\"s\",\"values\":[2.0, 10.0],\"peak_rss_kb\":300}")));
        assertThat(side.get("median").asDouble()).isEqualTo(2.5);
        assertThat(side.get("peak_rss_kb").asLong()).isEqualTo(300);
        ObjectNode skipped = JSON.createObjectNode();
        Comparison.summarize(skipped, List.of(JSON.readTree("{\"skipped\":\"failed (exit 1)\"}")));
        assertThat(skipped.get("skipped").asText()).isEqualTo("failed (exit 1)");
    }

    /** The echo goals are ratios of the virtual-thread server to asyncio and uvloop; a miss says by how much and why. */
    @Test
    void echoGoalsAreRatiosAndAMissExplainsItself() throws Exception {
        ObjectNode c = comparison();
        ObjectNode echo = c.putObject("echo");
        echo.put("rounds", 1).put("size", 64).put("warmup_s", 1).put("measure_s", 2);
        echo.putArray("notes").add("uvloop: python3 imports uvloop.");
        ArrayNode cases = echo.putArray("cases");
        echoCase(cases, "java-virtual", 25_000, 50_000);
        echoCase(cases, "java-platform", 20_000, 60_000);
        echoCase(cases, "cpython-asyncio", 10_000, 20_000);
        echoCase(cases, "uvloop", 31_250, 40_000);
        String md = render("full", jmh(), c);
        assertThat(md)
                .contains("| 10,000 connections: java-virtual ≥ 2.00× cpython-asyncio | 2.50× "
                        + "(25,000 against 10,000 msgs/s) | met |");
        assertThat(md).contains("| 10,000 connections: java-virtual ≥ 1.00× uvloop | 0.800× "
                + "(25,000 against 31,250 msgs/s) | **missed** by 20% |");
        assertThat(md)
                .contains("| peak RSS at 10,000 connections ≤ uvloop's | 48.8 MiB against 39.1 MiB "
                        + "| **missed** by 9.77 MiB (1.3×) |");
        assertThat(md).contains("### Why the missed echo goals miss")
                .contains("| 10,000 | uvloop | 31,250 |");
    }

    // --- fixtures ---

    private static void echoCase(ArrayNode cases, String server, double rate, long rssKb) {
        cases.addObject().put("server", server).put("connections", 10_000).put("msgs_per_s", rate)
                .put("p50_us", 100).put("p99_us", 900).put("peak_rss_kb", rssKb)
                .put("failed_clients", 0);
    }

    private static String render(String kind, JsonNode jmh, JsonNode comparison) throws Exception {
        ObjectNode run = JSON.createObjectNode();
        run.put("kind", kind).put("command", "cmd").put("started", "now").put("jmh_seconds", 1)
                .put("comparison_seconds", 1);
        run.putObject("machine").put("cores", 2).put("cpu", "CPU").put("memory", "1 kB")
                .put("jdk", "JDK 25")
                .put("os", "OS").put("python", "Python 3.11");
        return Report.markdown(run, jmh, comparison);
    }

    private static ObjectNode comparison() {
        ObjectNode c = JSON.createObjectNode();
        c.put("rounds", 1).put("python", "Python 3.11");
        c.putArray("cases");
        return c;
    }

    private static ArrayNode jmh(ObjectNode... results) {
        ArrayNode a = JSON.createArrayNode();
        for (ObjectNode r : results) {
            a.add(r);
        }
        return a;
    }

    private static ObjectNode cpu(String method, double ms) {
        ObjectNode r = result("CpuFanOut", method, ms, "ms/op");
        r.putObject("params").put("iterations", "10000000").put("tasks", "10");
        return r;
    }

    private static ObjectNode result(String cls, String method, double score, String unit) {
        ObjectNode r = JSON.createObjectNode();
        r.put("benchmark", "dev.loomcookbook.benchmarks." + cls + "." + method);
        r.putObject("primaryMetric").put("score", score).put("scoreError", "NaN").put("scoreUnit",
                unit);
        return r;
    }
}
