package dev.loomcookbook.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code list}: every demo with the Python concept it maps and its one-line summary, the summary
 * on lines of its own under the name so that the list fits in {@link Cli#WIDTH} columns.
 */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List every demo with the Python concept it maps.")
public final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Demo> demos = Demos.all();
        int nameWidth = demos.stream().mapToInt(d -> Demos.nameOf(d).length()).max().orElse(4);
        String indent = " ".repeat(2 + nameWidth + 2);
        out.printf("  %-" + nameWidth + "s  %s%n", "demo", "Python concept / what it shows");
        out.println("  " + "-".repeat(nameWidth) + "  " + "-".repeat(Cli.WIDTH - indent.length()));
        for (Demo demo : demos) {
            out.printf("  %-" + nameWidth + "s  %s%n", Demos.nameOf(demo), demo.pythonConcept());
            print(out, indent, Demos.summaryOf(demo));
            if (!demo.examples().isEmpty()) {
                print(out, indent, "--example: " + String.join(", ", demo.examples()));
            }
        }
        out.println();
        out.println(
                "Run one with:  target/loomcookbook DEMO [OPTIONS]   (DEMO --help lists its options)");
        out.println(
                "Recipes:       target/loomcookbook recipes          (each asyncio operation, side by side)");
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String indent, String text) {
        HelpStyle.wrap(text, Cli.WIDTH - indent.length(), 0).forEach(l -> out.println(indent + l));
    }
}
