package dev.loomcookbook.inspect;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Timing;
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
                    + " drawn under the subtask that opened them. Give a PID, --demo or --file."
        })
public final class PsTreeCommand implements Demo {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PID", description = "A running JVM to inspect (through jcmd).")
    Long pid;

    @Option(names = "--demo", description = "Open a nested, named scope tree in this JVM and show it.")
    boolean demo;

    @Option(names = "--file", paramLabel = "DUMP.json",
            description = "A saved dump (jcmd PID Thread.dump_to_file -format=json DUMP.json).")
    Path file;

    @Option(names = "--all", description = "Also show the JDK's own containers (root, pools, carriers).")
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
        int sources = (pid != null ? 1 : 0) + (demo ? 1 : 0) + (file != null ? 1 : 0);
        if (sources != 1) {
            throw usage("give exactly one of: a PID, --demo, or --file DUMP.json");
        }
        PrintWriter out = spec.commandLine().getOut();
        ThreadDump dump;
        String how;
        if (demo) {
            long start = System.nanoTime();
            dump = dumpOfDemoTree();
            how = "HotSpotDiagnosticMXBean.dumpThreads(file, JSON) in this JVM, while a demo tree was open ("
                    + Timing.format(Timing.since(start)) + ")";
        } else if (file != null) {
            dump = read(file);
            how = "the file " + file;
        } else {
            dump = dumpOf(pid);
            how = "jcmd " + pid + " Thread.dump_to_file -format=json";
        }
        out.printf("Task tree of JVM %s (JDK %s)%n  from %s%n%n", dump.processId(), dump.runtimeVersion(), how);
        TaskTree.render(dump, all).forEach(out::println);
        out.println();
        out.println("  Python 3.14: python -m asyncio pstree PID");
        out.println("  Java:        jcmd PID Thread.dump_to_file -format=json FILE   (what 'pstree PID' runs),");
        out.println("               or HotSpotDiagnosticMXBean.dumpThreads(file, ThreadDumpFormat.JSON) in-process");
        out.println("  A scope appears with the name given by StructuredTaskScope.open(joiner, cf -> cf.withName(...)).");
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
        String what = process.get().info().command().map(c -> " (" + Path.of(c).getFileName() + ")").orElse("");
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", windows ? "jcmd.exe" : "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new IllegalStateException("this JDK has no jcmd at " + jcmd);
        }
        Path dir = Files.createTempDirectory("pstree");
        Path dumpFile = dir.resolve("threads.json");
        Path log = dir.resolve("jcmd.txt");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(target), "Thread.dump_to_file",
                    "-format=json", dumpFile.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
            if (p.exitValue() != 0 || !Files.exists(dumpFile)) {
                throw usage("PID " + target + what + " is not a JVM that jcmd can attach to: "
                        + reason(Files.readAllLines(log)));
            }
            try {
                return ThreadDump.read(dumpFile);
            } catch (NotAThreadDumpException e) {
                throw usage("PID " + target + what + " wrote no usable thread dump: " + e.getMessage());
            }
        } finally {
            Files.deleteIfExists(dumpFile);
            Files.deleteIfExists(log);
            Files.deleteIfExists(dir);
        }
    }

    /** jcmd's reason, short: the message of the exception it printed, else its last line. */
    private static String reason(List<String> jcmdOutput) {
        String reason = jcmdOutput.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("jcmd failed").strip();
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
        return reason.length() > 120 ? reason.substring(0, 117) + "..." : reason;
    }

    /**
     * Opens the demo tree: scope "crawl" (fetch-home, fetch-docs, and parse-all, which opens scope
     * "parse" with three subtasks), dumps this JVM while every subtask waits, then lets them finish.
     */
    static ThreadDump dumpOfDemoTree() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Queue<Thread> waiting = new ConcurrentLinkedQueue<>();
        ThreadDump dump;
        try (var crawl = StructuredTaskScope.open(Joiner.<Object>awaitAll(), cf -> cf.withName("crawl")
                .withThreadFactory(Thread.ofVirtual().name("crawl-", 1).factory()))) {
            try {
                crawl.fork(() -> waitFor("fetch https://example.org/", release, waiting));
                crawl.fork(() -> waitFor("fetch https://example.org/docs", release, waiting));
                crawl.fork(() -> {
                    try (var parse = StructuredTaskScope.open(Joiner.<Object>awaitAll(), cf -> cf.withName("parse")
                            .withThreadFactory(Thread.ofVirtual().name("parse-", 1).factory()))) {
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

    private static String waitFor(String what, CountDownLatch release, Queue<Thread> waiting) throws InterruptedException {
        waiting.add(Thread.currentThread());
        release.await();
        return what;
    }

    /** Until {@code n} threads have registered and each is parked, so the dump shows them waiting (bounded). */
    private static void awaitAllWaiting(Queue<Thread> waiting, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (waiting.size() == n && waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
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
