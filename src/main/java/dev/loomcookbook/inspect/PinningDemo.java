package dev.loomcookbook.inspect;

import dev.loomcookbook.common.ChildJvm;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomcookbook.cli.Bounds;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import dev.loomcookbook.inspect.PinningPatterns.Pin;
import dev.loomcookbook.inspect.PinningPatterns.Report;
import dev.loomcookbook.inspect.PinningPatterns.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
            "-Djdk.virtualThreadScheduler.parallelism=1",
            "-Djdk.virtualThreadScheduler.maxPoolSize=1");

    @Spec
    CommandSpec spec;

    /** The child takes whole milliseconds: a shorter hold would reach it as 0 ms. */
    static final class Hold extends Bounds.Durations {
        Hold() {
            super(Duration.ofMillis(1), Duration.ofMinutes(1));
        }
    }

    @Option(names = "--hold", defaultValue = "1s", paramLabel = "DURATION", converter = Hold.class,
            description = "How long task A blocks inside each pattern.")
    Duration hold;

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
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Pinning on JDK %s: a child JVM with ONE carrier thread runs four blocking patterns%n",
                Runtime.version());
        out.printf("  child: java %s%n", String.join(" ", ONE_CARRIER));
        out.printf("         ... %s %dms%n", PinningPatterns.class.getSimpleName(),
                hold.toMillis());
        out.println("  in each, task A blocks for " + Timing.format(hold) + " inside the pattern;");
        out.println("  then task B asks for the carrier and interrupts A.");
        out.println("  B can run before A wakes only if A gave the carrier back;");
        out.println("  JFR records jdk.VirtualThreadPinned (threshold 0 ms).");
        out.println();
        out.flush();
        long start = System.nanoTime();
        Report report = runChild(hold, line -> printProgress(out, line));
        out.printf("%n  child JVM finished in %s (JDK %s, parallelism=%s, maxPoolSize=%s)%n%n",
                Timing.format(Timing.since(start)), report.runtimeVersion(), report.parallelism(),
                report.maxPoolSize());

        Table table =
                new Table("pattern", "pinned", "pinnedReason (short)", "pinned for", "A blocked",
                        "A and B");
        for (Result r : report.results()) {
            Pin pin = r.pinned() ? r.pins().getFirst() : null;
            long pinnedNanos = r.pins().stream().mapToLong(Pin::nanos).sum();
            table.row(r.pattern().label, r.pinned() ? "PINNED" : "no",
                    pin == null ? "-" : shortReason(pin.pinnedReason()),
                    pin == null ? "-" : Timing.format(pinnedNanos),
                    Timing.format(r.blockedNanos()),
                    effect(r));
        }
        table.print(out);
        out.println("  A and B: interleaved = B ran while A was blocked (the carrier was free);");
        out.println("           serialized = B waited for A.");

        out.println();
        out.println(
                "  each pattern's Java, its event order and, for a pin, JFR's reason, blocking operation");
        out.println("  and the frames that matter:");
        String indent = " ".repeat(2 + LABEL_WIDTH + 1);
        for (Result r : report.results()) {
            out.printf("  %-" + LABEL_WIDTH + "s %s%n", r.pattern().label, r.pattern().javaCode);
            out.printf("%sorder:  %s%n", indent, String.join(" > ", r.order()));
            if (r.pinned()) {
                Pin pin = r.pins().getFirst();
                out.printf("%sreason: %s%n", indent, withoutPackages(pin.pinnedReason()));
                out.printf("%sblocks: %s%n", indent, pin.blockingOperation());
                wrap("frames: ", framesThatMatter(pin.frames()), " <- ", WIDTH - indent.length())
                        .forEach(l -> out.println(indent + l));
            }
        }
        out.println();
        out.println(
                "  Python: time.sleep() inside an async def stops the one event-loop thread for every task;");
        out.println("          a pinned virtual thread does the same to its carrier.");
        out.println("          The unpinned patterns behave like 'await asyncio.sleep()'.");
        out.println(
                "  JDK 21-23 also pinned in synchronized and Object.wait; JEP 491 (JDK 24) fixed those.");
        out.println(
                "  Class initializers and native frames (JNI, FFM upcalls) still pin: find them with JFR,");
        out.println("  as here, or 'jfr print --events jdk.VirtualThreadPinned'.");
        out.flush();
        return 0;
    }

    /** Output stays within this many columns. */
    static final int WIDTH = Cli.WIDTH;
    private static final int LABEL_WIDTH = 26;

    /** A progress line of the child: {@code start PATTERN}, or {@code done PATTERN BLOCKED_NANOS ORDER}. */
    @SuppressWarnings("EnumOrdinal") // the child runs the patterns in declaration order: i of n
    static void printProgress(PrintWriter out, String line) {
        String[] f = line.split(" ", 4);
        PinningPatterns.Pattern pattern = PinningPatterns.Pattern.valueOf(f[1]);
        if (f[0].equals("start")) {
            out.printf("  %d/%d %-" + LABEL_WIDTH + "s running...", pattern.ordinal() + 1,
                    PinningPatterns.Pattern.values().length, pattern.label);
        } else {
            Result r = new Result(pattern, List.of(), List.of(f[3].split("\\|")),
                    Long.parseLong(f[2]));
            out.printf(" done: A blocked %s, A and B %s%n", Timing.format(r.blockedNanos()),
                    effect(r));
        }
        out.flush();
    }

    private static String effect(Result r) {
        return r.interleaved() ? "interleaved" : "serialized";
    }

    /**
     * JFR's pinnedReason, short enough for the table: {@code VM call to a.b.C$D.<clinit> on stack}
     * to {@code D.<clinit>}, {@code Native or VM frame on stack} to {@code Native or VM frame}.
     */
    static String shortReason(String reason) {
        if (reason == null) {
            return "-";
        }
        String s = withoutPackages(reason).replaceFirst("^VM call to ", "")
                .replaceFirst(" on stack$", "");
        return s.replaceAll("\\b[\\w$]+\\$(\\w+\\.)", "$1");
    }

    /** Joins {@code parts} with {@code separator} after {@code head}, breaking lines at parts to stay within {@code width}. */
    static List<String> wrap(String head, List<String> parts, String separator, int width) {
        List<String> lines = new ArrayList<>();
        String indent = " ".repeat(head.length());
        StringBuilder line = new StringBuilder(head);
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            String sep = i == 0 ? "" : separator;
            if (i > 0 && line.length() + sep.length() + part.length() > width) {
                lines.add(line.toString().stripTrailing());
                line = new StringBuilder(indent).append(separator.stripLeading());
                sep = "";
            }
            line.append(sep).append(part);
        }
        lines.add(line.toString());
        return lines;
    }

    /**
     * Starts the child JVM with one carrier, passes each progress line to {@code progress} as it
     * comes, waits for the child (bounded) and reads its report. The child never outlives this
     * JVM: it is destroyed on every way out of here, by a shutdown hook on Ctrl-C, and it ends by
     * itself when our end of its stdin closes (this JVM died, even by SIGKILL).
     */
    static Report runChild(Duration hold, Consumer<String> progress)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        options.addAll(ONE_CARRIER);
        List<String> command = ChildJvm.command(options, PinningPatterns.class,
                List.of(String.valueOf(hold.toMillis())));
        Path dir = Files.createTempDirectory("pinning");
        Path stderr = dir.resolve("stderr.txt");
        Thread watchdog = null;
        // stdin stays a pipe that we never write to: its EOF tells the child that we are gone.
        try (ChildJvm.Running running = ChildJvm.start(
                new ProcessBuilder(command).redirectError(stderr.toFile()), "pinning-child")) {
            Process child = running.process();
            long limitSeconds = 60 + 8 * Math.max(1, hold.toSeconds());
            AtomicBoolean timedOut = new AtomicBoolean();
            // Reading the child's output blocks; destroying the child ends the read.
            watchdog = Thread.ofVirtual().name("pinning-child-watchdog").start(() -> {
                try {
                    if (!child.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                        timedOut.set(true);
                        child.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    // The child is done with; nothing to watch.
                }
            });
            String reportLine = null;
            try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(PinningPatterns.PROGRESS_PREFIX)) {
                        progress.accept(line.substring(PinningPatterns.PROGRESS_PREFIX.length()));
                    } else if (line.startsWith(PinningPatterns.REPORT_PREFIX)) {
                        reportLine = line.substring(PinningPatterns.REPORT_PREFIX.length());
                    }
                }
            }
            child.waitFor();
            if (timedOut.get()) {
                throw new IllegalStateException(
                        "the child JVM did not finish within " + limitSeconds + " s");
            }
            if (child.exitValue() != 0 || reportLine == null) {
                List<String> err = Files.readAllLines(stderr);
                throw new IllegalStateException(
                        "the child JVM failed (exit " + child.exitValue() + ")"
                                + (err.isEmpty() ? "" : ": " + err.getFirst()));
            }
            return new ObjectMapper().readValue(reportLine, Report.class);
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
                watchdog.join();
            }
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
            if (TaskTree.isJdkFrame(frame) || frame.startsWith("0x")
                    || frame.contains("$$Lambda")) {
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
