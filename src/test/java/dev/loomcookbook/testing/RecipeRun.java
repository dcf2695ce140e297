package dev.loomcookbook.testing;

import dev.loomcookbook.recipes.Recipe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a recipe's Java body in this JVM and returns the lines it printed, without timestamps.
 * Each recipe runs once per test JVM: its own test, the twins' comparison and the layout check
 * all read that one run (a run that fails is not kept, so each caller sees the failure).
 */
public final class RecipeRun {

    private static final Map<String, List<String>> RUNS = new ConcurrentHashMap<>();

    private RecipeRun() {}

    /** The lines {@code recipe}'s body printed, in its one run in this JVM. */
    public static List<String> lines(Recipe recipe) {
        return RUNS.computeIfAbsent(recipe.name(), name -> run(recipe));
    }

    private static List<String> run(Recipe recipe) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            recipe.body().run(out);
        } catch (Exception e) {
            throw new AssertionError("recipe " + recipe.name() + " failed", e);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
