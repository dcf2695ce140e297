package dev.loomcookbook.pooling;

import dev.loomcookbook.pooling.ProcessPoolProtocol.Frame;
import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The parent side of one worker process: the process, its channel (a frame writer into its
 * stdin, a frame reader on its stdout), and the thread that forwards what it prints. It also
 * records what a watchdog needs (a write in progress, a frame half-read) and why the pool killed
 * it, if it did.
 */
final class WorkerProcess {

    final Process process;
    final long pid;
    private final OutputStream toWorker;
    private final FrameReader fromWorker;
    private final Thread outputPump;
    private final Consumer<String> sink;
    /** The last few lines it printed, to explain a death. */
    private final ArrayDeque<String> recentOutput = new ArrayDeque<>();
    /** When the write in progress began, or 0. */
    private volatile long writingSince;
    /** Why the pool killed it, or null. */
    private volatile String killedBecause;
    /** The worker said it ends after its current answer (set by the thread reading it). */
    volatile boolean retiring;

    private WorkerProcess(Process process, int maxFrameBody, Consumer<String> sink,
            String threadName) {
        this.process = process;
        this.pid = process.pid();
        this.sink = sink;
        this.toWorker = process.getOutputStream();
        this.fromWorker = new FrameReader(process.getInputStream(), maxFrameBody, true);
        this.outputPump = Thread.ofPlatform().daemon().name(threadName).start(this::forwardOutput);
    }

    /** Starts a worker process; its channel is then ready for the INIT frame. */
    static WorkerProcess start(PoolOptions options, List<String> command, String threadName)
            throws IOException {
        Process p = new ProcessBuilder(command).start();
        return new WorkerProcess(p, options.maxFrameBody(), options.workerOutput(), threadName);
    }

    /** Writes one whole frame and flushes it (one write to the pipe). */
    void write(byte[] frame, int length) throws IOException {
        synchronized (toWorker) {
            writingSince = System.nanoTime();
            try {
                toWorker.write(frame, 0, length);
                toWorker.flush();
            } finally {
                writingSince = 0;
            }
        }
    }

    /** The next frame from the worker (one reader at a time: the pool hands the role over). */
    Frame read() throws IOException {
        return fromWorker.read();
    }

    /** How long a write has been blocked, or a frame half-read has made no progress, in nanoseconds; 0 if neither. */
    long stalledNanos(long now) {
        long w = writingSince;
        long r = fromWorker.partialSince();
        long since = w != 0 && r != 0 ? Math.min(w, r) : Math.max(w, r);
        return since == 0 ? 0 : now - since;
    }

    boolean isWriting() {
        return writingSince != 0;
    }

    /** Records why the pool is about to kill the worker; true the first time. */
    boolean markKilled(String why) {
        synchronized (recentOutput) {
            if (killedBecause != null) {
                return false;
            }
            killedBecause = why;
            return true;
        }
    }

    /** Kills the worker and the processes it started (after {@link #markKilled}). */
    void kill() {
        endDescendants();
        process.destroyForcibly();
    }

    /** Kills the worker, remembering why for the task's failure. */
    void kill(String why) {
        markKilled(why);
        kill();
    }

    String killedBecause() {
        return killedBecause;
    }

    private void endDescendants() {
        try {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        } catch (RuntimeException gone) {
            // It exited meanwhile.
        }
    }

    /**
     * Ends the worker: closes its channel, which makes it end the processes its tasks started and
     * exit; forces it after {@code grace}. The processes it started are read first and ended too,
     * in case it exits before it can end them.
     */
    void retire(Duration grace) {
        List<ProcessHandle> children = List.of();
        try {
            children = process.descendants().toList();
        } catch (RuntimeException gone) {
            // It exited already.
        }
        try {
            toWorker.close();
        } catch (IOException alreadyGone) {
            // Broken pipe: it has exited.
        }
        boolean interrupted = false;
        try {
            if (!process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            interrupted = true;
        }
        children.forEach(ProcessHandle::destroyForcibly);
        while (true) {
            try {
                process.waitFor();
                outputPump.join(Duration.ofSeconds(5));
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits up to {@code timeout} for the process to end; true if it has. Then also waits (a
     * second at most) for its last output to be forwarded, so that {@link #lastOutput()} has it.
     */
    boolean awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            outputPump.join(Duration.ofSeconds(1));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    synchronized String lastOutput() {
        return recentOutput.isEmpty() ? null : String.join(" | ", recentOutput);
    }

    synchronized void forgetOutput() {
        recentOutput.clear();
    }

    private synchronized void remember(String line) {
        if (!line.isBlank()) {
            if (recentOutput.size() == 3) {
                recentOutput.removeFirst();
            }
            recentOutput.addLast(line.strip());
        }
    }

    private void forwardOutput() {
        String prefix = "[worker pid " + pid + "] ";
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (isJdkExitNoise(line)) {
                    continue;
                }
                remember(line);
                try {
                    sink.accept(prefix + line);
                } catch (RuntimeException e) {
                    // A faulty sink must not stop the forwarding (the worker would block on a full pipe).
                }
            }
        } catch (IOException closed) {
            // The process ended.
        }
    }

    /**
     * The line a JVM prints when a signal (SIGTERM from a shell, say) ends it so early in its
     * start-up that {@code Runtime.exit} cannot find its logger yet: {@code Runtime.exit(143)
     * logging failed: Cannot invoke "java.lang.Module.getClassLoader()" because "m" is null}. It
     * says nothing about the task (the exit code does), and no logging setting turns it off (-Xrs
     * would, but it also gives up the SIGQUIT that thread dumps and jcmd rely on), so the pool drops
     * it instead of forwarding it.
     */
    static boolean isJdkExitNoise(String line) {
        return JDK_EXIT_NOISE.matcher(line).matches();
    }

    private static final Pattern JDK_EXIT_NOISE =
            Pattern.compile("Runtime\\.exit\\(-?\\d+\\) logging failed: .*");
}
