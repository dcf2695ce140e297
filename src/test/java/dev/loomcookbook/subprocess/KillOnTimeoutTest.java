package dev.loomcookbook.subprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.RecipeRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link KillOnTimeout}: a child past its timeout is killed and reaped, and nothing is left. */
class KillOnTimeoutTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> printed() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static Process start(String script) throws Exception {
        Process child = new ProcessBuilder("sh", "-c", script).start();
        child.getOutputStream().close();
        return child;
    }

    /** A child still running at the timeout is killed (SIGKILL: 137) and reaped: gone. */
    @Test
    void aChildPastItsTimeoutIsKilledAndReaped() throws Exception {
        Process child = start("exec sleep 60");
        assertThat(KillOnTimeout.waitOrKill(out, child, Duration.ofMillis(50))).isEqualTo(137);
        assertThat(printed()).containsExactly("still running after 50 ms: kill it");
        assertThat(child.isAlive()).isFalse();
        assertThat(ProcessHandle.current().children().map(ProcessHandle::pid))
                .doesNotContain(child.pid());
    }

    /** A child that ends within its timeout is not killed and keeps its own exit code. */
    @Test
    void aChildThatEndsInTimeKeepsItsExitCode() throws Exception {
        Process child = start("exit 4");
        assertThat(KillOnTimeout.waitOrKill(out, child, Duration.ofMinutes(5))).isEqualTo(4);
        assertThat(printed()).isEmpty();
    }

    /**
     * The recipe's run: the child's first line, read before the timeout starts (so a child slow to
     * start is not killed before it says anything), then the kill, and the reader ends with it.
     */
    @Test
    void theReaderEndsWithTheKilledChild() {
        assertThat(RecipeRun.lines(KillOnTimeout.RECIPE)).containsExactly(
                "stdout: working", "still running after 200 ms: kill it", "exit code: 137");
    }

    /**
     * Why the recipe's shell execs: killing a shell leaves the program it started running (and
     * holding the pipes), since a kill reaches one process, not its children.
     */
    @Test
    void killingAShellLeavesItsOwnChildRunning() throws Exception {
        Process shell = start("sleep 60; echo never");
        ProcessHandle sleep = awaitOnlyChild(shell);
        try {
            assertThat(KillOnTimeout.waitOrKill(out, shell, Duration.ofMillis(1))).isEqualTo(137);
            assertThat(sleep.isAlive()).as("the shell's child outlives the shell").isTrue();
        } finally {
            sleep.destroyForcibly();
            awaitDead(sleep);
        }
    }

    /**
     * Waits (at most 30 s, then fails) until {@code orphan} is dead: gone, or on Linux a zombie
     * that only its new parent, the init process, has yet to reap (which may take a while).
     */
    private static void awaitDead(ProcessHandle orphan) throws Exception {
        Path stat = Path.of("/proc", Long.toString(orphan.pid()), "stat");
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            orphan.onExit().get(30, TimeUnit.SECONDS);
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (orphan.isAlive()) {
            try {
                String fields = Files.readString(stat);
                if (fields.charAt(fields.lastIndexOf(')') + 2) == 'Z') {
                    return;
                }
            } catch (NoSuchFileException e) {
                return;
            }
            assertThat(System.nanoTime()).as("%s still alive", orphan).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** Waits (at most 30 s, then fails) until {@code parent} has started its one child. */
    private static ProcessHandle awaitOnlyChild(Process parent) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Optional<ProcessHandle> child = parent.children().findFirst();
        while (child.isEmpty()) {
            assertThat(System.nanoTime()).as("no child started").isLessThan(deadline);
            Thread.sleep(1);
            child = parent.children().findFirst();
        }
        return child.get();
    }
}
