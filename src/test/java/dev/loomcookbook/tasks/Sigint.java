package dev.loomcookbook.tasks;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT for the tests' child processes: {@code kill -INT PID} (the JDK can send SIGTERM and
 * SIGKILL only), and a command prefix that makes sure the child can receive it at all.
 *
 * <p>A process started in the background by a shell without job control inherits SIGINT as
 * ignored, and neither the JVM nor Python installs a handler for an ignored SIGINT: such a child
 * would never see the signal. {@link #receivable(List)} then starts the child through
 * {@code env --default-signal=INT} (GNU coreutils 8.31 and newer), and skips the test when that is
 * not available.
 */
final class Sigint {

    /** SIGINT's bit in the signal masks of {@code /proc/PID/status}. */
    private static final long SIGINT_BIT = 1L << (2 - 1);

    private Sigint() {}

    /** Sends SIGINT to {@code process}, as Ctrl-C in its terminal would. */
    static void send(Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly().waitFor();
            throw new AssertionError("kill -INT " + process.pid() + " failed: " + out.strip());
        }
    }

    /**
     * {@code command}, started so that its process receives SIGINT: as it is, unless this process
     * ignores SIGINT (which a child would inherit); then behind {@code env --default-signal=INT}.
     */
    static List<String> receivable(List<String> command) throws IOException, InterruptedException {
        if (!ignoredHere()) {
            return command;
        }
        Process probe = new ProcessBuilder("env", "--default-signal=INT", "true")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean works = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        probe.destroyForcibly().waitFor();
        assumeTrue(works, "skipped: this process ignores SIGINT (started in the background"
                + " without job control?) and 'env --default-signal' cannot undo it for a child");
        List<String> prefixed = new ArrayList<>(List.of("env", "--default-signal=INT"));
        prefixed.addAll(command);
        return prefixed;
    }

    /** True if this process ignores SIGINT (Linux only: elsewhere it is assumed not to). */
    static boolean ignoredHere() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & SIGINT_BIT) != 0;
            }
        }
        return false;
    }

    /**
     * Reads {@code out} until every one of {@code lines} has been seen, and returns all the lines
     * read; fails if the stream ends first.
     */
    static List<String> readUntil(BufferedReader out, List<String> lines) throws IOException {
        List<String> read = new ArrayList<>();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            read.add(line);
            if (read.containsAll(lines)) {
                return read;
            }
        }
        throw new AssertionError("the process ended before printing " + lines + "; it printed "
                + read);
    }
}
