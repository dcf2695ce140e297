package dev.loomcookbook.inspect;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Timing;
import com.sun.tools.attach.VirtualMachine;
import dev.loomcookbook.inspect.ThreadDump.NotAThreadDumpException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pstree}: the structured task tree of a JVM, read from its JSON thread dump, like
 * Python 3.14's {@code python -m asyncio pstree PID}.
 */
@Command(name = "pstree", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "The structured task tree of a running JVM, from its JSON thread dump (python -m asyncio pstree).",
            "Scopes by name with their owner thread, their subtasks with state and top frames, nested scopes"
                    + " drawn under the subtask that opened them. Give a PID, --demo or --file.",
            "A PID must be a JVM of JDK 21 or later (the JSON thread dump came with JDK 21)."
        })
public final class PsTreeCommand implements Demo {

    @Spec
    CommandSpec spec;

    /** Where the dump comes from: exactly one of them. */
    static final class Source {
        @Parameters(paramLabel = "PID", description = "A running JVM to inspect (through jcmd).")
        Long pid;

        @Option(names = "--demo",
                description = "Open a nested, named scope tree in this JVM and show it.")
        boolean demo;

        @Option(names = "--file", paramLabel = "FILE",
                description = "A saved dump (jcmd PID Thread.dump_to_file -format=json FILE).")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source = new Source();

    @Option(names = "--all",
            description = "Also show the JDK's own containers (root, pools, carriers).")
    boolean all;

    @Override
    public String pythonConcept() {
        return "python -m asyncio pstree PID";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--demo");
    }

    @Override
    public Integer call() throws Exception {
        Long pid = source.pid;
        Path file = source.file;
        PrintWriter out = spec.commandLine().getOut();
        ThreadDump dump;
        String how;
        if (source.demo) {
            long start = System.nanoTime();
            dump = dumpOfDemoTree();
            how = "HotSpotDiagnosticMXBean.dumpThreads(file, JSON) in this JVM ("
                    + Timing.format(Timing.since(start)) + ")," + System.lineSeparator()
                    + "  while a demo tree was open";
        } else if (file != null) {
            dump = read(file);
            how = "the file " + file;
        } else {
            dump = dumpOf(pid);
            how = "jcmd " + pid + " Thread.dump_to_file -format=json";
        }
        out.printf("Task tree of JVM %s (JDK %s)%n  from %s%n%n", dump.processId(),
                dump.runtimeVersion(), how);
        TaskTree.render(dump, all).forEach(out::println);
        out.println();
        out.println("  Python 3.14: python -m asyncio pstree PID");
        out.println(
                "  Java:        jcmd PID Thread.dump_to_file -format=json FILE   (what 'pstree PID' runs),");
        out.println(
                "               or HotSpotDiagnosticMXBean.dumpThreads(file, ThreadDumpFormat.JSON) in-process");
        out.println("  A scope appears with the name given by");
        out.println("  StructuredTaskScope.open(joiner, cf -> cf.withName(...)).");
        out.println("  Unlike asyncio, the dump also shows each subtask's thread state and stack,");
        out.println("  and works on a JVM that was not prepared for it.");
        out.flush();
        return 0;
    }

    private ThreadDump read(Path path) {
        try {
            return ThreadDump.read(path);
        } catch (NotAThreadDumpException e) {
            throw usage(e.getMessage());
        }
    }

    /** Another JVM's dump, through {@code jcmd} from this JDK. */
    private ThreadDump dumpOf(long target) throws IOException, InterruptedException {
        Optional<ProcessHandle> process = ProcessHandle.of(target);
        if (process.isEmpty() || !process.get().isAlive()) {
            throw usage("no process with PID " + target);
        }
        Optional<String> command =
                process.get().info().command().map(c -> Path.of(c).getFileName().toString());
        String what = command.map(c -> " (" + c + ")").orElse("");
        if (!attachable(target) && command.filter(c -> c.matches("javaw?(\\.exe)?")).isEmpty()) {
            // Neither listed as a JVM nor started as one: jcmd would only time out trying to attach.
            throw usage("PID " + target + what + " is not a JVM that this user can attach to"
                    + " (jcmd lists no JVM with that PID)");
        }
        Path dir = Files.createTempDirectory("pstree");
        Path dumpFile = dir.resolve("threads.json");
        try {
            Jcmd dumped =
                    jcmd(target, what, "Thread.dump_to_file", "-format=json", dumpFile.toString());
            if (!dumped.ok() || !Files.exists(dumpFile)) {
                if (dumped.output().stream()
                        .anyMatch(l -> l.contains("Unknown diagnostic command"))) {
                    throw usage("PID " + target + what + " is " + olderJvm(target, what)
                            + ": pstree needs JDK 21 or later (JSON thread dumps)");
                }
                throw usage("PID " + target + what + " is not a JVM that jcmd can attach to: "
                        + reason(dumped.output()));
            }
            try {
                return ThreadDump.read(dumpFile);
            } catch (NotAThreadDumpException e) {
                throw usage(
                        "PID " + target + what + " wrote no usable thread dump: " + e.getMessage());
            }
        } finally {
            Files.deleteIfExists(dumpFile);
            Files.deleteIfExists(dir);
        }
    }

    /** jcmd's reason, short: the message of the exception it printed, else its last line. */
    private static String reason(List<String> jcmdOutput) {
        String reason = jcmdOutput.stream().filter(l -> !l.isBlank()).reduce((x, y) -> y)
                .orElse("jcmd failed")
                .strip();
        for (String line : jcmdOutput) {
            int at = line.indexOf("Exception: ");
            if (at >= 0 && !line.startsWith("\t")) {
                reason = line.substring(at + "Exception: ".length()).strip();
                break;
            }
        }
        if (reason.contains("attach handshake")) {
            return "it does not answer the attach handshake";
        }
        return reason.length() > 80 ? reason.substring(0, 77) + "..." : reason;
    }

    /** Whether the attach mechanism lists {@code target} as a JVM (a quick look, no attaching). */
    private static boolean attachable(long target) {
        String id = String.valueOf(target);
        return VirtualMachine.list().stream().anyMatch(vm -> vm.id().equals(id));
    }

    /** "a JVM of JDK 17.0.13" when jcmd can say which, else "a JVM older than JDK 21". */
    private String olderJvm(long target, String what) throws IOException, InterruptedException {
        return jcmd(target, what, "VM.version").output().stream()
                .filter(l -> l.startsWith("JDK ")).findFirst()
                .map(l -> "a JVM of " + l.strip())
                .orElse("a JVM older than JDK 21");
    }

    /** What jcmd printed, and whether it did what it was asked. */
    private record Jcmd(boolean ok, List<String> output) {}

    /** Runs this JDK's {@code jcmd target ARGS}, for at most 30 s. */
    private Jcmd jcmd(long target, String what, String... args)
            throws IOException, InterruptedException {
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", windows ? "jcmd.exe" : "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new IllegalStateException("this JDK has no jcmd at " + jcmd);
        }
        List<String> command =
                new java.util.ArrayList<>(List.of(jcmd.toString(), String.valueOf(target)));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("jcmd", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw usage("PID " + target + what + " did not answer jcmd within 30 s");
                }
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
            List<String> output = Files.readAllLines(log);
            boolean failed = p.exitValue() != 0
                    || output.stream().anyMatch(l -> l.contains("Unknown diagnostic command"));
            return new Jcmd(!failed, output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Opens the demo tree: scope "crawl" (fetch-home, fetch-docs, and parse-all, which opens scope
     * "parse" with three subtasks), dumps this JVM while every subtask waits, then lets them finish.
     */
    static ThreadDump dumpOfDemoTree() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Queue<Thread> waiting = new ConcurrentLinkedQueue<>();
        ThreadDump dump;
        try (var crawl =
                StructuredTaskScope.open(Joiner.<Object>awaitAll(), cf -> cf.withName("crawl")
                        .withThreadFactory(Thread.ofVirtual().name("crawl-", 1).factory()))) {
            try {
                crawl.fork(() -> waitFor("fetch https://example.org/", release, waiting));
                crawl.fork(() -> waitFor("fetch https://example.org/docs", release, waiting));
                crawl.fork(() -> {
                    try (var parse = StructuredTaskScope.open(Joiner.<Object>awaitAll(),
                            cf -> cf.withName("parse")
                                    .withThreadFactory(
                                            Thread.ofVirtual().name("parse-", 1).factory()))) {
                        for (int page = 1; page <= 3; page++) {
                            String what = "parse page " + page;
                            parse.fork(() -> waitFor(what, release, waiting));
                        }
                        waiting.add(Thread.currentThread());
                        parse.join();
                    }
                    return "parse all";
                });
                awaitAllWaiting(waiting, 6);
                dump = ThreadDump.ofThisJvm();
            } finally {
                release.countDown();
            }
            crawl.join();
        }
        return dump;
    }

    private static String waitFor(String what, CountDownLatch release, Queue<Thread> waiting)
            throws InterruptedException {
        waiting.add(Thread.currentThread());
        release.await();
        return what;
    }

    /** Until {@code n} threads have registered and each is parked, so the dump shows them waiting (bounded). */
    private static void awaitAllWaiting(Queue<Thread> waiting, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (waiting.size() == n
                    && waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
                return;
            }
            Thread.sleep(1);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new PsTreeCommand(), args));
    }
}
