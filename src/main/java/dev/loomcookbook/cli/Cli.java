package dev.loomcookbook.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line's one set of rules, for every command:
 * <ul>
 * <li>a usage error (an unknown or ignored option, a value out of its range, a conflict, a
 *     duplicate) is one line on stderr naming the option and what is allowed, then the usage, and
 *     exit code {@value #USAGE}, before anything runs;
 * <li>a demo whose real work failed prints one line (no stack trace unless
 *     {@code -Dloomcookbook.debug=true}) and exits {@value #FAILED};
 * <li>a demo that shows a failure on purpose (say {@code scheduler --fail}) says so in its last
 *     line and exits {@value #OK}; each command's {@code --help} lists its exit codes.
 * </ul>
 * Limits live in {@link Bounds} converters, durations read through {@link DurationConverter},
 * and the help is laid out by {@link HelpStyle}.
 */
public final class Cli {

    /** Exit code of a run that did its work, including a failure it showed on purpose. */
    public static final int OK = CommandLine.ExitCode.OK;

    /** Exit code of a demo whose real work failed. */
    public static final int FAILED = CommandLine.ExitCode.SOFTWARE;

    /** Exit code for bad input: an unknown command or option, or a value out of range. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    /** Every line of help and of a demo's output fits in this many columns. */
    public static final int WIDTH = HelpStyle.WIDTH;

    /** A Java exception's class name as it appears in messages, with its colon. */
    private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile(
            "\\b(?:[a-z]\\w*\\.)*[A-Z][\\w$]*(?:Exception|Error)\\b:?");

    private Cli() {}

    /** A command line for {@code command} with the shared converters and error handlers. */
    public static CommandLine commandLine(Object command) {
        return configure(new CommandLine(command));
    }

    /**
     * Applies the shared converters, handlers and help layout to {@code cl} and every subcommand
     * it has now. Picocli applies them only to the subcommands present at the call: add
     * subcommands first.
     */
    public static CommandLine configure(CommandLine cl) {
        cl.registerConverter(Duration.class, new DurationConverter());
        cl.setExecutionExceptionHandler(Cli::onFailure);
        cl.setParameterExceptionHandler(Cli::onBadInput);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setOverwrittenOptionsAllowed(false);
        cl.setHelpFactory(HelpStyle::new);
        cl.setUsageHelpWidth(WIDTH);
        cl.setUsageHelpAutoWidth(false);
        styleHelp(cl);
        return cl;
    }

    private static void styleHelp(CommandLine cl) {
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                HelpStyle::description);
        CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        if (usage.exitCodeList().isEmpty()) {
            Map<String, String> codes = new LinkedHashMap<>();
            codes.put(String.valueOf(OK), "done");
            codes.put(String.valueOf(FAILED), "the work failed (one line on stderr says why)");
            codes.put(String.valueOf(USAGE),
                    "a usage error (one line, then this usage); nothing ran");
            usage.exitCodeList(codes);
        }
        usage.exitCodeListHeading("Exit codes:%n");
        cl.getSubcommands().values().forEach(Cli::styleHelp);
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

    /**
     * A usage error if {@code option} was given together with any of {@code others}, which it
     * would ignore: {@code --crash runs only the crash demo, so it cannot be combined with
     * --items}. {@code why} says what the option does instead.
     */
    public static void rejectIgnored(CommandSpec spec, String option, String why,
            String... others) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (!parsed.hasMatchedOption(option)) {
            return;
        }
        List<String> given = Stream.of(others).filter(parsed::hasMatchedOption).toList();
        if (!given.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + why
                    + ", so it cannot be combined with " + String.join(", ", given));
        }
    }

    /** A usage error if {@code values}, given with {@code option}, name one value twice. */
    public static void requireDistinct(CommandSpec spec, String option, List<?> values) {
        Set<Object> seen = new HashSet<>();
        for (Object value : values) {
            if (!seen.add(value)) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " names '"
                        + value.toString().toLowerCase(java.util.Locale.ROOT) + "' twice");
            }
        }
    }

    /**
     * What went wrong, for a person: the first message along the cause chain. Never a class name:
     * a failure without any message is described by {@code otherwise}.
     */
    public static String describe(Throwable failure, String otherwise) {
        List<Throwable> seen = new ArrayList<>();
        for (Throwable t = failure; t != null && !seen.contains(t); t = t.getCause()) {
            seen.add(t);
            String message = t.getMessage() == null ? "" : CLASS_NAME.matcher(t.getMessage())
                    .replaceAll("").strip();
            if (!message.isBlank()) {
                return message;
            }
        }
        return otherwise;
    }

    private static int onBadInput(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = e.getMessage().replaceFirst("^Error: ", "");
        if (e instanceof CommandLine.UnmatchedArgumentException u && !cl.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().getFirst()
                    + "' (run 'list' to see every demo)";
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
            err.println(cl.getColorScheme().errorText("error: "
                    + describe(e, "the demo failed without saying why")
                    + " (-Dloomcookbook.debug=true shows the stack trace)"));
        }
        err.flush();
        return FAILED;
    }
}
