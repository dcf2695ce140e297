package dev.loomcookbook.pooling;

import dev.loomcookbook.common.ChildJvm;
import java.util.Map;

/**
 * The worker process running a task ended before answering: killed, {@code System.exit} in the
 * task, out of memory, a crash, or stopped and then killed by the pool because it no longer
 * read or answered. Only the tasks it held fail (one task, or one chunk of a map); the pool
 * starts a new worker.
 */
public final class WorkerDiedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT",
            8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM");

    private final long pid;
    private final int exitCode;

    /**
     * @param detail what else is known (the pool killed it and why, or an answer cut short), or null
     */
    WorkerDiedException(long pid, int exitCode, String lastOutput, String detail) {
        super("worker pid " + pid + " died while running the task: " + describe(exitCode)
                + (detail == null ? "" : "; " + detail)
                + (lastOutput == null || lastOutput.isBlank() ? ""
                        : "; its last output: " + lastOutput.strip()));
        this.pid = pid;
        this.exitCode = exitCode;
    }

    /** The dead worker's process id. */
    public long pid() {
        return pid;
    }

    /** Its exit code; on Unix, 128 + N means it was killed by signal N. */
    public int exitCode() {
        return exitCode;
    }

    /** How an exit code reads: {@code exited with code 3 (...)} or {@code killed by signal 9 (SIGKILL)}. */
    public static String describe(int exitCode) {
        if (exitCode > 128 && exitCode < 160) {
            int signal = exitCode - 128;
            return "killed by signal " + signal + " ("
                    + SIGNALS.getOrDefault(signal, "signal " + signal)
                    + "), exit code " + exitCode;
        }
        if (exitCode == 3) {
            return "exited with code 3 (the code of -XX:+ExitOnOutOfMemoryError: out of memory, or System.exit(3))";
        }
        if (exitCode == ChildJvm.PARENT_GONE) {
            return "exited with code " + exitCode
                    + " (a worker's code when it finds its parent gone, or System.exit("
                    + exitCode + "))";
        }
        return "exited with code " + exitCode;
    }
}
