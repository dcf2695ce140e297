package dev.loomcookbook;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.Demos;
import dev.loomcookbook.cli.ListCommand;
import dev.loomcookbook.cli.TourCommand;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.recipes.RecipesCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The single entry point: {@code list}, {@code tour} and one subcommand per demo. */
@Command(name = "loomcookbook", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {ListCommand.class, RecipesCommand.class, TourCommand.class},
        description = {
            "Python asyncio and concurrent.futures, mapped to JDK 25.",
            "Run 'list' to see every demo, 'tour' to run them all quickly, 'DEMO --help' for options."
        })
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    /** No subcommand: a usage error, with the list of commands. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: choose one of the commands below");
    }

    /** The root command line with every demo registered as a subcommand. */
    public static CommandLine commandLine() {
        return commandLine(Demos.all());
    }

    /** The root command line with {@code demos} as subcommands, configured after they are added. */
    public static CommandLine commandLine(List<Demo> demos) {
        CommandLine cl = new CommandLine(new Main());
        for (Demo demo : demos) {
            cl.addSubcommand(demo);
        }
        return Cli.configure(cl);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
