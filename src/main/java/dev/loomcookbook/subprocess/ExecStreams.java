package dev.loomcookbook.subprocess;

import dev.loomcookbook.recipes.Recipe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;

/**
 * {@code asyncio.create_subprocess_exec} with stdout and stderr piped: one virtual thread reads
 * each pipe as the child writes it, so neither pipe fills up and stalls the child.
 */
public final class ExecStreams {

    /** This recipe: {@code recipes subprocess-exec}. */
    public static final Recipe RECIPE = Recipe.of("subprocess-exec",
            "asyncio.create_subprocess_exec(..., stdout=PIPE, stderr=PIPE)",
            ExecStreams.class, ExecStreams::run)
            .differs("a read blocked on a pipe holds its carrier (the scheduler adds one), "
                    + "ignores interrupts")
            .anyOrder(" says: ");

    // @start region="child"
    /** The child: a line on each stream, then about 97 KB to each, interleaved; exit code 3. */
    static final String CHILD = """
            echo started
            echo 'a warning' >&2
            row=0123456789; row=$row$row$row$row$row$row$row$row$row
            i=0
            while [ $i -lt 1000 ]; do
                echo "out $i $row"
                echo "err $i $row" >&2
                i=$((i + 1))
            done
            exit 3
            """;
    // @end

    private ExecStreams() {}

    static void run(PrintStream out) throws IOException, InterruptedException {
        // @start region="exec"
        Process child = new ProcessBuilder("sh", "-c", CHILD).start();   // stdout, stderr: pipes
        child.getOutputStream().close();                                  // nothing to send
        try (var scope = StructuredTaskScope.open()) {       // a reader per pipe, both at once
            Subtask<Pipe> stdout = scope.fork(() -> read("stdout", child.inputReader(), out));
            Subtask<Pipe> stderr = scope.fork(() -> read("stderr", child.errorReader(), out));
            scope.join();
            out.println(stdout.get());          // each pipe carried more than the 64 KiB
            out.println(stderr.get());          // a Linux pipe holds
        }
        out.println("exit code: " + child.waitFor());                   // await proc.wait()
        // @end
    }

    // @start region="read"
    /** What one pipe carried. */
    record Pipe(String name, int lines, long bytes) {
        @Override
        public String toString() {
            return name + ": " + lines + " lines, " + bytes + " bytes";
        }
    }

    /** Reads a pipe to its end, printing its first line as soon as it arrives. */
    static Pipe read(String name, BufferedReader pipe, PrintStream out) throws IOException {
        int lines = 0;
        long bytes = 0;
        for (String line; (line = pipe.readLine()) != null; lines++) {
            if (lines == 0) {
                out.println(name + " says: " + line);
            }
            bytes += line.length() + 1;         // ASCII, and the newline
        }
        return new Pipe(name, lines, bytes);
    }
    // @end

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
