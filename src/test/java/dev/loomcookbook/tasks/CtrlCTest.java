package dev.loomcookbook.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.common.ChildJvm;
import dev.loomcookbook.testing.Python;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A real Ctrl-C: SIGINT sent to a child process running {@code CtrlC --wait} (a JVM) or its
 * Python twin. Windows has no {@code kill -INT} (and {@code Process.destroy} runs no shutdown
 * hooks there), so these tests run on Linux and macOS only.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "no SIGINT to send to a child process")
class CtrlCTest {

    /** A JVM's exit status after SIGINT: 128 + 2, as the shell reports a program ended by it. */
    private static final int SIGINT_EXIT = 130;

    private static final List<String> WORKING = List.of("a: working", "b: working");
    private static final List<String> CLEANUP = List.of("a: connection closed",
            "a: finally runs", "b: connection closed", "b: finally runs");

    /** The child JVM of the first test: the recipe, waiting for a real Ctrl-C. */
    public static final class WithRunner {
        public static void main(String[] args) throws Exception {
            ChildJvm.exitWithParent();
            CtrlC.main(new String[] {"--wait"});
        }
    }

    /** The child JVM of the second test: the same work with no Runner. */
    public static final class WithoutRunner {
        public static void main(String[] args) throws Exception {
            ChildJvm.exitWithParent();
            try (var scope = StructuredTaskScope.open()) {
                scope.fork(() -> {
                    try {
                        System.out.println("a: working");
                        Thread.sleep(Duration.ofDays(1));
                    } finally {
                        System.out.println("a: finally runs");
                    }
                    return null;
                });
                scope.join();
            } finally {
                System.out.println("main: finally runs");
            }
        }
    }

    /**
     * SIGINT to {@code CtrlC --wait}: the main work is cancelled, every finally block and close
     * runs, nothing is left running, and the JVM exits with 130.
     */
    @Test
    void sigintCancelsTheMainWorkAndItsCleanupRuns() throws Exception {
        Outcome outcome = interruptJvm(WithRunner.class, WORKING);
        assertThat(outcome.exitCode()).isEqualTo(SIGINT_EXIT);
        assertCancelledCleanly(outcome.lines());
    }

    /**
     * Without a Runner, SIGINT ends the JVM with 130 too, but no finally block of the running
     * threads runs: nothing interrupted them.
     */
    @Test
    void withoutARunnerNoFinallyBlockRuns() throws Exception {
        Outcome outcome = interruptJvm(WithoutRunner.class, List.of("a: working"));
        assertThat(outcome.exitCode()).isEqualTo(SIGINT_EXIT);
        assertThat(outcome.lines()).containsExactly("a: working");
    }

    /** The Python twin under {@code asyncio.run}, sent SIGINT, does the same and exits with 130. */
    @Test
    void pythonTwinDoesTheSame() throws Exception {
        Python.assumePresent();
        List<String> command = Sigint.receivable(List.of("python3", "-u",
                CtrlC.RECIPE.pythonFile(), "--wait"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process python = builder.start();
        try {
            Outcome outcome = interrupt(python, WORKING);
            assertThat(outcome.exitCode()).isEqualTo(SIGINT_EXIT);
            assertCancelledCleanly(outcome.lines());
        } finally {
            python.destroyForcibly().waitFor();
        }
    }

    /** What a child printed on stdout, and its exit code. */
    private record Outcome(int exitCode, List<String> lines) {}

    /**
     * "press Ctrl-C", the workers' lines in any order (each worker's close before its finally),
     * then the main work's cancellation, in order: nothing was left running.
     */
    private static void assertCancelledCleanly(List<String> lines) {
        List<String> workers = lines.stream().filter(l -> l.matches("[ab]: .*")).toList();
        List<String> main = lines.stream().filter(l -> !l.matches("[ab]: .*")).toList();
        assertThat(workers).containsExactlyInAnyOrderElementsOf(concat(WORKING, CLEANUP));
        for (String name : List.of("a", "b")) {
            assertThat(workers.indexOf(name + ": connection closed"))
                    .isLessThan(workers.indexOf(name + ": finally runs"));
        }
        assertThat(main).containsExactly("press Ctrl-C", "main was cancelled",
                "run ended by Ctrl-C", "workers still running: 0");
        assertThat(lines.indexOf("main was cancelled")).isGreaterThan(
                CLEANUP.stream().mapToInt(lines::indexOf).max().orElseThrow());
    }

    private static Outcome interruptJvm(Class<?> main, List<String> ready) throws Exception {
        List<String> command = Sigint.receivable(ChildJvm.command(List.of(), main, List.of()));
        // stdin stays a pipe we never write to: its EOF tells the child that we are gone.
        try (ChildJvm.Running child = ChildJvm.start(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD), "ctrl-c-child")) {
            return interrupt(child.process(), ready);
        }
    }

    /** Waits for {@code ready}, sends SIGINT, and reads the rest until the process has ended. */
    private static Outcome interrupt(Process process, List<String> ready) throws Exception {
        try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
            List<String> lines = new ArrayList<>(Sigint.readUntil(out, ready));
            Sigint.send(process);
            // The rest is a few lines, well within the pipe's buffer: read it once it has ended.
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ended after SIGINT").isTrue();
            out.lines().forEach(lines::add);
            return new Outcome(process.exitValue(), lines);
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
