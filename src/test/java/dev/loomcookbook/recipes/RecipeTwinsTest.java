package dev.loomcookbook.recipes;

import dev.loomcookbook.testing.Python;
import dev.loomcookbook.testing.RecipeRun;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
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

    /** The twins, run before the tests, several at once: most of their time is asyncio.sleep. */
    private static final Map<String, CompletableFuture<Python.Result>> TWINS =
            new ConcurrentHashMap<>();

    /**
     * How many twins run at once: two per core. Each spends most of its time asleep, but all of
     * them starting at once crowd a small, busy machine past a twin's one-minute limit.
     */
    private static final Semaphore RUNNING =
            new Semaphore(2 * Runtime.getRuntime().availableProcessors());

    static Stream<Recipe> recipes() {
        return Recipes.all().stream();
    }

    @BeforeAll
    static void runTwins() {
        if (Python.whyMissing() == null) {
            for (Recipe recipe : Recipes.all()) {
                TWINS.put(recipe.name(), CompletableFuture.supplyAsync(
                        () -> runTwin(recipe), Thread::startVirtualThread));
            }
            // Every twin ends here, so each test only reads its outcome and starts nothing.
            awaitTwins();
        }
    }

    /** Runs {@code recipe}'s twin once one of the {@link #RUNNING} places is free. */
    private static Python.Result runTwin(Recipe recipe) {
        RUNNING.acquireUninterruptibly();
        try {
            return Python.start(List.of(recipe.pythonFile())).join();
        } finally {
            RUNNING.release();
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
