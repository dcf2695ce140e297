package dev.loomcookbook.pooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** No orphans: when the process that owns a pool dies, its workers exit, idle or busy. */
class ProcessPoolOrphanTest {

    /** A parent JVM with a pool of two workers, one of them busy forever; it prints the PIDs and waits. */
    public static final class PoolOwner {
        public static void main(String[] args) throws Exception {
            ProcessPool pool = ProcessPoolTest.pool(2).build();
            pool.awaitWorkersStarted();
            List<Long> pids = pool.workerPids();
            pool.submit(() -> {
                Thread.sleep(Long.MAX_VALUE);
                return null;
            });
            System.out.println(pids.stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElseThrow());
            System.out.flush();
            System.in.read();
        }
    }

    /** Killing the pool's owner with SIGKILL (no shutdown hooks run) still ends every worker. */
    @Test
    void workersExitWhenTheirParentIsKilled() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process owner = new ProcessBuilder(java, "--enable-preview", "-cp", System.getProperty("java.class.path"),
                PoolOwner.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<ProcessHandle> workers;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream()))) {
            String line = out.readLine();
            assertThat(line).as("the owner printed its workers' PIDs").isNotNull();
            workers = Arrays.stream(line.split(" ")).map(Long::parseLong)
                    .map(pid -> ProcessHandle.of(pid).orElseThrow()).toList();
            assertThat(workers).hasSize(2).allMatch(ProcessHandle::isAlive);

            owner.destroyForcibly();
            assertThat(owner.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle w : workers) {
                w.onExit().get(30, TimeUnit.SECONDS);
                assertThat(w.isAlive()).as("worker " + w.pid()).isFalse();
            }
        } finally {
            owner.destroyForcibly().waitFor();
        }
    }
}
