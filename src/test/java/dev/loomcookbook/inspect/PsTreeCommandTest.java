package dev.loomcookbook.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** pstree: the task tree rendered from the JSON thread dump, and its errors for bad input. */
class PsTreeCommandTest {

    /** A live scope "outer" (2 subtasks, one opening scope "inner" with 3) is drawn with that shape. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void rendersTheShapeOfALiveNestedScope(ThreadFactory factory) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inPlace = new CountDownLatch(5);
        ThreadDump dump;
        try (var outer = StructuredTaskScope.open(Joiner.<Object>awaitAll(),
                cf -> cf.withName("outer").withThreadFactory(named(factory, "outer-")))) {
            try {
                outer.fork(() -> awaitRelease(inPlace, release));
                outer.fork(() -> {
                    try (var inner = StructuredTaskScope.open(Joiner.<Object>awaitAll(),
                            cf -> cf.withName("inner")
                                    .withThreadFactory(named(factory, "inner-")))) {
                        for (int i = 0; i < 3; i++) {
                            inner.fork(() -> awaitRelease(inPlace, release));
                        }
                        inPlace.countDown();
                        inner.join();
                    }
                    return null;
                });
                assertThat(inPlace.await(30, TimeUnit.SECONDS)).as("all subtasks started").isTrue();
                dump = ThreadDump.ofThisJvm();
            } finally {
                release.countDown();
            }
            outer.join();
        }

        List<String> lines = TaskTree.render(dump, false);
        assertThat(skeletonOf("outer", lines)).containsExactly(
                "scope outer 2",
                "  thread outer-1",
                "  thread outer-2",
                "    scope inner 3",
                "      thread inner-1",
                "      thread inner-2",
                "      thread inner-3");
        assertThat(lines).anyMatch(l -> l.startsWith("scope \"outer\"")
                && l.endsWith("owner #" + Thread.currentThread().threadId() + " "
                        + Thread.currentThread().getName()));
    }

    /** Without --all only the scope tree shows; with --all the root and the JDK's pools show too. */
    @Test
    void hidesTheJdkContainersUnlessAll() throws Exception {
        ThreadDump dump = ThreadDump.parse(
                """
                        {"threadDump": {"processId": "42", "runtimeVersion": "25", "threadContainers": [
                          {"container": "<root>", "parent": null, "owner": null, "threads": [
                            {"tid": "3", "name": "main", "state": "WAITING", "stack": [
                              "java.base/java.util.concurrent.StructuredTaskScopeImpl.join(StructuredTaskScopeImpl.java:243)",
                              "com.example.App.main(App.java:7)"]}]},
                          {"container": "ForkJoinPool-1/jdk.internal.vm.SharedThreadContainer@1", "parent": "<root>",
                           "owner": null, "threads": [
                            {"tid": "20", "name": "ForkJoinPool-1-worker-1", "state": "WAITING", "stack": []}]},
                          {"container": "work/jdk.internal.misc.ThreadFlock$ThreadContainerImpl@2", "parent": "<root>",
                           "owner": "3", "threads": [
                            {"tid": "21", "virtual": true, "name": "", "state": "TIMED_WAITING", "stack": [
                              "java.base/java.lang.Thread.sleep(Thread.java:540)",
                              "com.example.App.work(App.java:12)"]}]}]}}
                        """,
                "test");

        assertThat(TaskTree.render(dump, false)).containsExactly(
                "scope \"work\"  (1 thread)  owner #3 main",
                "└─ #21 (unnamed virtual)  TIMED_WAITING  Thread.sleep <- App.work(App.java:12)",
                "(2 more containers with 2 threads not shown: the root, pools, carriers; --all shows them)");
        assertThat(TaskTree.render(dump, true)).containsExactly(
                "<root>  (1 thread)",
                "├─ #3 main  WAITING  StructuredTaskScopeImpl.join <- App.main(App.java:7)",
                "│  └─ scope \"work\"  (1 thread)",
                "│     └─ #21 (unnamed virtual)  TIMED_WAITING  Thread.sleep <- App.work(App.java:12)",
                "└─ pool \"ForkJoinPool-1\"  (1 thread)",
                "   └─ #20 ForkJoinPool-1-worker-1  WAITING");
    }

    /** A thread line that would pass 100 columns puts its frames on lines of their own, "at ...", under the thread. */
    @Test
    void wrapsFramesOfAWideThreadLine() throws Exception {
        String longName =
                "com.example.SomeRatherLongServiceName.lambda$handleTheIncomingRequestWithRetries$17";
        ThreadDump dump = ThreadDump
                .parse("""
                        {"threadDump": {"processId": "42", "runtimeVersion": "25", "threadContainers": [
                          {"container": "<root>", "parent": null, "owner": null, "threads": [
                            {"tid": "3", "name": "main", "state": "WAITING", "stack": []}]},
                          {"container": "work/jdk.internal.misc.ThreadFlock$ThreadContainerImpl@2", "parent": "<root>",
                           "owner": "3", "threads": [
                            {"tid": "21", "name": "a-worker-thread-with-a-long-name", "state": "TIMED_WAITING", "stack": [
                              "java.base/java.lang.Thread.sleep(Thread.java:540)",
                              "%s(SomeRatherLongServiceName.java:12)"]}]}]}}
                        """
                        .formatted(longName), "test");

        assertThat(TaskTree.render(dump, false)).containsExactly(
                "scope \"work\"  (1 thread)  owner #3 main",
                "└─ #21 a-worker-thread-with-a-long-name  TIMED_WAITING",
                "      at Thread.sleep",
                "      at SomeRatherLongServiceName.lambda$handleTheIncomingRequestWithRetries$17"
                        + "(SomeRatherLongServiceName.java:12)",
                "(1 more container with 1 thread not shown: the root, pools, carriers; --all shows them)");
    }

    /** pstree --demo opens its named tree in this JVM, renders it, and ends every thread it started. */
    @Test
    void demoRendersItsTree() {
        CliRun run = CliRun.of(new PsTreeCommand(), "--demo");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(skeletonOf("crawl", run.out().lines().toList())).containsExactly(
                "scope crawl 3",
                "  thread crawl-1",
                "  thread crawl-2",
                "  thread crawl-3",
                "    scope parse 3",
                "      thread parse-1",
                "      thread parse-2",
                "      thread parse-3");
    }

    /** A file that is not a thread dump (malformed, truncated, other JSON, empty) gets one clear line and exit 2. */
    @ParameterizedTest
    @ValueSource(strings = {"malformed", "truncated", "other JSON", "empty"})
    void fileThatIsNotAThreadDumpIsAUsageError(String kind, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("dump.json");
        switch (kind) {
            case "malformed" -> Files.writeString(file, "{ this is not json ]");
            case "truncated" -> {
                String text = realDumpText(dir);
                assertThat(ThreadDump.parse(text, "the whole dump").containers()).isNotEmpty();
                Files.writeString(file, text.substring(0, text.length() / 2));
            }
            case "other JSON" -> Files.writeString(file, "{\"threads\": []}");
            default -> Files.writeString(file, "");
        }
        CliRun run = CliRun.of(new PsTreeCommand(), "--file", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        String first = run.err().lines().findFirst().orElseThrow();
        assertThat(first).startsWith("error: " + file + " is ").contains("not a thread dump");
        assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** A PID with no process behind it gets one clear line and exit 2. */
    @Test
    void nonexistentPidIsAUsageError() {
        // Above Linux's largest pid_max (2^22) and any Windows or macOS pid seen in practice.
        CliRun run = CliRun.of(new PsTreeCommand(), String.valueOf(Integer.MAX_VALUE));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst())
                .hasValue("error: no process with PID " + Integer.MAX_VALUE);
    }

    /** No source, or two sources at once, is a usage error. */
    @Test
    void exactlyOneSourceIsRequired() {
        assertThat(CliRun.of(new PsTreeCommand()).exitCode()).isEqualTo(2);
        CliRun two = CliRun.of(new PsTreeCommand(), "--demo", "--file", "x.json");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).startsWith(
                "error: --demo, --file=FILE are mutually exclusive (specify only one)\n");
    }

    /** The scope tree rooted at scope {@code root}: "scope NAME COUNT" and "thread NAME", indented by depth. */
    private static List<String> skeletonOf(String root, List<String> lines) {
        Pattern scope = Pattern.compile("^scope \"([^\"]+)\"  \\((\\d+) threads?\\).*");
        Pattern thread = Pattern.compile("^#\\d+ (\\S+) .*");
        List<String> skeleton = new ArrayList<>();
        boolean inside = false;
        for (String line : lines) {
            int prefix = 0;
            while (prefix < line.length() && "│├└─ ".indexOf(line.charAt(prefix)) >= 0) {
                prefix++;
            }
            int depth = prefix / 3;
            String rest = line.substring(prefix);
            if (rest.startsWith("at ")) {
                continue; // the frames of the thread above, on a line of their own
            }
            if (depth == 0) {
                inside = rest.startsWith("scope \"" + root + "\"");
            }
            if (!inside) {
                continue;
            }
            Matcher s = scope.matcher(rest);
            Matcher t = thread.matcher(rest);
            String indent = "  ".repeat(depth);
            if (s.matches()) {
                skeleton.add(indent + "scope " + s.group(1) + " " + s.group(2));
            } else if (t.matches()) {
                skeleton.add(indent + "thread " + t.group(1));
            } else {
                skeleton.add(indent + "? " + rest);
            }
        }
        return skeleton;
    }

    /** A factory like {@code factory} whose threads are named prefix1, prefix2, ... in creation order. */
    private static ThreadFactory named(ThreadFactory factory, String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = factory.newThread(task);
            t.setName(prefix + n.incrementAndGet());
            return t;
        };
    }

    private static Object awaitRelease(CountDownLatch inPlace, CountDownLatch release)
            throws InterruptedException {
        inPlace.countDown();
        return release.await(1, TimeUnit.MINUTES);
    }

    private static String realDumpText(Path dir) throws Exception {
        Path file = dir.resolve("this-jvm.json");
        java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toString(),
                        com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        return Files.readString(file);
    }
}
