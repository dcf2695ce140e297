package dev.loomcookbook.recipes;

import dev.loomcookbook.testing.Python;
import dev.loomcookbook.testing.RecipeRun;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each Python twin, run with {@code python3}, does what its Java recipe does: the same lines, in
 * the same order where the order is the claim, after the normalisations the recipe declares.
 * Skipped, with a message, where no {@code python3} 3.11 or newer is on the PATH.
 */
class RecipeTwinsTest {

    /** Each recipe's twin, run before the tests. */
    private static final Map<String, CompletableFuture<Python.Result>> TWINS =
            new ConcurrentHashMap<>();

    /** How many twins run at once: most of their time is asyncio.sleep. */
    private static final int LANES = 2 * Runtime.getRuntime().availableProcessors();

    static Stream<Recipe> recipes() {
        return Recipes.all().stream();
    }

    /**
     * Runs every twin before the tests, a few at a time: each twin's time limit counts from its
     * own start, and dozens of interpreters started at once on a small, busy machine only queue
     * for the CPU. All have ended before the first test, so none counts as a test's leak.
     */
    @BeforeAll
    static void runTwins() {
        if (Python.whyMissing() == null) {
            CompletableFuture<?> idle = CompletableFuture.completedFuture(null);
            List<CompletableFuture<?>> lanes = new ArrayList<>(Collections.nCopies(LANES, idle));
            List<Recipe> recipes = Recipes.all();
            for (int i = 0; i < recipes.size(); i++) {
                List<String> twin = List.of(recipes.get(i).pythonFile());
                CompletableFuture<Python.Result> run = lanes.get(i % LANES)
                        .handle((result, failure) -> null)
                        .thenCompose(previous -> Python.start(twin));   // after the lane's last
                lanes.set(i % LANES, run);
                TWINS.put(recipes.get(i).name(), run);
            }
            awaitTwins();
        }
    }

    @AfterAll
    static void awaitTwins() {
        TWINS.values().forEach(twin -> twin.handle((result, failure) -> null).join());
    }

    /** The twin exits 0 and prints what the Java run prints. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("recipes")
    void twinDoesWhatTheJavaDoes(Recipe recipe) {
        Python.assumePresent();
        Transcript java = Transcript.of(recipe, RecipeRun.lines(recipe));
        Python.Result twin = TWINS.get(recipe.name()).join();
        org.assertj.core.api.Assertions.assertThat(twin.exitCode()).as(twin.err()).isZero();
        java.assertSameAs(Transcript.of(recipe, twin.lines()), recipe.name());
    }
}
