package dev.loomcookbook.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.openjdk.jmh.runner.Runner;

/**
 * The full run, one command: {@code ./mvnw -q test-compile exec:exec@benchmarks}. Runs the JMH
 * suite (JSON, with {@code -prof gc}), then Java against CPython ({@link Comparison}) and the echo
 * servers ({@link EchoServers}), then renders
 * {@code docs/benchmarks.md} and its charts ({@link Report}). With {@value JmhSettings#FORKS} forks of each
 * benchmark, about an hour on 2 cores.
 *
 * <p>{@code -Dbenchmarks.args=smoke} runs the same pipeline with tiny settings in a few minutes, to
 * check that it works; its report says in its first line that its numbers mean nothing.
 * {@code -Dbenchmarks.args=report} only re-renders the report from the last results;
 * {@code -Dbenchmarks.args=race} runs only the HTTP race against aiohttp ({@link HttpRace});
 * {@code -Dbenchmarks.args="jmh CLASS OPTIONS..."} runs JMH's own command line.
 */
public final class FullRun {

    private FullRun() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "full";
        if (mode.equals("jmh")) {
            new Runner(JmhSettings.commandLine(java.util.Arrays.copyOfRange(args, 1, args.length)))
                    .run();
            return;
        }
        if (mode.equals("race")) {
            HttpRace.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (!mode.equals("full") && !mode.equals("smoke") && !mode.equals("report")) {
            System.err
                    .println("usage: FullRun [full|smoke|report|race [smoke]|jmh JMH-OPTIONS...]");
            System.exit(2);
        }
        boolean smoke = mode.equals("smoke");
        Path project = Path.of("").toAbsolutePath();
        Path results = project.resolve("target/benchmarks");
        Files.createDirectories(results);
        Path jmhJson = results.resolve("jmh.json");
        Path comparisonJson = results.resolve("comparison.json");
        Path runJson = results.resolve("run.json");
        Path echoJson = results.resolve("echo.json");
        ObjectMapper json = new ObjectMapper();

        if (!mode.equals("report")) {
            String loadBefore = loadAverage();
            Instant start = Instant.now();
            System.out.println("== JMH suite (" + mode + ") -> " + project.relativize(jmhJson));
            new Runner((smoke ? JmhSettings.smoke(jmhJson) : JmhSettings.full(jmhJson)).build())
                    .run();
            Instant jmhEnd = Instant.now();
            System.out.println("== Java against CPython -> " + project.relativize(comparisonJson));
            Comparison.run(project, smoke, smoke ? 1 : 3, comparisonJson);
            System.out.println("== Echo servers -> " + project.relativize(echoJson));
            EchoServers.run(project, smoke ? EchoServers.smoke() : EchoServers.full(), echoJson);
            System.out.println(
                    "== HTTP race (Java clients against aiohttp) -> comparison.json, http_race");
            ObjectNode comparison = (ObjectNode) json.readTree(comparisonJson.toFile());
            comparison.set("http_race",
                    HttpRace.run(project, smoke ? HttpRace.Size.SMOKE : HttpRace.Size.FULL,
                            results.resolve("http-race.json")));
            json.writerWithDefaultPrettyPrinter().writeValue(comparisonJson.toFile(), comparison);
            Instant end = Instant.now();

            ObjectNode run = json.createObjectNode();
            run.put("kind", mode);
            run.put("started", start.truncatedTo(ChronoUnit.SECONDS).toString());
            run.put("jmh_seconds", jmhEnd.getEpochSecond() - start.getEpochSecond());
            run.put("comparison_seconds", end.getEpochSecond() - jmhEnd.getEpochSecond());
            run.put("load_before", loadBefore);
            run.put("load_after", loadAverage());
            run.put("command", smoke
                    ? "./mvnw -q test-compile exec:exec@benchmarks -Dbenchmarks.args=smoke"
                    : "./mvnw -q test-compile exec:exec@benchmarks");
            run.set("machine", Machine.describe(json));
            json.writerWithDefaultPrettyPrinter().writeValue(runJson.toFile(), run);
        }
        Path docs = project.resolve("docs");
        JsonNode comparison = json.readTree(comparisonJson.toFile());
        if (Files.exists(echoJson)) {
            // The report reads the echo servers' results next to the other comparisons.
            ((ObjectNode) comparison).set("echo", json.readTree(echoJson.toFile()));
        }
        Report.render(json.readTree(runJson.toFile()), json.readTree(jmhJson.toFile()), comparison,
                docs);
        System.out.println("== report -> docs/benchmarks.md, docs/benchmarks/");
    }

    /** The first three fields of /proc/loadavg, or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ", -1);
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
