package dev.loomcookbook.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.loomcookbook.common.ChildJvm;
import dev.loomcookbook.streams.EchoLoad;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Echo servers side by side: round trips per second, latency and the server's peak RSS with 100,
 * 1,000 and 10,000 concurrent connections, each client sending a 64-byte line and waiting for its
 * echo, again and again (asyncio's echo server against {@code StreamServer}).
 *
 * <p>Why not JMH: the thing measured is a server in another process under a closed-loop load of
 * thousands of connections; JMH's harness threads cannot be those clients. So each server kind runs
 * in its own fresh process, and one load generator ({@link EchoLoad}, a JVM of its own, the same
 * program for every server) drives it: only the server differs. The generator connects every client
 * and gets one echo on each, warms up, then counts the round trips that start and end inside a
 * fixed window; every loop is bounded in count and time. Peak RSS is the server process's VmHWM,
 * read just before it is stopped. Servers:
 *
 * <ul>
 *   <li>{@code java-virtual}: {@link EchoServerProcess}, a virtual thread per connection;
 *   <li>{@code java-platform}: the same with a platform thread per connection;
 *   <li>{@code cpython-asyncio}: {@code benchmarks/python/echo_server.py} on the PATH's python3;
 *   <li>{@code uvloop}: the same program on uvloop, with the first {@code python3} on the PATH that
 *       can import it (or {@code -Dbenchmarks.uvloop.python=PATH}); skipped with a note if none.
 * </ul>
 *
 * Rounds alternate the servers, so a shared machine's drift spreads over all of them.
 */
final class EchoServers {

    static final List<String> KINDS =
            List.of("java-virtual", "java-platform", "cpython-asyncio", "uvloop");
    static final int SIZE = 64;

    /** Why the goals missed, from the profiles taken while developing (see the report). */
    static final String WHY =
            "**Messages per second against uvloop with 100 connections.** The machine is the limit:"
                    + " during a JFR recording of the 100-connection run (jdk.CPULoad) the two cores"
                    + " were 98 to 100% busy, the server JVM taking about 40% of them (more kernel"
                    + " than user time: about 25% against 16 to 20%) and the load generator the"
                    + " rest, so every server's number is the share of CPU the generator leaves it."
                    + " On a virtual thread each round trip costs more system calls and hand-offs"
                    + " than on uvloop: the read that finds no data (EAGAIN), the one-shot"
                    + " `epoll_ctl` that re-arms the socket, the read sub-poller's `epoll_wait`,"
                    + " and an unpark and remount of the handler on a carrier (the native samples"
                    + " are `EPoll.wait`, `write0`, `read0`, `EPoll.ctl`; JDK 25's default poller"
                    + " mode on Linux is virtual-thread sub-pollers). uvloop keeps its sockets"
                    + " registered and handles every ready socket of one `epoll_wait` on its one"
                    + " thread. With 1,000 and 10,000 connections that one thread is saturated,"
                    + " while the Java handlers run on both carriers, and the Java server is ahead."
                    + " `-Djdk.pollerMode=1` (platform poller threads) was no better here: 31,661"
                    + " against 34,354 msgs/s with 1,000 connections, back to back. The 13% is also"
                    + " within this machine's spread: the virtual-thread server's two rounds with 100"
                    + " connections gave 38,401 and 23,944 msgs/s, uvloop's 36,019 and 35,964."
                    + "\n\n**Peak RSS at 10,000 connections.** Most of the gap is the JVM's own"
                    + " footprint: the same server holds 100 connections in about 110 MiB against"
                    + " uvloop's 22 MiB (code cache, metaspace, the JIT, G1's structures and the heap"
                    + " it keeps committed). Per connection the Java server adds about 8 KB against"
                    + " uvloop's 5 KB (from 100 to 10,000 connections; a connection holds a parked"
                    + " virtual thread's stack chunk, the socket objects, a 1 KiB read buffer and the"
                    + " scope's bookkeeping, not weighed one by one). The G1 log of a 10,000-connection"
                    + " run shows the live heap after young collections climbing from 48 to 77 MB"
                    + " during the window, young pauses of 50 to 110 ms, as the stack chunks of parked"
                    + " threads are copied and promoted; `-XX:+UseSerialGC -Xmx128m` still peaked at"
                    + " 170 MB. **java-platform** counts more round trips, but unevenly: a median of"
                    + " 25 µs next to a p99 of 0.2 to 2 s means a few connections' threads ping-pong"
                    + " with their clients while the others wait, and 10,000 platform threads need"
                    + " 960 MB.";

    /** The sizes and times of one run. */
    record Plan(List<Integer> connections, int rounds, Duration warmUp, Duration measure) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private EchoServers() {}

    static Plan full() {
        return new Plan(List.of(100, 1_000, 10_000), 2, Duration.ofSeconds(3),
                Duration.ofSeconds(6));
    }

    static Plan smoke() {
        return new Plan(List.of(100), 1, Duration.ofMillis(300), Duration.ofSeconds(1));
    }

    static Plan quick() {
        return new Plan(List.of(50), 1, Duration.ofMillis(200), Duration.ofMillis(500));
    }

    /**
     * Runs every server kind at every size, {@code plan.rounds()} times, and writes {@code out}.
     */
    static JsonNode run(Path projectDir, Plan plan, Path out)
            throws IOException, InterruptedException {
        Path pythonDir = projectDir.resolve("benchmarks/python");
        String python = Comparison.pythonVersion() == null ? null : "python3";
        Optional<String> uvloop = uvloopPython();
        ObjectNode result = JSON.createObjectNode();
        result.put("started", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        result.put("load_before", FullRun.loadAverage());
        result.put("rounds", plan.rounds());
        result.put("size", SIZE);
        result.put("warmup_s", plan.warmUp().toMillis() / 1e3);
        result.put("measure_s", plan.measure().toMillis() / 1e3);
        ArrayNode notes = result.putArray("notes");
        if (python == null) {
            notes.add("python3 was not found on the PATH: cpython-asyncio is skipped.");
        }
        uvloop.ifPresentOrElse(
                p -> notes.add("uvloop: " + version(p) + ", run by the first python3 on the PATH"
                        + " that can import it."),
                () -> notes.add(
                        "uvloop: no python3 on the PATH can import uvloop: the case is skipped."));
        Map<String, List<JsonNode>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= plan.rounds(); round++) {
            for (int n : plan.connections()) {
                for (String kind : KINDS) {
                    List<String> server = serverCommand(kind, pythonDir, python, uvloop);
                    if (server == null) {
                        continue;
                    }
                    System.out.printf("echo round %d/%d: %s, %,d connections%n", round,
                            plan.rounds(), kind, n);
                    runs.computeIfAbsent(kind + "/" + n, k -> new ArrayList<>())
                            .add(measure(server, projectDir, n, plan));
                }
            }
        }
        result.put("load_after", FullRun.loadAverage());
        ArrayNode rows = result.putArray("cases");
        for (int n : plan.connections()) {
            for (String kind : KINDS) {
                ObjectNode row = rows.addObject();
                row.put("server", kind);
                row.put("connections", n);
                List<JsonNode> samples = runs.getOrDefault(kind + "/" + n, List.of());
                summarize(row, samples, kind, python, uvloop);
            }
        }
        Files.createDirectories(out.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
        return result;
    }

    /** Medians over the rounds; the largest peak RSS; a skip note where nothing ran. */
    static void summarize(ObjectNode row, List<JsonNode> samples, String kind, String python,
            Optional<String> uvloop) {
        List<JsonNode> ok = samples.stream().filter(s -> !s.has("error")).toList();
        if (ok.isEmpty()) {
            row.put("skipped", samples.isEmpty()
                    ? (kind.equals("uvloop") && uvloop.isEmpty() ? "uvloop cannot be imported"
                            : python == null && kind.startsWith("cpython") ? "no python3"
                            : "not run")
                    : samples.getFirst().get("error").asText());
            return;
        }
        row.put("msgs_per_s", Comparison.median(values(ok, "msgs_per_s")));
        row.put("p50_us", Comparison.median(values(ok, "p50_us")));
        row.put("p99_us", Comparison.median(values(ok, "p99_us")));
        row.put("peak_rss_kb",
                ok.stream().mapToLong(s -> s.get("peak_rss_kb").asLong()).max().orElse(-1));
        row.put("failed_clients",
                ok.stream().mapToInt(s -> s.get("failed").asInt()).max().orElse(0));
        ArrayNode all = row.putArray("samples_msgs_per_s");
        values(ok, "msgs_per_s").forEach(all::add);
    }

    private static List<Double> values(List<JsonNode> samples, String field) {
        return samples.stream().map(s -> s.get(field).asDouble()).toList();
    }

    /** The server's command, or null when its interpreter is missing. */
    static List<String> serverCommand(String kind, Path pythonDir, String python,
            Optional<String> uvloop) {
        String script = pythonDir.resolve("echo_server.py").toString();
        return switch (kind) {
            case "java-virtual" ->
                ChildJvm.command(List.of(), EchoServerProcess.class, List.of("virtual"));
            case "java-platform" ->
                ChildJvm.command(List.of(), EchoServerProcess.class, List.of("platform"));
            case "cpython-asyncio" -> python == null ? null : List.of(python, script);
            default -> uvloop.map(p -> List.of(p, script, "--uvloop")).orElse(null);
        };
    }

    /**
     * One server process, one load-generator process; the load's JSON plus the server's peak RSS.
     */
    static JsonNode measure(List<String> serverCommand, Path dir, int connections, Plan plan)
            throws IOException, InterruptedException {
        ObjectNode sample = JSON.createObjectNode();
        try (ChildJvm.Running server =
                ChildJvm.start(new ProcessBuilder(serverCommand).directory(dir.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD), "echo-server")) {
            int port = readPort(server.process());
            EchoLoad.Settings settings = new EchoLoad.Settings(
                    new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port), connections,
                    Integer.MAX_VALUE, SIZE,
                    plan.warmUp(), plan.measure(), Duration.ofSeconds(30));
            Path log = Files.createTempFile("echo-load", ".log");
            try (ChildJvm.Running load =
                    ChildJvm.start(
                            new ProcessBuilder(EchoLoad.command(settings, List.of()))
                                    .redirectErrorStream(true).redirectOutput(log.toFile()),
                            "echo-load")) {
                long limit = plan.warmUp().plus(plan.measure()).plusMinutes(3).toMillis();
                if (!load.process().waitFor(limit, TimeUnit.MILLISECONDS)) {
                    return sample.put("error", "the load generator did not finish in time");
                }
                Optional<String> line = Files.readAllLines(log).stream()
                        .filter(l -> l.startsWith("result\t")).findFirst();
                if (line.isEmpty()) {
                    return sample.put("error",
                            "the load generator failed (exit " + load.process().exitValue() + ")");
                }
                sample.setAll(
                        (ObjectNode) JSON.readTree(line.get().substring("result\t".length())));
            } finally {
                Files.deleteIfExists(log);
            }
            sample.put("peak_rss_kb", peakRssKb(server.process().pid()));
            // CPU over the server's whole life (start, connections, warm-up, window), for the profile.
            server.process().info().totalCpuDuration()
                    .ifPresent(cpu -> sample.put("server_cpu_s", cpu.toMillis() / 1e3));
            if (!server.process().isAlive()) {
                sample.put("error", "the server died during the run");
            }
            return sample;
        }
    }

    /** The port the server prints; lines the JVM itself prints first (JFR, say) are skipped. */
    private static int readPort(Process server) throws IOException {
        BufferedReader lines = server.inputReader(StandardCharsets.UTF_8);
        String line;
        for (int skipped = 0; (line = lines.readLine()) != null && skipped < 100; skipped++) {
            if (line.startsWith("port ")) {
                return Integer.parseInt(line.substring("port ".length()).strip());
            }
        }
        throw new IOException("the server did not say its port");
    }

    /** VmHWM of process {@code pid} in kB, or -1 where /proc is missing. */
    static long peakRssKb(long pid) {
        try {
            for (String line : Files
                    .readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or already gone
        }
        return -1;
    }

    /**
     * The first {@code python3} on the PATH that can import uvloop, or the one named by {@code
     * -Dbenchmarks.uvloop.python}. Debian's python3-uvloop is installed for the system interpreter,
     * which a pyenv or venv python3 earlier on the PATH hides.
     */
    static Optional<String> uvloopPython() {
        String override = System.getProperty("benchmarks.uvloop.python");
        List<String> candidates = new ArrayList<>();
        if (override != null && !override.isBlank()) {
            candidates.add(override);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "python3");
            if (Files.isExecutable(candidate)) {
                candidates.add(candidate.toString());
            }
        }
        return candidates.stream().distinct().filter(EchoServers::importsUvloop).findFirst();
    }

    private static boolean importsUvloop(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import uvloop").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String version(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c",
                    "import platform, uvloop; print('CPython',"
                            + " platform.python_version(), 'uvloop'," + " uvloop.__version__)")
                    .redirectErrorStream(true).start();
            String v =
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 ? v : "unknown version";
        } catch (IOException | InterruptedException e) {
            return "unknown version";
        }
    }

    /**
     * One server at one size, for exploring: {@code one KIND CONNECTIONS MEASURE_MS
     * [JVM-OPTION...]} (the options go to a Java server).
     */
    private static void one(String[] args) throws Exception {
        Path project = Path.of("").toAbsolutePath();
        List<String> server = serverCommand(args[1], project.resolve("benchmarks/python"),
                "python3", uvloopPython());
        if (args[1].startsWith("java")) {
            List<String> options = List.of(args).subList(4, args.length);
            String threads = args[1].equals("java-platform") ? "platform" : "virtual";
            server = ChildJvm.command(options, EchoServerProcess.class, List.of(threads));
        }
        Duration measure = Duration.ofMillis(Long.parseLong(args[3]));
        Plan plan = new Plan(List.of(), 1, Duration.ofSeconds(2), measure);
        System.out.println(measure(server, project, Integer.parseInt(args[2]), plan));
    }

    /**
     * Runs the plan on its own: {@code EchoServers full|smoke|quick}, results in
     * target/benchmarks/echo.json.
     */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "full";
        if (mode.equals("one")) {
            one(args);
            return;
        }
        Plan plan = switch (mode) {
            case "smoke" -> smoke();
            case "quick" -> quick();
            default -> full();
        };
        Path project = Path.of("").toAbsolutePath();
        JsonNode result = run(project, plan, project.resolve("target/benchmarks/echo.json"));
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }
}
