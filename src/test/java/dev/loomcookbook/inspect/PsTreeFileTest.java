package dev.loomcookbook.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.Main;
import dev.loomcookbook.common.ChildJvm;
import dev.loomcookbook.testing.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pstree --file} against hostile or odd dumps: cycles, deep chains, parser limits, binary
 * and oversized files. Each answers within seconds, with a drawn tree or one line and exit 2.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PsTreeFileTest {

    @TempDir
    Path dir;

    /** A container that is its own parent is one line and exit 2, not an endless walk. */
    @Test
    void selfParentIsRejected() throws Exception {
        CliRun run = pstree(dump(container("loop/x@1", "loop/x@1", 1L, 1)));
        assertOneLine(run, "is not a valid thread dump: container 'loop/x@1' is its own parent");
    }

    /** Two containers that are each other's parent are one line and exit 2, naming both. */
    @Test
    void twoContainerCycleIsRejected() throws Exception {
        CliRun run = pstree(dump(
                container("a/x@1", "b/x@2", 1L, 1) + "," + container("b/x@2", "a/x@1", 2L, 2)));
        assertOneLine(run, "its containers' parents form a cycle: a/x@1 -> b/x@2 -> a/x@1");
    }

    /** 3,000 nested scopes (once a stack overflow) are drawn to a depth, the rest summed up in one line. */
    @Test
    void threeThousandNestedContainersAreDrawn() throws Exception {
        assertDrawnWithSummary(pstree(nested(3_000)), 3_000);
    }

    /** 100,000 nested scopes (once minutes of a quadratic walk) are drawn in linear time. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void hundredThousandNestedContainersAreDrawn() throws Exception {
        assertDrawnWithSummary(pstree(nested(100_000)), 100_000);
    }

    /** JSON nested deeper than the parser allows names that limit, not "malformed". */
    @Test
    void nestingPastTheParserLimitIsNamed() throws Exception {
        String deep = "[".repeat(1_001) + "]".repeat(1_001);
        CliRun run = pstree(write("{\"threadDump\": {\"threadContainers\": " + deep + "}}"));
        assertOneLine(run, "goes past the JSON parser's limit of nesting deeper than 1,000 levels");
    }

    /** A string longer than the parser allows names that limit. */
    @Test
    void stringPastTheParserLimitIsNamed() throws Exception {
        String huge = "x".repeat(20_000_001);
        CliRun run = pstree(write(
                "{\"threadDump\": {\"processId\": \"" + huge + "\", \"threadContainers\": []}}"));
        assertOneLine(run, "limit of a string longer than 20,000,000 characters");
    }

    /** A binary file is "not UTF-8 text", with no decoder's class name or "Input length". */
    @Test
    void binaryFileIsNotText() throws Exception {
        Path file = dir.resolve("binary.json");
        Files.write(file, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0, 1, 2});
        CliRun run = pstree(file);
        assertOneLine(run, "is not a thread dump");
        assertThat(run.err()).doesNotContain("Input length", "Malformed");
    }

    /** A file too large for the heap is one line naming the sizes, in a JVM with a small heap. */
    @Test
    void fileTooLargeForTheHeapIsOneLine() throws Exception {
        Path big = write("{\"threadDump\": {\"threadContainers\": [], \"pad\": \""
                + "x".repeat(5 << 20) + "\"}}");
        Process child = new ProcessBuilder(ChildJvm.command(List.of("-Xmx32m"), Main.class,
                List.of("pstree", "--file", big.toString())))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(err).isEqualTo(2);
            assertThat(err.lines().findFirst().orElseThrow())
                    .startsWith("error: " + big + " is 5 MB: too large")
                    .contains("heap");
            assertThat(err).doesNotContain("OutOfMemoryError", "\tat ");
        } finally {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private CliRun pstree(Path file) {
        return CliRun.of(new PsTreeCommand(), "--file", file.toString());
    }

    private static void assertOneLine(CliRun run, String text) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        List<String> err = run.err().lines().toList();
        assertThat(err.getFirst()).startsWith("error: ").contains(text).doesNotContain("Exception");
        assertThat(err.get(1)).startsWith("Usage: ");
        assertThat(run.out()).isEmpty();
    }

    private static void assertDrawnWithSummary(CliRun run, int nested) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(100));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("scope \"s1\""));
        int drawn = TaskTree.MAX_DEPTH;
        assertThat(run.out())
                .contains(String.format("... %,d more nested (%,d threads), to level %,d",
                        nested - drawn, nested - drawn, nested));
    }

    /** A chain: scope s1 owned by main, each scope s(i+1) opened by the one thread of s(i). */
    private Path nested(int depth) throws Exception {
        StringBuilder json = new StringBuilder(container("<root>", null, null, 1));
        for (int i = 1; i <= depth; i++) {
            String parent = i == 1 ? "<root>" : id(i - 1);
            json.append(",\n")
                    .append(container(id(i), parent, i == 1 ? 1L : 100L + i - 1, 100L + i));
        }
        return dump(json.toString());
    }

    private static String id(int i) {
        return "s" + i + "/jdk.internal.misc.ThreadFlock$ThreadContainerImpl@" + i;
    }

    private static String container(String id, String parent, Long owner, long tid) {
        return """
                {"container": "%s", "parent": %s, "owner": %s, "threads": [
                  {"tid": "%d", "name": "t%d", "state": "WAITING", "stack": []}]}"""
                .formatted(id, parent == null ? "null" : "\"" + parent + "\"",
                        owner == null ? "null" : "\"" + owner + "\"", tid, tid);
    }

    private Path dump(String containers) throws Exception {
        return write(
                "{\"threadDump\": {\"processId\": \"42\", \"runtimeVersion\": \"25\", \"threadContainers\": ["
                        + containers + "]}}");
    }

    private Path write(String text) throws Exception {
        Path file = Files.createTempFile(dir, "dump", ".json");
        Files.writeString(file, text);
        return file;
    }
}
