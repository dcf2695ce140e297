package dev.loomcookbook.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import dev.loomcookbook.testing.RecipeRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every recipe shows compiled code and a real Python twin, and prints within 100 columns. */
class RecipesTest {

    static Stream<Recipe> recipes() {
        return Recipes.all().stream();
    }

    /** The Java shown is cut from the recipe's compiled source: at least one region, none empty. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("recipes")
    void showsRegionsOfItsSource(Recipe recipe) {
        List<SourceText.Region> regions = SourceText.regions(SourceText.java(recipe.source()));
        assertThat(regions).as("regions of %s", recipe.javaFile()).isNotEmpty();
        assertThat(regions).allSatisfy(r -> assertThat(r.lines()).as("region %s", r.name())
                .anyMatch(line -> !line.isBlank()));
        assertThat(Files.exists(Path.of(recipe.javaFile()))).as(recipe.javaFile()).isTrue();
    }

    /** The Python twin is a file of the repository, and what is shown of it is not empty. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("recipes")
    void hasAPythonTwin(Recipe recipe) {
        assertThat(Files.exists(Path.of(recipe.pythonFile()))).as(recipe.pythonFile()).isTrue();
        assertThat(RecipePrinter.shownPython(recipe)).anyMatch(line -> !line.isBlank());
    }

    /**
     * A recipe prints Python, Java 25, its run and what differs, in that order, in 100 columns;
     * then, where it uses a StructuredTaskScope, what changes on JDK 26 and 27. (The run's lines
     * are those of the recipe's one run in this JVM; {@code runsTheNamedRecipe} runs one afresh.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("recipes")
    void printsItsPartsInOrderWithin100Columns(Recipe recipe) throws Exception {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text, true);
        RecipePrinter.printCode(recipe, out);
        RecipePrinter.printRun(stamped -> RecipeRun.lines(recipe).forEach(stamped::println), out);
        RecipePrinter.printDiffers(recipe, out);
        List<String> lines = text.toString().lines().toList();
        assertThat(lines).allSatisfy(line -> assertThat(line.length()).as(line)
                .isLessThanOrEqualTo(RecipePrinter.WIDTH));
        int python = lines.indexOf("Python (" + recipe.pythonFile() + ")");
        int java = lines.indexOf("Java 25 (" + recipe.javaFile() + ")");
        int run = lines.indexOf("Java run");
        assertThat(python).isPositive();
        assertThat(java).isGreaterThan(python + 1);
        assertThat(run).isGreaterThan(java + 1);
        assertThat(lines.subList(run, lines.size())).contains("Differs: " + recipe.differs());
        List<String> after = lines.subList(lines.indexOf("Differs: " + recipe.differs()) + 1,
                lines.size());
        if (RecipePrinter.shownJava(recipe).stream()
                .anyMatch(l -> l.contains("StructuredTaskScope"))) {
            assertThat(after.getFirst()).startsWith("On JDK 26: ");
            assertThat(after.getLast()).startsWith("On JDK 27: ");
            assertThat(after.subList(1, after.size() - 1)).allMatch(l -> l.startsWith("     "));
        } else {
            assertThat(after).isEmpty();
        }
    }

    /** Every recipe says in one line what differs from Python. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("recipes")
    void saysWhatDiffers(Recipe recipe) {
        assertThat(recipe.differs()).isNotBlank().doesNotContain("\n");
    }

    /**
     * A recipe's file runs on its own, as its twin does with {@code python3}:
     * {@code java --enable-preview --source 25 src/main/java/.../Gather.java} prints the same lines.
     */
    @Test
    void aRecipeFileRunsAsASingleSourceFile() throws Exception {
        Recipe recipe = dev.loomcookbook.tasks.Gather.RECIPE;
        String launcher = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(launcher, "--enable-preview", "--source", "25",
                recipe.javaFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(Transcript.of(recipe, out.lines().toList()))
                .isEqualTo(Transcript.of(recipe, RecipeRun.lines(recipe)));
    }

    /** Names are unique, so each names one recipe on the command line. */
    @Test
    void namesAreUnique() {
        List<String> names = Recipes.all().stream().map(Recipe::name).toList();
        assertThat(names).doesNotHaveDuplicates();
    }

    /** {@code recipes} lists every recipe with its Python operation, within 100 columns. */
    @Test
    void listNamesEveryRecipe() {
        CliRun run = CliRun.root("recipes");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Recipes.all()).allSatisfy(r -> assertThat(run.out()).contains(r.name())
                .contains(r.python()));
        assertThat(run.out().lines()).allSatisfy(line -> assertThat(line.length())
                .isLessThanOrEqualTo(RecipePrinter.WIDTH));
    }

    /** {@code recipes NAME} runs that recipe: its heading, its code and its run. */
    @Test
    void runsTheNamedRecipe() {
        CliRun run = CliRun.root("recipes", "gather");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("--- gather: asyncio.gather(*aws) ")
                .contains("results = [a, b, c]");
    }

    /** An unknown name, a name given twice, or names with --all: one line, exit 2, nothing run. */
    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsAreUsageErrors(List<String> args, String firstLine) {
        CliRun run = CliRun.root(Stream.concat(Stream.of("recipes"), args.stream())
                .toArray(String[]::new));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(firstLine);
        assertThat(run.out()).isEmpty();
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(List.of("gather", "nope"),
                        "error: unknown recipe 'nope' (run 'recipes' to list them)"),
                Arguments.of(List.of("gather", "gather"),
                        "error: recipe 'gather' is given twice"),
                Arguments.of(List.of("--all", "gather"),
                        "error: --all runs every recipe: give either --all or names, not both"));
    }
}
