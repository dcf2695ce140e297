package dev.loomcookbook.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.loomcookbook.coroutines.LatencyServer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP race: 1,000 GETs at once against one server with a fixed 100 ms latency, by the http
 * demo's {@code Fetcher} on each of its clients (Jetty's and the JDK's, on virtual threads) and by
 * aiohttp's {@code ClientSession} on asyncio and on uvloop. The floor is the latency itself.
 *
 * <p>The server ({@link LatencyServer}) runs in a JVM of its own, the same one for every client,
 * started once for the whole race. Each client runs in a fresh process per round (its peak RSS is
 * its own), the clients alternating round after round so that a shared machine's drift spreads over
 * all of them. Server and client share the machine's cores: on 2 cores the CPU that each client
 * spends per request shows in its wall time.
 *
 * <p>aiohttp and uvloop are not in the standard library: the first {@code python3} on the PATH that
 * can import them runs the Python cases ({@code -Dbenchmarks.python=PATH} chooses one); where none
 * can, those cases are skipped with a note.
 */
final class HttpRace {

    /** How big a race: quick (in {@code verify}, proves it runs), smoke (the pipeline), full. */
    enum Size {
        QUICK(20, 1, 1, 1),
        SMOKE(50, 1, 2, 1),
        FULL(1_000, 5, 10, 3);

        final int requests;
        final int warm;
        final int timed;
        final int rounds;

        Size(int requests, int warm, int timed, int rounds) {
            this.requests = requests;
            this.warm = warm;
            this.timed = timed;
            this.rounds = rounds;
        }
    }

    /** One client of the race: its name, its title and its command after the server's URL. */
    record Client(String name, String title, List<String> command) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpRace() {}

    /**
     * The race alone, without the rest of the full run: {@code HttpRace [smoke]}, or {@code ./mvnw
     * -q test-compile exec:exec@benchmarks -Dbenchmarks.args=race}. Prints one line per client and
     * writes {@code target/benchmarks/http-race.json}.
     */
    public static void main(String[] args) throws Exception {
        Size size = args.length > 0 && args[0].equals("smoke") ? Size.SMOKE : Size.FULL;
        Path project = Path.of("").toAbsolutePath();
        print(run(project, size, project.resolve("target/benchmarks/http-race.json")));
    }

    /** One line per client. */
    static void print(JsonNode race) {
        race.get("notes").forEach(n -> System.out.println("  " + n.asText()));
        for (JsonNode c : race.get("clients")) {
            System.out.println(
                    c.has("median")
                            ? String.format(
                                    java.util.Locale.ROOT,
                                    "  %-40s median %.3f s (%.3f-%.3f), %,.0f requests/s, "
                                            + "peak RSS %,d kB",
                                    c.get("title").asText(),
                                    c.get("median").asDouble(),
                                    c.get("min").asDouble(),
                                    c.get("max").asDouble(),
                                    c.get("requests_per_s").asDouble(),
                                    c.path("peak_rss_kb").asLong(-1))
                            : "  "
                                    + c.get("title").asText()
                                    + ": skipped, "
                                    + c.path("skipped").asText());
        }
    }

    /** Runs the race and returns (and writes to {@code out}) its JSON. */
    static JsonNode run(Path projectDir, Size size, Path out)
            throws IOException, InterruptedException {
        int requests = size.requests;
        int latencyMs = 100;
        int rounds = size.rounds;
        String warm = "" + size.warm;
        String timed = "" + size.timed;
        ObjectNode result = JSON.createObjectNode();
        result.put("requests", requests);
        result.put("latency_ms", latencyMs);
        result.put("rounds", rounds);
        result.put("batches_per_round", Integer.parseInt(timed));
        ArrayNode notes = result.putArray("notes");
        String aiohttp = pythonWith("aiohttp");
        String uvloop = aiohttp == null ? null : pythonWith("aiohttp, uvloop");
        if (aiohttp == null) {
            notes.add("No python3 on the PATH can import aiohttp: the aiohttp cases are skipped.");
        } else {
            notes.add("aiohttp ran on the first python3 on the PATH that can import it.");
        }
        if (aiohttp != null && uvloop == null) {
            notes.add("No python3 on the PATH can import uvloop: the uvloop case is skipped.");
        }
        List<Client> clients = new ArrayList<>();
        for (String c : List.of("jetty", "jdk")) {
            clients.add(
                    new Client(
                            "java-" + c,
                            c.equals("jetty")
                                    ? "Jetty HttpClient (the demo's default)"
                                    : "java.net.http.HttpClient",
                            javaCommand(List.of(c))));
        }
        Path script = projectDir.resolve("benchmarks/python/http_client.py");
        if (aiohttp != null) {
            clients.add(
                    new Client(
                            "aiohttp-asyncio",
                            "aiohttp on asyncio",
                            List.of(aiohttp, script.toString(), "asyncio")));
        }
        if (uvloop != null) {
            clients.add(
                    new Client(
                            "aiohttp-uvloop",
                            "aiohttp on uvloop",
                            List.of(uvloop, script.toString(), "uvloop")));
        }
        Map<String, List<JsonNode>> runs = new LinkedHashMap<>();
        Process server = startServer(latencyMs);
        try {
            String url =
                    new BufferedReader(
                            new InputStreamReader(
                                    server.getInputStream(),
                                    StandardCharsets.UTF_8))
                            .readLine()
                            + "item";
            result.put(
                    "server",
                    "LatencyServer (the JDK's HttpServer, handlers on virtual threads), own JVM");
            for (int round = 1; round <= rounds; round++) {
                for (Client c : clients) {
                    System.out.printf("http race round %d/%d: %s%n", round, rounds, c.name());
                    List<String> command = new ArrayList<>(c.command());
                    int at = c.name().startsWith("java-") ? command.size() : command.size() - 1;
                    command.addAll(at, List.of(url, "" + requests, warm, timed));
                    runs.computeIfAbsent(c.name(), k -> new ArrayList<>())
                            .add(
                                    Comparison.runChild(
                                            command, projectDir.resolve("benchmarks/python")));
                }
            }
        } finally {
            server.getOutputStream().close(); // EOF on its stdin ends it
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        ArrayNode rows = result.putArray("clients");
        for (Client c : clients) {
            ObjectNode row = rows.addObject();
            row.put("client", c.name());
            row.put("title", c.title());
            Comparison.summarize(row, runs.get(c.name()));
            if (row.has("median")) {
                row.put("requests_per_s", requests / row.get("median").asDouble());
                row.put("floor_multiple", row.get("median").asDouble() * 1000 / latencyMs);
            }
        }
        Files.createDirectories(out.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
        return result;
    }

    private static Process startServer(int latencyMs) throws IOException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Comparison.javaExecutable(),
                                "--enable-preview",
                                "-cp",
                                System.getProperty("java.class.path"),
                                LatencyServer.class.getName(),
                                latencyMs + "ms"));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** {@code java --enable-preview -cp CP HttpRaceClient ARGS}; the URL and sizes follow. */
    private static List<String> javaCommand(List<String> args) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Comparison.javaExecutable(),
                                "--enable-preview",
                                "-cp",
                                System.getProperty("java.class.path"),
                                HttpRaceClient.class.getName()));
        command.addAll(args);
        return command;
    }

    /**
     * The first {@code python3} that can import {@code modules}: the one named by {@code
     * -Dbenchmarks.python}, else each {@code python3} on the PATH in turn; null if none.
     */
    static String pythonWith(String modules) throws InterruptedException {
        LinkedHashSet<String> candidates = new LinkedHashSet<>();
        String chosen = System.getProperty("benchmarks.python");
        if (chosen != null && !chosen.isBlank()) {
            candidates.add(chosen);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
            Path python = Path.of(dir.isEmpty() ? "." : dir, "python3");
            if (Files.isExecutable(python)) {
                candidates.add(python.toString());
            }
        }
        for (String python : candidates) {
            try {
                Process p =
                        new ProcessBuilder(python, "-c", "import " + modules)
                                .redirectErrorStream(true)
                                .start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // not runnable: try the next one
            }
        }
        return null;
    }
}
