package dev.loomcookbook.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a recipe observably did, as the tests compare it: its lines after the recipe's
 * normalisations, split into the lines whose order is the claim and those whose order is timing.
 */
record Transcript(List<String> ordered, List<String> anyOrder) {

    /** The transcript of {@code lines} under {@code recipe}'s declared normalisations. */
    static Transcript of(Recipe recipe, List<String> lines) {
        List<Pattern> unordered = recipe.anyOrder().stream().map(Pattern::compile).toList();
        List<String> ordered = new ArrayList<>();
        List<String> anyOrder = new ArrayList<>();
        for (String line : lines) {
            String normal = line;
            for (Recipe.Normalisation n : recipe.normalisations()) {
                normal = n.apply(normal);
            }
            String kept = normal;
            (unordered.stream().anyMatch(p -> p.matcher(kept).find()) ? anyOrder : ordered)
                    .add(kept);
        }
        return new Transcript(ordered, anyOrder.stream().sorted().toList());
    }

    /** Asserts that {@code python} did what this transcript, the Java run's, says. */
    void assertSameAs(Transcript python, String recipe) {
        assertThat(python.ordered()).as("%s: the lines in order (Python twin against Java)", recipe)
                .containsExactlyElementsOf(ordered);
        assertThat(python.anyOrder()).as("%s: the lines in any order", recipe)
                .containsExactlyElementsOf(anyOrder);
    }
}
