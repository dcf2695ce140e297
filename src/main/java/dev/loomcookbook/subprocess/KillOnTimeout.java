package dev.loomcookbook.subprocess;

import dev.loomcookbook.recipes.Recipe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.StructuredTaskScope;

/**
 * {@code asyncio.wait_for(proc.wait(), timeout)}, then {@code proc.kill()} and
 * {@code await proc.wait()}: a child that outlives its timeout is killed and reaped, and the
 * thread reading its output ends with it.
 */
public final class KillOnTimeout {

    /** This recipe: {@code recipes subprocess-timeout}. */
    public static final Recipe RECIPE = Recipe.of("subprocess-timeout",
            "wait_for(proc.wait(), t); proc.kill(); await proc.wait()",
            KillOnTimeout.class, KillOnTimeout::run)
            .differs("killed by SIGKILL, the exit code is 137 (128 + 9) where Python says -9")
            .normalise("^exit code: -9$", "exit code: 137");

    private KillOnTimeout() {}

    static void run(PrintStream out) throws IOException, InterruptedException {
        // @start region="timeout"
        // exec: sh becomes sleep, so no grandchild outlives the kill or holds the pipe open
        Process child = new ProcessBuilder("sh", "-c", "echo working; exec sleep 60").start();
        child.getOutputStream().close();
        BufferedReader lines = child.inputReader();
        out.println("stdout: " + lines.readLine());  // it has started: the timeout counts from now
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> printLines(out, lines));                // ends when the pipe closes
            out.println("exit code: " + waitOrKill(out, child, Duration.ofMillis(200)));
            scope.join();
        }
        // @end
    }

    // @start region="wait-or-kill"
    /** Waits for the child to exit, killing it after {@code timeout}; its exit code. */
    static int waitOrKill(PrintStream out, Process child, Duration timeout)
            throws InterruptedException {
        if (!child.waitFor(timeout)) {              // wait_for(proc.wait(), timeout)
            out.println("still running after " + timeout.toMillis() + " ms: kill it");
            child.destroyForcibly();                // proc.kill(): SIGKILL on Linux
        }
        return child.waitFor();                     // await proc.wait(): ended and reaped
    }
    // @end

    /** Prints each line of {@code pipe} until the pipe closes (an interrupt does not end it). */
    static Void printLines(PrintStream out, BufferedReader pipe) throws IOException {
        for (String line; (line = pipe.readLine()) != null;) {
            out.println("stdout: " + line);
        }
        return null;
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
