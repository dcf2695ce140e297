package dev.loomcookbook.testing;

import dev.loomcookbook.Main;
import dev.loomcookbook.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;

/** The outcome of running a command in-process: its exit code and what it printed. */
public record CliRun(int exitCode, String out, String err) {

    /** Runs the root command ({@code loomcookbook ARGS}) with captured output. */
    public static CliRun root(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs one command object (a demo, say) with captured output. */
    public static CliRun of(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(command, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
