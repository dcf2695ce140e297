package dev.loomcookbook.subprocess;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.RecipeRun;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@link CommunicateInput}: input, output and errors go at once, so no pipe ever stalls. */
class CommunicateInputTest {

    private static CommunicateInput.Output communicate(String script, byte[] input)
            throws IOException, InterruptedException {
        return CommunicateInput.communicate(new ProcessBuilder("sh", "-c", script).start(), input);
    }

    /** A megabyte, far more than the two pipes hold, goes through cat and comes back the same. */
    @Test
    void moreThanThePipesHoldRoundTripsThroughCat() throws Exception {
        byte[] input = new byte[1 << 20];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31 + i / 251);
        }
        CommunicateInput.Output result = communicate("exec cat", input);
        assertThat(result.stdout()).isEqualTo(input);
        assertThat(result.stderr()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    /** stdout and stderr are kept apart, and the exit code is the child's. */
    @Test
    void keepsStdoutAndStderrApartWithTheExitCode() throws Exception {
        CommunicateInput.Output result =
                communicate("cat; echo oops >&2; exit 5", "abc".getBytes(UTF_8));
        assertThat(new String(result.stdout(), UTF_8)).isEqualTo("abc");
        assertThat(new String(result.stderr(), UTF_8)).isEqualTo("oops\n");
        assertThat(result.exitCode()).isEqualTo(5);
    }

    /** A child that exits without reading its input still gives its exit code (broken pipe). */
    @Test
    void aChildThatIgnoresItsInputStillGivesItsExitCode() throws Exception {
        CommunicateInput.Output result = communicate("exit 7", new byte[1 << 20]);
        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.stdout()).isEmpty();
    }

    /** The recipe's run: 110,000 bytes through tr, upper-cased, nothing on stderr, exit 0. */
    @Test
    void runSendsAndGetsBackEveryByte() {
        assertThat(RecipeRun.lines(CommunicateInput.RECIPE)).containsExactly(
                "sent 110000 bytes",
                "got 110000 bytes back, the first line: HELLO FROM THE PARENT",
                "stderr: 0 bytes",
                "exit code: 0");
    }
}
