package dev.loomcookbook.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pinning demo's child JVM never outlives its parent, and streams its progress. Each child
 * holds for a minute per pattern, so it is surely still running when the test acts on it.
 */
class PinningChildTest {

    /** A parent JVM running the pinning demo with a long hold; it prints progress and is killed by the test. */
    public static final class DemoOwner {
        public static void main(String[] args) {
            PinningDemo.main(new String[] {"--hold", "1m"});
        }
    }

    /** The child reports each pattern as it finishes: the first one's result arrives while the child still runs. */
    @Test
    void streamsEachPatternAsItFinishes() throws Exception {
        Process child = startChild();
        try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
            String line = readUntil(out, PinningPatterns.PROGRESS_PREFIX + "done SYNCHRONIZED ");
            assertThat(line).contains("B runs");
            assertThat(child.isAlive()).as("the child still runs the other patterns").isTrue();
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /** When its stdin reaches EOF (the parent closed it, or died), the child halts at once, mid-pattern. */
    @Test
    void childExitsWhenItsStdinCloses() throws Exception {
        Process child = startChild();
        try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
            readUntil(out, PinningPatterns.PROGRESS_PREFIX + "start SYNCHRONIZED");
            child.getOutputStream().close();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child exited").isTrue();
            assertThat(child.exitValue()).isEqualTo(PinningPatterns.PARENT_GONE);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /** Killing the demo's JVM with SIGKILL (no shutdown hook runs) still ends its child JVM. */
    @Test
    void childExitsWhenTheDemoIsKilled() throws Exception {
        Process owner = new ProcessBuilder(java(), "--enable-preview", "-cp",
                System.getProperty("java.class.path"),
                DemoOwner.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ProcessHandle child = null;
        try (BufferedReader out = owner.inputReader(StandardCharsets.UTF_8)) {
            readUntil(out, "1/4 ");
            List<ProcessHandle> children = owner.toHandle().children().toList();
            assertThat(children).as("the demo's child JVM").hasSize(1);
            child = children.getFirst();

            owner.destroyForcibly();
            assertThat(owner.waitFor(30, TimeUnit.SECONDS)).isTrue();
            child.onExit().get(30, TimeUnit.SECONDS);
            assertThat(child.isAlive()).as("child " + child.pid()).isFalse();
        } finally {
            owner.destroyForcibly().waitFor();
            if (child != null) {
                child.destroyForcibly();
            }
        }
    }

    private static Process startChild() throws Exception {
        return new ProcessBuilder(java(), "--enable-preview", "--enable-native-access=ALL-UNNAMED",
                PinningDemo.ONE_CARRIER.get(0), PinningDemo.ONE_CARRIER.get(1),
                "-cp", System.getProperty("java.class.path"), PinningPatterns.class.getName(),
                "60000")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    /** The first line that contains {@code text}; fails if the stream ends first. */
    private static String readUntil(BufferedReader out, String text) throws Exception {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("the process ended without printing '" + text + "'");
    }
}
