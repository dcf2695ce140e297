package dev.loomcookbook.pooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No orphans: when the process that owns a pool dies, its workers exit, idle or busy. */
class ProcessPoolOrphanTest {

    /** A parent JVM with a pool of two workers, one of them busy forever; it prints the PIDs and waits. */
    public static final class PoolOwner {
        public static void main(String[] args) throws Exception {
            ProcessPool pool = ProcessPoolTest.pool(2).build();
            pool.awaitWorkersStarted();
            List<Long> pids = pool.workerPids();
            var _ = pool.submit(() -> {     // busy forever: the worker must die with its owner
                Thread.sleep(Long.MAX_VALUE);
                return null;
            });
            System.out.println(
                    pids.stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElseThrow());
            System.out.flush();
            System.in.read();
        }
    }

    /** Killing the pool's owner with SIGKILL (no shutdown hooks run) still ends every worker. */
    @Test
    void workersExitWhenTheirParentIsKilled(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path ownerErr = dir.resolve("owner-stderr.txt");
        Process owner = new ProcessBuilder(java, "--enable-preview", "-cp",
                System.getProperty("java.class.path"),
                PoolOwner.class.getName())
                .redirectError(ownerErr.toFile()).start();
        try (ExecutorService reader = Executors.newSingleThreadExecutor();
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(owner.getInputStream(),
                                StandardCharsets.UTF_8))) {
            String line = firstLine(reader, out, owner, ownerErr);
            assertThat(line)
                    .as("the owner printed its workers' PIDs; its stderr: %s", stderrOf(ownerErr))
                    .isNotNull();
            List<ProcessHandle> workers = Arrays.stream(line.split(" ")).map(Long::parseLong)
                    .map(pid -> ProcessHandle.of(pid).orElseThrow()).toList();
            assertThat(workers).hasSize(2).allMatch(ProcessHandle::isAlive);

            owner.destroyForcibly();
            assertThat(owner.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle w : workers) {
                w.onExit().get(30, TimeUnit.SECONDS);
                assertThat(w.isAlive()).as("worker " + w.pid()).isFalse();
            }
        } finally {
            // Also ends a reader still blocked on the owner's stdout.
            owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The owner's first stdout line, waiting at most 30 s (readLine itself cannot be interrupted). */
    private static String firstLine(ExecutorService reader, BufferedReader out, Process owner,
            Path ownerErr)
            throws Exception {
        Future<String> line = reader.submit(out::readLine);
        try {
            return line.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(
                    "the owner printed no PIDs within 30 s; its stderr: " + stderrOf(ownerErr), e);
        }
    }

    private static String stderrOf(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "(none)";
    }
}
