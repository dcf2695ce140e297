package dev.loomcookbook.subprocess;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.loomcookbook.recipes.Recipe;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;

/**
 * {@code proc.communicate(input)}: send the child its input while reading what it writes back,
 * then wait for it to exit; more data than a pipe holds goes both ways without a deadlock.
 */
// Output holds bytes, as communicate() returns them; it is read, never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
public final class CommunicateInput {

    /** This recipe: {@code recipes communicate}. */
    public static final Recipe RECIPE = Recipe.of("communicate", "await proc.communicate(input)",
            CommunicateInput.class, CommunicateInput::run)
            .differs("no communicate() in the JDK: three virtual threads, one per pipe, do it");

    private CommunicateInput() {}

    static void run(PrintStream out) throws IOException, InterruptedException {
        // @start region="communicate"
        byte[] input = "hello from the parent\n".repeat(5000).getBytes(UTF_8);   // 110 KB
        Process child = new ProcessBuilder("tr", "a-z", "A-Z").start();
        Output result = communicate(child, input);
        out.println("sent " + input.length + " bytes");
        String firstLine = new String(result.stdout(), UTF_8).lines().findFirst().orElse("");
        out.println("got " + result.stdout().length + " bytes back, the first line: " + firstLine);
        out.println("stderr: " + result.stderr().length + " bytes");
        out.println("exit code: " + result.exitCode());
        // @end
    }

    // @start region="helper"
    /** What {@code communicate} returns, and the exit code ({@code proc.returncode}). */
    record Output(byte[] stdout, byte[] stderr, int exitCode) {}

    /** Writes {@code input} to the child and reads its stdout and stderr, all at once. */
    static Output communicate(Process child, byte[] input) throws InterruptedException {
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> {
                try (OutputStream stdin = child.getOutputStream()) {
                    stdin.write(input);             // closing it tells the child: no more input
                } catch (IOException e) {
                    // the child closed its end early (a broken pipe): communicate ignores it too
                }
                return null;
            });
            Subtask<byte[]> stdout = scope.fork(() -> child.getInputStream().readAllBytes());
            Subtask<byte[]> stderr = scope.fork(() -> child.getErrorStream().readAllBytes());
            scope.join();
            return new Output(stdout.get(), stderr.get(), child.waitFor());
        }
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
