package dev.loomcookbook.pooling;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a pool must survive without losing a task or hanging: replies that cannot be read,
 * results the parent must not rebuild, workers that stop, tasks that damage their worker.
 */
class ProcessPoolFaultTest {

    private static ProcessPool.Builder pool(int workers) {
        return ProcessPoolTest.pool(workers);
    }

    /** A direct-sent task whose reply throws while being read fails alone; the pool keeps serving. */
    @Test
    void replyThatThrowsWhileReadFailsOnlyItsTask() throws Exception {
        byte[] forged = Hostile.replyThatThrowsWhenRead();
        ProcessPool p = pool(1).build();
        try {
            p.awaitWorkersStarted();
            Future<Object> f = p.submit(() -> {
                Hostile.writeToChannel(forged);
                Runtime.getRuntime().halt(0);
                return null;
            });
            assertThatThrownBy(() -> f.get(15, SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(p.isTerminated()).as("terminated while running").isFalse();
            assertThat(p.submit(() -> "still serving").get(15, SECONDS)).isEqualTo("still serving");
        } finally {
            closeWithin(p);
        }
    }

    /** A result whose rebuilding takes exponential time (shared nested hash sets) fails alone, quickly. */
    @Test
    void resultThatTakesForeverToRebuildFailsAlone() throws Exception {
        ProcessPool p = pool(1).build();
        try {
            Future<Object> f = p.submit(() -> Hostile.hashBomb(60));
            assertThatThrownBy(() -> f.get(15, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().hasMessageContaining("rebuild");
            assertThat(p.submit(() -> "still serving").get(15, SECONDS)).isEqualTo("still serving");
        } finally {
            closeWithin(p);
        }
    }

    /**
     * A result slow to rebuild while using little CPU time is delivered: the worker's budget for
     * reading it back is CPU time, so a machine that stalls the reader does not fail the task.
     * (Here the reader sleeps 1 s, twice the 500 ms the budget allows once the worker is warm.)
     */
    @Test
    void resultSlowToRebuildWithoutCpuTimeIsDelivered() throws Exception {
        ProcessPool p = pool(1).allow(SlowToRead.class.getName()).build();
        try {
            assertThat(p.submit(() -> new SlowToRead(0)).get(30, SECONDS)).isNotNull(); // warm
            Future<Object> f = p.submit(() -> new SlowToRead(1000));
            assertThat(f.get(30, SECONDS)).isInstanceOfSatisfying(SlowToRead.class,
                    r -> assertThat(r.sleptMillis).isEqualTo(1000));
        } finally {
            closeWithin(p);
        }
    }

    /** A result whose reading sleeps: it takes time, but almost no CPU time. */
    static final class SlowToRead implements Serializable {
        private static final long serialVersionUID = 1L;
        final long sleptMillis;

        SlowToRead(long sleptMillis) {
            this.sleptMillis = sleptMillis;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            try {
                Thread.sleep(sleptMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading");
            }
        }
    }

    /**
     * The worker left with a thread stuck rebuilding a result says so before its answer: the next
     * task goes to its replacement, never to the worker that is about to exit.
     */
    @Test
    void workerThatMustExitGetsNoFurtherTask() throws Exception {
        ProcessPool p = pool(1).build();
        try {
            long before = p.submit(() -> ProcessHandle.current().pid()).get(15, SECONDS);
            Future<Object> f = p.submit(() -> Hostile.hashBomb(60));
            assertThatThrownBy(() -> f.get(15, SECONDS)).isInstanceOf(ExecutionException.class);
            long after = p.submit(() -> ProcessHandle.current().pid()).get(15, SECONDS);
            assertThat(after).as("the pid that ran the task after the stuck one")
                    .isNotEqualTo(before);
        } finally {
            closeWithin(p);
        }
    }

    /** A 1 KB reply claiming nested arrays of 64 Mi elements is refused before anything big is allocated. */
    @Test
    void arrayBombInAReplyIsRefused() throws Exception {
        byte[] forged = Hostile.arrayBombReply();
        assertThat(forged.length).isLessThan(2048);
        ProcessPool p = pool(1).build();
        try {
            Future<Object> f = p.submit(() -> {
                Hostile.writeToChannel(forged);
                Runtime.getRuntime().halt(0);
                return null;
            });
            assertThatThrownBy(() -> f.get(15, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().hasMessageContaining("array");
            assertThat(p.submit(() -> "still serving").get(15, SECONDS)).isEqualTo("still serving");
        } finally {
            closeWithin(p);
        }
    }

    /** close() with an idle worker also ends the processes its tasks started. */
    @Test
    void closeEndsTheProcessesAnIdleWorkersTasksStarted() throws Exception {
        long child;
        ProcessPool p = pool(1).build();
        try {
            child = p.submit(() -> new ProcessBuilder("sleep", "60")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().pid())
                    .get(15, SECONDS);
        } finally {
            closeWithin(p);
        }
        try {
            // Its end may take a moment to be seen (a process that is not this JVM's child is polled).
            Optional<ProcessHandle> h = ProcessHandle.of(child);
            if (h.isPresent()) {
                try {
                    h.get().onExit().get(10, SECONDS);
                } catch (java.util.concurrent.TimeoutException stillAlive) {
                    // the assertion below says so
                }
            }
            assertThat(ProcessHandle.of(child).filter(ProcessHandle::isAlive))
                    .as("process " + child).isEmpty();
        } finally {
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** A queued task that never ran stays queued through two failed worker starts, and runs on the next worker. */
    @Test
    void queuedTaskSurvivesTwoFailedStartsInARow(@TempDir Path dir) throws Exception {
        String attempts = dir.resolve("starts").toString();
        String tasks = dir.resolve("tasks").toString();
        ProcessPool p = pool(1).maxTasksPerWorker(1).initializer(() -> {
            int n = claimAttempt(attempts);
            if (n == 2 || n == 3) {
                throw new IllegalStateException("start " + n + " fails");
            }
        }).build();
        try {
            p.awaitWorkersStarted();
            Future<Integer> first = p.submit(() -> claimAttempt(tasks));
            Future<Integer> queued = p.submit(() -> claimAttempt(tasks));
            assertThat(first.get(15, SECONDS)).isEqualTo(1);
            assertThat(queued.get(15, SECONDS)).isEqualTo(2);
        } finally {
            closeWithin(p);
        }
        try (var files = Files.list(Path.of(attempts))) {
            assertThat(files.count()).as("worker starts").isGreaterThanOrEqualTo(4);
        }
    }

    /** Claims the next number in a folder of files (1, 2, ...): how often something ran, across processes. */
    static int claimAttempt(String folder) {
        try {
            Path dir = Files.createDirectories(Path.of(folder));
            for (int n = 1;; n++) {
                try {
                    Files.createFile(dir.resolve(Integer.toString(n)));
                    return n;
                } catch (java.nio.file.FileAlreadyExistsException taken) {
                    // try the next number
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A task that closes FileDescriptor.in succeeds, and the next tasks on that worker run normally. */
    @Test
    void closingStandardInputHarmsNoTask() throws Exception {
        ProcessPool p = pool(1).build();
        try {
            long pid = p.submit(() -> {
                new FileInputStream(FileDescriptor.in).close();
                return ProcessHandle.current().pid();
            }).get(15, SECONDS);
            for (int i = 0; i < 3; i++) {
                assertThat(p.submit(() -> ProcessHandle.current().pid()).get(15, SECONDS))
                        .isEqualTo(pid);
            }
        } finally {
            closeWithin(p);
        }
    }

    /**
     * submit() of a large task to a worker that stopped reading (SIGSTOP) returns at once; once
     * the worker goes on (SIGCONT), the task runs on it.
     */
    @Test
    void workerThatStopsReadingCannotBlockSubmit() throws Exception {
        // The default channel timeout: a short one would also hold for the worker once resumed.
        ProcessPool p = pool(1).build();
        long pid = -1;
        try {
            pid = stopTheWorker(p);
            byte[] big = new byte[1 << 20];
            AtomicReference<Future<String>> submitted = new AtomicReference<>();
            Thread submitter = Thread.ofPlatform().start(() -> submitted
                    .set(p.submit(
                            () -> big.length + " bytes in " + ProcessHandle.current().pid())));
            submitter.join(10_000);
            assertThat(submitter.isAlive()).as("submit() still blocked after 10 s").isFalse();
            signal("CONT", pid);
            assertThat(submitted.get().get(30, SECONDS)).isEqualTo((1 << 20) + " bytes in " + pid);
        } finally {
            resume(pid);
            closeWithin(p);
        }
    }

    /**
     * A worker that stopped (SIGSTOP), so that it neither answers nor acknowledges its task, is
     * killed at the channel timeout, and the task fails saying so.
     */
    @Test
    void stoppedWorkerIsKilledAtTheChannelTimeout() throws Exception {
        ProcessPool p = pool(1).channelTimeout(Duration.ofMillis(300)).build();
        long pid = -1;
        try {
            pid = stopTheWorker(p);
            Future<Integer> f = p.submit(() -> 1);
            assertThatThrownBy(() -> f.get(30, SECONDS)).cause()
                    .isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("worker pid " + pid)
                    .hasMessageContaining("killed by signal 9 (SIGKILL)")
                    .hasMessageContaining(
                            "neither answered nor acknowledged its task within 300 ms");
        } finally {
            resume(pid);
            closeWithin(p);
        }
    }

    /**
     * A worker that stopped (SIGSTOP) while a large task was written to it is killed at the
     * channel timeout, and the task, which it never got whole, goes back to the queue: it is the
     * one task shutdownNow() returns as never started. (The next worker's initializer holds it at
     * a gate, so that no worker under the short timeout ever gets the task.)
     */
    @Test
    void stalledWriteIsKilledAndItsTaskGoesBackToTheQueue(@TempDir Path dir) throws Exception {
        String starts = dir.resolve("starts").toString();
        try (Gate gate = new Gate()) {
            int port = gate.port();
            ProcessPool p = pool(1).channelTimeout(Duration.ofMillis(300)).initializer(() -> {
                if (claimAttempt(starts) > 1) {
                    ProcessPoolTest.arriveAt(port);
                }
            }).build();
            long pid = -1;
            try {
                pid = stopTheWorker(p);
                byte[] big = new byte[1 << 20];
                Future<Integer> task = p.submit(() -> big.length);
                long next = gate.awaitArrival().pid();
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                        .as("the stopped worker").isEmpty();
                assertThat(next).isNotEqualTo(pid);
                assertThat(p.shutdownNow()).containsExactly((Runnable) task);
            } finally {
                resume(pid);
                gate.releaseAll();
                closeWithin(p);
            }
        }
    }

    /** Stray bytes on the worker's file descriptor 1 that look like a frame header harm no task. */
    @Test
    void strayFrameHeaderOnFd1HarmsNoTask() throws Exception {
        byte[] header = Hostile.truncatedFrame(1000, 3);
        ProcessPool p = pool(1).build();
        List<Long> pids = new ArrayList<>();
        try {
            p.awaitWorkersStarted();
            pids.addAll(p.workerPids());
            Future<Integer> f = p.submit(() -> {
                Hostile.writeToFd1(header);
                return 7;
            });
            assertThat(f.get(15, SECONDS)).isEqualTo(7);
            assertThat(p.submit(() -> 8).get(15, SECONDS)).isEqualTo(8);
        } finally {
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            closeWithin(p);
        }
    }

    /** A worker that dies while a child it started with inheritIO lives on fails its task at once. */
    @Test
    void deathIsNoticedWhileAnInheritingChildLives(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        String pidPath = pidFile.toString();
        ProcessPool p = pool(1).build();
        try {
            Future<Object> f = p.submit(() -> {
                Process child = new ProcessBuilder("sleep", "60").inheritIO().start();
                Files.writeString(Path.of(pidPath), Long.toString(child.pid()));
                Runtime.getRuntime().halt(0);
                return null;
            });
            try {
                assertThatThrownBy(() -> f.get(10, SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(WorkerDiedException.class);
            } finally {
                if (Files.exists(pidFile)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pidFile)))
                            .ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } finally {
            closeWithin(p);
        }
    }

    /** A result nested deeper than the limit is refused with a message about depth, not about classes. */
    @Test
    void tooDeepAResultIsReportedAsTooDeep() throws Exception {
        ProcessPool p = pool(1).build();
        try {
            Future<Link> f = p.submit(() -> Link.chain(150));
            assertThatThrownBy(() -> f.get(15, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().hasMessageContaining("deep").hasMessageNotContaining("Builder.allow");
        } finally {
            closeWithin(p);
        }
    }

    /** A reply cut short and then the worker's exit says that the reply was cut short. */
    @Test
    void truncatedReplyIsReportedAsTruncated() throws Exception {
        byte[] truncated = Hostile.truncatedFrame(1000, 100);
        ProcessPool p = pool(1).build();
        try {
            Future<Object> f = p.submit(() -> {
                Hostile.writeToChannel(truncated);
                Runtime.getRuntime().halt(0);
                return null;
            });
            assertThatThrownBy(() -> f.get(15, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("100 of 1,000 bytes");
        } finally {
            closeWithin(p);
        }
    }

    /** A result above the message limit fails its task with a size error, not as a task exception. */
    @Test
    void oversizedResultIsASizeError() throws Exception {
        ProcessPool p = pool(1).maxMessageBytes(64 * 1024).build();
        try {
            Future<byte[]> f = p.submit(() -> new byte[100_000]);
            assertThatThrownBy(() -> f.get(15, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isNotInstanceOf(RemoteTaskException.class)
                    .hasMessageContaining("65,536 bytes");
        } finally {
            closeWithin(p);
        }
    }

    /** A chain of records, as deep as it is long. */
    record Link(int n, Link next) implements Serializable {
        static Link chain(int length) {
            Link l = null;
            for (int i = 0; i < length; i++) {
                l = new Link(i, l);
            }
            return l;
        }
    }

    /** Closes {@code p}, failing the test if it does not terminate within 30 s (a hang is a defect, too). */
    static void closeWithin(ProcessPool p) throws InterruptedException {
        p.shutdown();
        if (!p.awaitTermination(30, SECONDS)) {
            p.shutdownNow();
            throw new AssertionError(p + " did not terminate within 30 s of shutdown()");
        }
    }

    /** Lets a worker the test stopped go on (a worker that is gone or running is left alone). */
    private static void resume(long pid) throws IOException, InterruptedException {
        if (pid != -1 && ProcessHandle.of(pid).isPresent()) {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Stops the pool's one worker (SIGSTOP) once it is up; its pid. */
    private static long stopTheWorker(ProcessPool p) throws Exception {
        p.awaitWorkersStarted();
        long pid = p.workerPids().getFirst();
        signal("STOP", pid);
        return pid;
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill =
                new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
