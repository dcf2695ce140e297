package dev.loomcookbook.cli;

import dev.loomcookbook.common.Table;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code list}: every demo with the Python concept it maps and its one-line summary. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List every demo with the Python concept it maps.")
public final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Table table = new Table("demo", "Python concept", "what it shows");
        for (Demo demo : Demos.all()) {
            table.row(Demos.nameOf(demo), demo.pythonConcept(), Demos.summaryOf(demo));
            for (String example : demo.examples()) {
                table.row("", "", "--example " + example);
            }
        }
        table.print(out);
        out.println();
        out.println("Run one with:  target/loomcookbook DEMO [OPTIONS]   (DEMO --help lists its options)");
        out.flush();
        return 0;
    }
}
