package dev.loomcookbook.recipes;

import java.util.ArrayList;
import java.util.List;

/**
 * What changes for a recipe's code on the JDKs after 25, read off the code it shows. The project
 * builds on 25 only; these lines let a reader on a newer JDK follow: JDK 26 (JEP 525, sixth
 * preview of structured concurrency) and JDK 27 (JEP 533, seventh preview).
 */
final class NewerJdks {

    private NewerJdks() {}

    /**
     * The lines to print for {@code code}, one change a line: none when it does not use a
     * StructuredTaskScope.
     */
    static List<String> notes(List<String> code) {
        String text = String.join("\n", code);
        if (!text.contains("StructuredTaskScope")) {
            return List.of();
        }
        List<String> jdk26 = new ArrayList<>();
        if (text.contains("allSuccessfulOrThrow")) {
            jdk26.add("with allSuccessfulOrThrow() join() returns a List");
        }
        if (text.contains("anySuccessfulResultOrThrow")) {
            jdk26.add("anySuccessfulResultOrThrow() is renamed anySuccessfulOrThrow()");
        }
        if (text.contains("withTimeout")) {
            jdk26.add("a Joiner may answer a timeout with a result (onTimeout)");
        }
        if (jdk26.isEmpty()) {
            jdk26.add("this code runs unchanged");
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < jdk26.size(); i++) {
            lines.add((i == 0 ? "On JDK 26: " : "           ") + jdk26.get(i));
        }
        lines.add("On JDK 27: the standard joiners' join() throws ExecutionException, not"
                + " FailedException");
        return lines;
    }
}
