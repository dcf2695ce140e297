package dev.loomcookbook.testing;

import dev.loomcookbook.recipes.Recipe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a recipe's Java body in this JVM and returns the lines it printed, without timestamps. */
public final class RecipeRun {

    private RecipeRun() {}

    /** The lines {@code recipe}'s body printed. */
    public static List<String> lines(Recipe recipe) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            recipe.body().run(out);
        } catch (Exception e) {
            throw new AssertionError("recipe " + recipe.name() + " failed", e);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
