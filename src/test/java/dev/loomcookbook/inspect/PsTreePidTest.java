package dev.loomcookbook.inspect;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@code pstree PID} against other processes: a JVM's scope tree is drawn, anything else is a usage error. */
class PsTreePidTest {

    /** pstree PID of another JVM draws that JVM's named scope. */
    @Test
    void drawsTheNamedScopeOfAnotherJvm() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "--enable-preview", "-cp", System.getProperty("java.class.path"),
                ScopeHolder.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(firstLine(child)).as("the child's readiness line").isEqualTo(ScopeHolder.READY);

            CliRun run = CliRun.main("pstree", String.valueOf(child.pid()));

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("scope \"" + ScopeHolder.SCOPE + "\"");
            child.getOutputStream().close();
            assertThat(child.waitFor(30, SECONDS)).as("the child exits once its stdin closes").isTrue();
        } finally {
            child.destroyForcibly().waitFor(30, SECONDS);
        }
    }

    /** pstree PID of a process that is not a JVM exits 2 with one clear line. */
    @Test
    void processThatIsNotAJvmIsAUsageError() throws Exception {
        Process cat = new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CliRun run = CliRun.main("pstree", String.valueOf(cat.pid()));

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err().lines().findFirst().orElseThrow())
                    .startsWith("error: PID " + cat.pid() + " (cat) ")
                    .contains("jcmd");
            assertThat(run.err()).doesNotContain("\tat ");
        } finally {
            cat.destroyForcibly().waitFor(30, SECONDS);
        }
    }

    /** The child's first stdout line, waiting at most 30 s (readLine itself cannot be interrupted). */
    private static String firstLine(Process child) throws Exception {
        BufferedReader out = child.inputReader(StandardCharsets.UTF_8);
        try (ExecutorService reader = Executors.newSingleThreadExecutor()) {
            Future<String> line = reader.submit(out::readLine);
            try {
                return line.get(30, SECONDS);
            } finally {
                // Ends a read still blocked (on failure) so that the reader thread ends too.
                if (!line.isDone()) {
                    child.destroyForcibly().waitFor(30, SECONDS);
                }
            }
        }
    }
}
