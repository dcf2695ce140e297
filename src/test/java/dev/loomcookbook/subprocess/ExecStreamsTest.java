package dev.loomcookbook.subprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loomcookbook.testing.RecipeRun;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link ExecStreams}: both pipes read at once, each line as it arrives; a child writing more
 * than a pipe holds to a pipe nobody reads is stuck until someone does.
 */
class ExecStreamsTest {

    /** The default capacity of a Linux pipe (pipe(7)). */
    private static final int PIPE_CAPACITY = 65_536;
    private static final Pattern COUNTS = Pattern.compile("(std\\w+): (\\d+) lines, (\\d+) bytes");

    /** The first line of each pipe, then both to the end, more than a pipe each; exit 3. */
    @Test
    void readsBothPipesToTheEndEachMoreThanAPipeHolds() {
        List<String> lines = RecipeRun.lines(ExecStreams.RECIPE);
        assertThat(lines.subList(0, 2))
                .containsExactlyInAnyOrder("stdout says: started", "stderr says: a warning");
        assertThat(lines.getLast()).isEqualTo("exit code: 3");
        for (String line : lines.subList(2, 4)) {
            Matcher m = COUNTS.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            assertThat(Integer.parseInt(m.group(2))).as(line).isEqualTo(1001);
            assertThat(Long.parseLong(m.group(3))).as(line).isGreaterThan(PIPE_CAPACITY);
        }
        assertThat(lines.get(2)).startsWith("stdout: ");
        assertThat(lines.get(3)).startsWith("stderr: ");
    }

    /** A line reaches the reader while the child still runs: the child waits for its input. */
    @Test
    void aLineArrivesWhileTheChildStillRuns() throws Exception {
        Process child = new ProcessBuilder("sh", "-c", "echo first; read x; echo second").start();
        child.getErrorStream().close();
        CountDownLatch firstLine = new CountDownLatch(1);
        PrintStream out = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                if (b == '\n') {
                    firstLine.countDown();
                }
            }
        }, true, StandardCharsets.UTF_8);
        CompletableFuture<ExecStreams.Pipe> reader = CompletableFuture.supplyAsync(
                () -> read(child, out), Thread::startVirtualThread);
        assertThat(firstLine.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.isAlive()).as("the child waits in 'read x' until stdin closes").isTrue();
        assertThat(reader).isNotDone();
        child.getOutputStream().close();
        assertThat(reader.get(30, TimeUnit.SECONDS).lines()).isEqualTo(2);
        assertThat(child.waitFor()).isZero();
    }

    private static ExecStreams.Pipe read(Process child, PrintStream out) {
        try {
            return ExecStreams.read("stdout", child.inputReader(), out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Read only stdout, and the child stops inside a write to its full stderr pipe: stdout never
     * ends until stderr is read too. Linux only: the child's state is read from /proc.
     */
    @Test
    void readingOnlyStdoutLeavesTheChildStuckOnAFullStderr() throws Exception {
        Integer write = Map.of("amd64", 1, "x86_64", 1, "aarch64", 64)
                .get(System.getProperty("os.arch"));
        assumeTrue(write != null && Files.isReadable(Path.of("/proc/self/syscall")),
                "needs Linux's /proc/PID/syscall on x86-64 or AArch64");
        Process child = new ProcessBuilder("sh", "-c", ExecStreams.CHILD).start();
        try {
            child.getOutputStream().close();
            CompletableFuture<Long> stdout = CompletableFuture.supplyAsync(
                    () -> count(child), Thread::startVirtualThread);
            awaitStuckWritingToStderr(child, write);
            assertThat(stdout).as("stdout cannot end while the child is stuck").isNotDone();
            long stderrBytes = child.getErrorStream().readAllBytes().length;   // unstick it
            assertThat(stderrBytes).isGreaterThan(PIPE_CAPACITY);
            assertThat(stdout.get(30, TimeUnit.SECONDS)).isGreaterThan(PIPE_CAPACITY);
            assertThat(child.waitFor()).isEqualTo(3);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    private static long count(Process child) {
        try {
            return child.getInputStream().readAllBytes().length;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Waits (at most 30 s, then fails) until the child sleeps inside the system call
     * {@code write} to its stderr pipe, which a write to a pipe only does when the pipe is full.
     * The shell writes {@code echo ... >&2} through file descriptor 1, duplicated from 2 for
     * the command, so the pipe is recognised by what the descriptor refers to, not its number.
     */
    private static void awaitStuckWritingToStderr(Process child, int write) throws Exception {
        Path proc = Path.of("/proc", Long.toString(child.pid()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String seen = "";
        while (true) {
            String syscall = Files.readString(proc.resolve("syscall"));
            String[] fields = syscall.split(" ", -1);
            if (fields.length > 1 && fields[0].equals(Integer.toString(write))) {
                String fd = Long.toString(Long.decode(fields[1]));
                Path target = Files.readSymbolicLink(proc.resolve("fd").resolve(fd));
                Path stderr = Files.readSymbolicLink(proc.resolve("fd").resolve("2"));
                if (target.equals(stderr) && Files.readString(proc.resolve("syscall"))
                        .equals(syscall)) {
                    return;
                }
            }
            seen = syscall;
            assertThat(child.isAlive()).as("the child ended without blocking").isTrue();
            assertThat(System.nanoTime()).as("child never stuck on stderr; /proc says " + seen)
                    .isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
