package dev.loomcookbook.cli;

import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Text;
import dev.loomcookbook.common.Timing;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tour}: every demo in turn with quick settings, then a summary. */
@Command(name = "tour", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run every demo with quick settings (about a minute in all).")
public final class TourCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Demo> demos = Demos.all();
        Table summary = new Table("demo", "Python concept", "time", "exit");
        int failures = 0;
        long tourStart = System.nanoTime();
        for (int i = 0; i < demos.size(); i++) {
            Demo demo = demos.get(i);
            String name = Demos.nameOf(demo);
            String command = String.join(" ", name, String.join(" ", demo.tourArgs())).strip();
            out.println();
            out.printf("=== [%d/%d] %s  --  Python: %s%n", i + 1, demos.size(), name,
                    demo.pythonConcept());
            List<String> shell =
                    Text.wrap("$ target/loomcookbook " + command, Cli.WIDTH - 4 - 2, 6);
            for (int line = 0; line < shell.size(); line++) {
                out.println("    " + shell.get(line) + (line < shell.size() - 1 ? " \\" : ""));
            }
            out.println();
            out.flush();
            long start = System.nanoTime();
            CommandLine cl = Cli.commandLine(demo);
            cl.setOut(out);
            cl.setErr(err);
            int code = cl.execute(demo.tourArgs().toArray(String[]::new));
            out.flush();
            if (out.checkError() || System.out.checkError()) {
                // Nobody reads any more (for example `tour | head`): stop instead of running on.
                return 1;
            }
            if (code != 0) {
                failures++;
            }
            summary.row(name, demo.pythonConcept(), Timing.format(System.nanoTime() - start),
                    String.valueOf(code));
        }
        out.println();
        out.printf("=== Tour summary: %d demos in %s, %d failed%n", demos.size(),
                Timing.format(System.nanoTime() - tourStart), failures);
        summary.print(out);
        out.flush();
        return failures == 0 ? 0 : 1;
    }
}
