package dev.loomcookbook.cli;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Builds picocli command lines with the project's shared rules: durations like {@code 250ms},
 * usage errors as one line plus the usage on stderr with exit code 2, and any other failure as
 * one line (no stack trace unless {@code -Dloomcookbook.debug=true}) with exit code 1.
 */
public final class Cli {

    /** Exit code for bad input: an unknown command or option, or a value out of range. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    private Cli() {}

    /** A command line for {@code command} with the shared converters and error handlers. */
    public static CommandLine commandLine(Object command) {
        return configure(new CommandLine(command));
    }

    /**
     * Applies the shared converters and handlers to {@code cl} and every subcommand it has now.
     * Picocli applies them only to the subcommands present at the call: add subcommands first.
     */
    public static CommandLine configure(CommandLine cl) {
        cl.registerConverter(Duration.class, new DurationConverter());
        cl.setExecutionExceptionHandler(Cli::onFailure);
        cl.setParameterExceptionHandler(Cli::onBadInput);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setAbbreviatedOptionsAllowed(false);
        return cl;
    }

    /** Runs {@code command} with {@code args} on the real console and returns the exit code. */
    public static int run(Object command, String... args) {
        return commandLine(command).execute(args);
    }

    /** Runs {@code command} with output to {@code out} and {@code err}; returns the exit code. */
    public static int run(Object command, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    private static int onBadInput(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !cl.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().getFirst() + "' (run 'list' to see every demo)";
        }
        err.println(cl.getColorScheme().errorText("error: " + message));
        err.print(cl.getUsageMessage(cl.getColorScheme()));
        err.flush();
        return USAGE;
    }

    private static int onFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (Boolean.getBoolean("loomcookbook.debug")) {
            e.printStackTrace(err);
        } else {
            String message = e.getMessage() == null ? "" : ": " + e.getMessage();
            err.println(cl.getColorScheme().errorText(
                    "error: " + e.getClass().getSimpleName() + message
                            + " (run with -Dloomcookbook.debug=true for the stack trace)"));
        }
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }
}
