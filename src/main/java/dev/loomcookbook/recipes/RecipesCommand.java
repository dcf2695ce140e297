package dev.loomcookbook.recipes;

import dev.loomcookbook.cli.VersionProvider;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code recipes}: lists every recipe with the Python it maps, or runs the ones named. */
@Command(name = "recipes", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "List every recipe with the Python operation it maps, or run the ones named.",
            "Each recipe prints its Python twin, its Java 25 code (cut from the compiled source),"
                    + " what the Java run did, and one line on what differs.",
            "Exit codes: 0 when every recipe ran, 1 when one failed, 2 for an unknown name."
        })
public final class RecipesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..*",
            description = "Recipes to run, in the order given; none: list them all.")
    List<String> names = new ArrayList<>();

    @Option(names = "--all", description = "Run every recipe, in the listed order.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (all && !names.isEmpty()) {
            throw usage("--all runs every recipe: give either --all or names, not both");
        }
        if (!all && names.isEmpty()) {
            list(out);
            return 0;
        }
        List<Recipe> toRun = all ? Recipes.all() : resolve(names);
        for (int i = 0; i < toRun.size(); i++) {
            if (i > 0) {
                out.println();
            }
            RecipePrinter.print(toRun.get(i), out);
        }
        out.flush();
        return 0;
    }

    private List<Recipe> resolve(List<String> given) {
        Set<String> seen = new HashSet<>();
        List<Recipe> recipes = new ArrayList<>();
        for (String name : given) {
            if (!seen.add(name)) {
                throw usage("recipe '" + name + "' is given twice");
            }
            recipes.add(Recipes.named(name).orElseThrow(() -> usage("unknown recipe '" + name
                    + "' (run 'recipes' to list them)")));
        }
        return recipes;
    }

    /** Prints every section and its recipes: name and Python operation. */
    static void list(PrintWriter out) {
        int width = Recipes.all().stream().mapToInt(r -> r.name().length()).max().orElse(0);
        for (Recipes.Section section : Recipes.sections()) {
            out.println(section.title());
            for (Recipe r : section.recipes()) {
                out.printf("  %-" + width + "s  %s%n", r.name(), r.python());
            }
        }
        out.println();
        out.println("Run one: recipes NAME   (each twin also runs alone: python3 python/...)");
        out.flush();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
