package dev.loomcookbook.subprocess;

import dev.loomcookbook.recipes.Recipe;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code asyncio.create_subprocess_shell(cmd)} against {@code create_subprocess_exec}: a shell
 * splits an argument at its spaces and runs what follows a {@code ;}, while the exec form hands
 * the child the argument as it is.
 */
public final class ShellOrExec {

    /** This recipe: {@code recipes subprocess-shell}. */
    public static final Recipe RECIPE = Recipe.of("subprocess-shell",
            "asyncio.create_subprocess_shell(cmd)", ShellOrExec.class, ShellOrExec::run)
            .differs("Java has no shell form (spell out sh -c) and no shlex.quote");

    private ShellOrExec() {}

    static void run(PrintStream out) throws IOException, InterruptedException {
        // @start region="shell-or-exec"
        String name = "two words; echo injected";       // say, a file name a user typed
        // create_subprocess_shell: a shell parses the line, so the ';' starts a second command
        print(out, "shell", new ProcessBuilder("sh", "-c", "printf '[%s]\\n' " + name));
        // create_subprocess_exec: no shell; the child gets the name as one argument
        print(out, "exec", new ProcessBuilder("printf", "[%s]\\n", name));
        // @end
    }

    /** Runs {@code command} and prints each line it writes, stdout and stderr merged. */
    static void print(PrintStream out, String form, ProcessBuilder command)
            throws IOException, InterruptedException {
        for (String line : lines(command)) {
            out.println(form + ": " + line);
        }
    }

    /** The lines {@code command} writes, stdout and stderr merged, once it has exited. */
    static List<String> lines(ProcessBuilder command) throws IOException, InterruptedException {
        Process child = command.redirectErrorStream(true).start();
        child.getOutputStream().close();
        List<String> lines = child.inputReader().lines().toList();
        child.waitFor();
        return lines;
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
