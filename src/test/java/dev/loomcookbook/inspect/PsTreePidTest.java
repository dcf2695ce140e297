package dev.loomcookbook.inspect;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pstree PID} against other processes: a JVM's scope tree is drawn, anything else is a usage error. */
class PsTreePidTest {

    /** pstree PID of another JVM draws that JVM's named scope. */
    @Test
    void drawsTheNamedScopeOfAnotherJvm() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "--enable-preview", "-cp",
                System.getProperty("java.class.path"),
                ScopeHolder.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(firstLine(child)).as("the child's readiness line")
                    .isEqualTo(ScopeHolder.READY);

            CliRun run = CliRun.root("pstree", String.valueOf(child.pid()));

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("scope \"" + ScopeHolder.SCOPE + "\"");
            child.getOutputStream().close();
            assertThat(child.waitFor(30, SECONDS)).as("the child exits once its stdin closes")
                    .isTrue();
        } finally {
            child.destroyForcibly().waitFor(30, SECONDS);
        }
    }

    /**
     * pstree PID of a process that is not a JVM exits 2 with one clear line, found without
     * attaching: an attempt through jcmd would end with jcmd's own reason instead.
     */
    @Test
    void processThatIsNotAJvmIsAUsageError() throws Exception {
        Process cat =
                new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CliRun run = CliRun.root("pstree", String.valueOf(cat.pid()));

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err().lines().findFirst())
                    .hasValue("error: PID " + cat.pid() + " (cat) is not a JVM"
                            + " that this user can attach to (jcmd lists no JVM with that PID)");
            assertThat(run.err()).doesNotContain("\tat ");
        } finally {
            cat.destroyForcibly().waitFor(30, SECONDS);
        }
    }

    /** pstree PID of a JVM older than JDK 21 (no JSON thread dump) names it as such, with its version. */
    @Test
    void olderJvmIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Optional<Path> java = olderJava();
        Assumptions.assumeTrue(java.isPresent(), "no java older than JDK 21 on the PATH");
        Path source = dir.resolve("Wait.java");
        Files.writeString(source,
                "public class Wait { public static void main(String[] a) throws Exception {"
                        + " System.out.println(\"ready\"); System.in.read(); } }");
        Process child = new ProcessBuilder(java.get().toString(), source.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(firstLine(child)).as("the child's readiness line").isEqualTo("ready");

            CliRun run = CliRun.root("pstree", String.valueOf(child.pid()));

            assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
            assertThat(run.err().lines().findFirst().orElseThrow())
                    .startsWith("error: PID " + child.pid() + " (java) is a JVM of JDK ")
                    .endsWith(": pstree needs JDK 21 or later (JSON thread dumps)");
        } finally {
            child.destroyForcibly().waitFor(30, SECONDS);
        }
    }

    /** A {@code java} on the PATH whose version is older than 21, if there is one. */
    private static Optional<Path> olderJava() throws Exception {
        Set<Path> seen = new HashSet<>();
        for (String entry : System.getenv().getOrDefault("PATH", "")
                .split(java.io.File.pathSeparator, -1)) {
            Path java = Path.of(entry).resolve("java");
            if (!Files.isExecutable(java) || !seen.add(java.toRealPath())) {
                continue;
            }
            Process version = new ProcessBuilder(java.toString(), "-version")
                    .redirectErrorStream(true).start();
            String text =
                    new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            version.waitFor(30, SECONDS);
            Matcher m = Pattern.compile("version \"(\\d+)").matcher(text);
            if (m.find() && Integer.parseInt(m.group(1)) < 21 && Integer.parseInt(m.group(1)) > 8) {
                return Optional.of(java);
            }
        }
        return Optional.empty();
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
