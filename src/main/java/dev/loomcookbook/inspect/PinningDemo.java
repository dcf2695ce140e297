package dev.loomcookbook.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.DurationConverter;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import dev.loomcookbook.inspect.PinningPatterns.Pin;
import dev.loomcookbook.inspect.PinningPatterns.Report;
import dev.loomcookbook.inspect.PinningPatterns.Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pinning}: which blocking patterns still pin a virtual thread to its carrier on JDK 25,
 * recorded with JFR and shown by their effect on a scheduler with one carrier.
 */
@Command(name = "pinning", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Which blocking calls still pin a virtual thread on JDK 25, recorded with JFR (like time.sleep in async def).",
            "Runs four patterns in a child JVM whose scheduler has one carrier: in each, task A blocks inside the"
                    + " pattern and task B asks for the carrier. JFR's jdk.VirtualThreadPinned says whether A pinned;"
                    + " the order of A's and B's events shows the effect."
        })
public final class PinningDemo implements Demo {

    /** The scheduler settings of the child JVM: one carrier, and no extra one when it is pinned. */
    static final List<String> ONE_CARRIER = List.of(
            "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1");

    @Spec
    CommandSpec spec;

    // The converter named here too: the root command registers it before the demos are added.
    @Option(names = "--hold", defaultValue = "1s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long task A blocks inside each pattern (default: ${DEFAULT-VALUE}).")
    Duration hold;

    /** The last report, for tests. */
    Report report;

    @Override
    public String pythonConcept() {
        return "time.sleep() inside async def";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--hold", "400ms");
    }

    @Override
    public Integer call() throws Exception {
        if (hold.isZero() || hold.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--hold must be more than 0 and at most 1m, but was " + Timing.format(hold));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Pinning on JDK %s: a child JVM with ONE carrier thread runs four blocking patterns%n", Runtime.version());
        out.printf("  child: java %s ... %s %dms%n", String.join(" ", ONE_CARRIER),
                PinningPatterns.class.getSimpleName(), hold.toMillis());
        out.println("  in each, task A blocks for " + Timing.format(hold) + " inside the pattern; then task B asks for"
                + " the carrier and interrupts A.");
        out.println("  B can run before A wakes only if A gave the carrier back; JFR records jdk.VirtualThreadPinned"
                + " (threshold 0 ms).");
        out.flush();
        long start = System.nanoTime();
        report = runChild(hold);
        out.printf("%n  child JVM finished in %s (JDK %s, parallelism=%s, maxPoolSize=%s)%n%n",
                Timing.format(Timing.since(start)), report.runtimeVersion(), report.parallelism(), report.maxPoolSize());

        Table table = new Table("pattern", "pinned", "pinnedReason", "blocking op", "pinned for", "A blocked",
                "A and B on one carrier");
        for (Result r : report.results()) {
            Pin pin = r.pinned() ? r.pins().getFirst() : null;
            long pinnedNanos = r.pins().stream().mapToLong(Pin::nanos).sum();
            table.row(r.pattern().label, r.pinned() ? "PINNED" : "no",
                    pin == null ? "-" : withoutPackages(pin.pinnedReason()),
                    pin == null ? "-" : pin.blockingOperation(),
                    pin == null ? "-" : Timing.format(pinnedNanos),
                    Timing.format(r.blockedNanos()),
                    r.interleaved() ? "interleaved" : "serialized");
        }
        table.print(out);

        out.println();
        out.println("  each pattern's Java, its recorded event order, and the frames that matter of its pin event:");
        for (Result r : report.results()) {
            out.printf("  %-26s %s%n", r.pattern().label, r.pattern().javaCode);
            out.printf("  %-26s order:  %s%n", "", String.join(" > ", r.order()));
            if (r.pinned()) {
                out.printf("  %-26s frames: %s%n", "", String.join(" <- ", framesThatMatter(r.pins().getFirst().frames())));
            }
        }
        out.println();
        out.println("  Python: time.sleep() inside an async def stops the one event-loop thread for every task;"
                + " a pinned virtual");
        out.println("          thread does the same to its carrier. The unpinned patterns behave like"
                + " 'await asyncio.sleep()'.");
        out.println("  JDK 21-23 also pinned in synchronized and Object.wait; JEP 491 (JDK 24) fixed those."
                + " Class initializers and");
        out.println("  native frames (JNI, FFM upcalls) still pin: find them with JFR, as here, or"
                + " 'jfr print --events jdk.VirtualThreadPinned'.");
        out.flush();
        return 0;
    }

    /** Starts the child JVM with one carrier, waits for it (bounded) and reads its report. */
    static Report runChild(Duration hold) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-preview", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(ONE_CARRIER);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                PinningPatterns.class.getName(), String.valueOf(hold.toMillis())));
        Path dir = Files.createTempDirectory("pinning");
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        try {
            Process child = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            long limitSeconds = 60 + 8 * Math.max(1, hold.toSeconds());
            try {
                if (!child.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                    child.destroyForcibly().waitFor();
                    throw new IllegalStateException("the child JVM did not finish within " + limitSeconds + " s");
                }
            } finally {
                // Interrupted while waiting: the child must not outlive the demo.
                if (child.isAlive()) {
                    child.destroyForcibly();
                }
            }
            List<String> lines = Files.readAllLines(stdout);
            String reportLine = lines.stream().filter(l -> l.startsWith(PinningPatterns.REPORT_PREFIX))
                    .findFirst().orElse(null);
            if (child.exitValue() != 0 || reportLine == null) {
                List<String> err = Files.readAllLines(stderr);
                throw new IllegalStateException("the child JVM failed (exit " + child.exitValue() + ")"
                        + (err.isEmpty() ? "" : ": " + err.getFirst()));
            }
            return new ObjectMapper().readValue(reportLine.substring(PinningPatterns.REPORT_PREFIX.length()), Report.class);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * The JDK call the thread blocked in and up to four application frames below it; {@code [JDK]}
     * marks JDK frames skipped between application frames (the FFM upcall machinery, say).
     */
    static List<String> framesThatMatter(List<String> frames) {
        List<String> shown = new ArrayList<>();
        int firstApp = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (!TaskTree.isJdkFrame(frames.get(i))) {
                firstApp = i;
                break;
            }
        }
        if (firstApp < 0) {
            return frames.stream().limit(3).map(f -> TaskTree.shorten(f, true)).toList();
        }
        if (firstApp > 0) {
            shown.add(TaskTree.shorten(frames.get(firstApp - 1), false));
        }
        boolean skipped = false;
        int appFrames = 0;
        for (int i = firstApp; i < frames.size() && appFrames < 4; i++) {
            String frame = frames.get(i);
            if (TaskTree.isJdkFrame(frame) || frame.startsWith("0x") || frame.contains("$$Lambda")) {
                skipped = true;
                continue;
            }
            if (skipped) {
                shown.add("[JDK]");
                skipped = false;
            }
            shown.add(TaskTree.shorten(frame, true));
            appFrames++;
        }
        return shown;
    }

    /** {@code VM call to a.b.C.<clinit> on stack} to {@code VM call to C.<clinit> on stack}. */
    static String withoutPackages(String text) {
        return text == null ? "-" : text.replaceAll("\\b(?:[a-z_][\\w]*\\.)+([A-Z])", "$1");
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new PinningDemo(), args));
    }
}
