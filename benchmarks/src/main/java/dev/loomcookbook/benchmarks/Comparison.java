package dev.loomcookbook.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomcookbook.common.CpuWork;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java against CPython, side by side: runs each case of {@link SideBySide} and the Python program
 * doing the same work ({@code benchmarks/python/}) alternately, round after round, on the same
 * machine, each in a fresh process, and writes the medians and their ratios as JSON.
 *
 * <p>Alternating (Java, Python, Java, Python, ...) spreads any drift of a shared machine over both
 * sides. The ratio is CPython's time divided by Java's: how many times faster Java is. Where
 * {@code python3} is absent the CPython column is skipped with a note.
 */
final class Comparison {

    /** One case: the Java command's arguments and the Python program and arguments. */
    record Case(String name, String title, List<String> javaArgs, List<String> pythonArgs,
            List<String> jvmOptions, String cpythonFrom) {

        Case(String name, String title, List<String> javaArgs, List<String> pythonArgs) {
            this(name, title, javaArgs, pythonArgs, List.of(), null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Comparison() {}

    /** The cases; {@code smoke} shrinks every size so the whole pipeline runs in seconds. */
    static List<Case> cases(boolean smoke) {
        String iterations = smoke ? "200000" : Long.toString(CpuWork.BOOK_ITERATIONS);
        String inner = smoke ? "1" : "3";
        int cpuTasks = 10;
        List<Case> cases = new ArrayList<>();
        for (String mode : List.of("sequential", "threads5", "processes5", "processes-cores")) {
            String title = switch (mode) {
                case "sequential" -> "CPU, sequential (10 tasks)";
                case "threads5" -> "CPU, thread pool of 5 (Java: platform threads)";
                case "processes5" -> "CPU, process pool of 5";
                default -> "CPU, process pool of cores";
            };
            cases.add(new Case("cpu-" + mode, title,
                    List.of("cpu-" + mode, "" + cpuTasks, iterations, inner),
                    List.of("cpu_fanout.py", mode, "" + cpuTasks, iterations, inner)));
        }
        cases.add(new Case("overhead-thread-pool", "round trip, thread pool (cores)",
                List.of("overhead-thread-pool", smoke ? "1000" : "20000", inner),
                List.of("task_overhead.py", "thread-pool", smoke ? "1000" : "20000", inner)));
        cases.add(new Case("overhead-process-pool", "round trip, process pool (cores)",
                List.of("overhead-process-pool", smoke ? "200" : "10000", inner),
                List.of("task_overhead.py", "process-pool", smoke ? "200" : "10000", inner)));
        for (int chunksize : new int[] {1, 100, 1000}) {
            String n = smoke ? "2000" : "100000";
            cases.add(new Case("map-" + chunksize,
                    String.format("map of %s trivial items, chunksize %d, per item",
                            smoke ? "2,000" : "100,000", chunksize),
                    List.of("map", "" + chunksize, n, inner),
                    List.of("pool_map.py", "" + chunksize, n, inner)));
        }
        cases.add(new Case("overhead-task",
                "create_task + await (Java: start + join a virtual thread, in a virtual thread)",
                List.of("overhead-task", smoke ? "1000" : "100000", inner),
                List.of("task_overhead.py", "task", smoke ? "1000" : "100000", inner)));
        cases.add(new Case("overhead-group",
                "TaskGroup of 10 (Java: StructuredTaskScope of 10, in a virtual thread)",
                List.of("overhead-group", smoke ? "1000" : "20000", inner, "10"),
                List.of("task_overhead.py", "group", smoke ? "1000" : "20000", inner, "10")));
        for (int n : smoke ? new int[] {10_000} : new int[] {10_000, 100_000, 1_000_000}) {
            cases.add(new Case("sleepers-" + n,
                    String.format("%,d sleepers of 100 ms (asyncio tasks / virtual threads)", n),
                    List.of("sleepers", "" + n, "100"),
                    List.of("many_waiters.py", "" + n, "100")));
        }
        // The same Java workload with one JVM option: a young generation big enough that no
        // collection copies the sleeping threads' stacks during the batch (see ManyWaiters).
        int largest = smoke ? 10_000 : 1_000_000;
        cases.add(new Case("sleepers-" + largest + "-xmn2g",
                String.format("%,d sleepers of 100 ms, Java with -Xmn2g", largest),
                List.of("sleepers", "" + largest, "100"),
                List.of(), List.of("-Xmn2g"), "sleepers-" + largest));
        cases.add(new Case("callsoon", "call_soon dispatch, per callback",
                List.of("callsoon", smoke ? "10000" : "1000000", inner),
                List.of("call_soon.py", smoke ? "10000" : "1000000", inner)));
        return cases;
    }

    /** Runs every case {@code rounds} times, alternating the two sides, and writes {@code out}. */
    static JsonNode run(Path projectDir, boolean smoke, int rounds, Path out)
            throws IOException, InterruptedException {
        Path pythonDir = projectDir.resolve("benchmarks/python");
        String python = pythonVersion();
        ObjectNode result = JSON.createObjectNode();
        result.put("rounds", rounds);
        result.put("python", python == null ? "absent" : python);
        if (python == null) {
            result.put("note", "python3 was not found on the PATH: the CPython column is skipped.");
        }
        ArrayNode rows = result.putArray("cases");
        List<Case> cases = cases(smoke);
        Map<String, List<JsonNode>> javaRuns = new LinkedHashMap<>();
        Map<String, List<JsonNode>> pythonRuns = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Case c : cases) {
                System.out.printf("comparison round %d/%d: %s%n", round, rounds, c.name());
                List<String> javaCmd =
                        new ArrayList<>(List.of(javaExecutable(), "--enable-preview"));
                javaCmd.addAll(c.jvmOptions());
                javaCmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                        SideBySide.class.getName()));
                javaCmd.addAll(c.javaArgs());
                javaRuns.computeIfAbsent(c.name(), k -> new ArrayList<>())
                        .add(runChild(javaCmd, projectDir));
                if (python != null && c.cpythonFrom() == null) {
                    List<String> pyCmd = new ArrayList<>(List.of("python3"));
                    pyCmd.add(pythonDir.resolve(c.pythonArgs().getFirst()).toString());
                    pyCmd.addAll(c.pythonArgs().subList(1, c.pythonArgs().size()));
                    pythonRuns.computeIfAbsent(c.name(), k -> new ArrayList<>())
                            .add(runChild(pyCmd, pythonDir));
                }
            }
        }
        for (Case c : cases) {
            ObjectNode row = rows.addObject();
            row.put("case", c.name());
            row.put("title", c.title());
            summarize(row.putObject("java"), javaRuns.get(c.name()));
            if (python != null) {
                summarize(row.putObject("cpython"),
                        pythonRuns.get(c.cpythonFrom() == null ? c.name() : c.cpythonFrom()));
                JsonNode j = row.get("java");
                JsonNode p = row.get("cpython");
                if (j.has("median") && p.has("median")) {
                    row.put("ratio", p.get("median").asDouble() / j.get("median").asDouble());
                }
            }
        }
        Files.createDirectories(out.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
        return result;
    }

    /** Median of all values over all rounds, the unit and the largest peak RSS; or a skip note. */
    static void summarize(ObjectNode side, List<JsonNode> runs) {
        List<Double> values = new ArrayList<>();
        long rss = -1;
        String unit = null;
        String impl = null;
        String note = null;
        for (JsonNode run : runs) {
            if (run.has("skipped")) {
                note = run.get("skipped").asText();
                continue;
            }
            unit = run.get("unit").asText();
            impl = run.get("impl").asText();
            run.get("values").forEach(v -> values.add(v.asDouble()));
            if (run.hasNonNull("peak_rss_kb")) {
                rss = Math.max(rss, run.get("peak_rss_kb").asLong());
            }
        }
        if (values.isEmpty()) {
            side.put("skipped", note == null ? "no result" : note);
            return;
        }
        side.put("impl", impl);
        side.put("unit", unit);
        side.put("median", median(values));
        side.put("min", values.stream().mapToDouble(d -> d).min().orElseThrow());
        side.put("max", values.stream().mapToDouble(d -> d).max().orElseThrow());
        side.put("samples", values.size());
        if (rss >= 0) {
            side.put("peak_rss_kb", rss);
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(d -> d).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Runs a child, returns its JSON line, or {"skipped": why} for exit 3 or a failure. */
    static JsonNode runChild(List<String> command, Path dir)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("side-by-side", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(log.toFile()).start();
            // Reading to the end returns when the child exits (it holds its stdout until then).
            String out =
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            ObjectNode skipped = JSON.createObjectNode();
            if (p.exitValue() == 3) {
                return skipped.put("skipped", "not available in this build");
            }
            if (p.exitValue() != 0 || out.isEmpty()) {
                String err = Files.readString(log).strip();
                System.err.println("failed: "
                        + String.join(" ", command.subList(0, Math.min(command.size(), 3)))
                        + "...\n" + err);
                return skipped.put("skipped", "failed (exit " + p.exitValue() + ")");
            }
            return JSON.readTree(out.lines().toList().getLast());
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code python3 --version}'s answer, or null when there is no python3. */
    static String pythonVersion() {
        try {
            Process p =
                    new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            String v =
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? v : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

}
