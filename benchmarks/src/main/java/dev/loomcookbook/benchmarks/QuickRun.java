package dev.loomcookbook.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;

/**
 * Quick mode, bound to {@code ./mvnw verify}: every benchmark once, briefly, with small sizes, so
 * none rots. It prints one line per benchmark; the numbers mean nothing (no warm-up, a loaded CI
 * machine). Exits non-zero when a benchmark throws. Skip with {@code -Dbenchmarks.skip=true}.
 */
public final class QuickRun {

    private QuickRun() {}

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        System.out.println(
                "Benchmarks, quick mode: every benchmark once, briefly (numbers mean nothing)");
        Collection<RunResult> results = new Runner(JmhSettings.quick().build()).run();
        for (RunResult r : results) {
            var p = r.getParams();
            StringBuilder params = new StringBuilder();
            for (String key : p.getParamsKeys()) {
                params.append(' ').append(key).append('=').append(p.getParam(key));
            }
            System.out.printf(Locale.ROOT, "  ok  %-60s %12.3f %-6s%s%n",
                    p.getBenchmark().replace("dev.loomcookbook.benchmarks.", ""),
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit(), params);
        }
        quickHttpRace();
        quickEchoServers();
        System.out.printf(Locale.ROOT,
                "%d benchmarks, the HTTP race and the echo servers ran in %.0f s%n",
                results.size(), (System.nanoTime() - start) / 1e9);
    }

    /** The HTTP race against aiohttp is not a JMH benchmark: one batch of 20 requests per client. */
    private static void quickHttpRace() throws Exception {
        System.out.println(
                "HTTP race against aiohttp, quick mode (20 requests, one batch per client):");
        Path project = Path.of("").toAbsolutePath();
        JsonNode race = HttpRace.run(project, HttpRace.Size.QUICK,
                project.resolve("target/benchmarks/http-race-quick.json"));
        HttpRace.print(race);
        for (JsonNode c : race.get("clients")) {
            if (c.get("client").asText().startsWith("java-") && !c.has("median")) {
                throw new IllegalStateException(
                        "the HTTP race's " + c.get("title").asText() + " failed");
            }
        }
    }

    /** The echo servers are not JMH benchmarks (each server is a process of its own): one tiny round. */
    private static void quickEchoServers() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        Path out = project.resolve("target/benchmarks/echo-quick.json");
        for (JsonNode c : EchoServers.run(project, EchoServers.quick(), out).get("cases")) {
            String what = "EchoServers " + c.get("server").asText() + " connections="
                    + c.get("connections").asInt();
            if (!c.has("skipped")) {
                System.out.printf(Locale.ROOT, "  ok  %-60s %12.3f msgs/s%n", what,
                        c.get("msgs_per_s").asDouble());
                continue;
            }
            String why = c.get("skipped").asText();
            if (!why.equals("uvloop cannot be imported") && !why.equals("no python3")) {
                throw new IllegalStateException(what + " failed: " + why);
            }
            System.out.printf(Locale.ROOT, "  --  %-60s skipped: %s%n", what, why);
        }
    }
}
