package dev.loomcookbook.recipes;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints a recipe the one way every recipe is shown: the Python twin, then the Java 25 code, then
 * what the Java run did (each line stamped with the time since the run started), then one line on
 * what differs, and for code with a {@code StructuredTaskScope} what changes on JDK 26 and 27.
 */
public final class RecipePrinter {

    /** The widest line a recipe may print, its code included. */
    public static final int WIDTH = 100;

    private static final String INDENT = "    ";

    private RecipePrinter() {}

    /** Prints {@code recipe}'s four parts to {@code out}, running its body in between. */
    public static void print(Recipe recipe, PrintWriter out) throws Exception {
        printCode(recipe, out);
        printRun(recipe.body(), out);
        printDiffers(recipe, out);
    }

    /** The heading, the Python twin and the Java code. */
    public static void printCode(Recipe recipe, PrintWriter out) {
        String title = "--- " + recipe.name() + ": " + recipe.python() + " ";
        out.println(title + "-".repeat(Math.max(3, WIDTH - title.length())));
        out.println("Python (" + recipe.pythonFile() + ")");
        shownPython(recipe).forEach(line -> out.println(indent(line)));
        out.println("Java 25 (" + recipe.javaFile() + ")");
        shownJava(recipe).forEach(line -> out.println(indent(line)));
        out.flush();
    }

    /** Runs {@code body} under a "Java run" heading, each line it prints stamped with the time. */
    public static void printRun(Recipe.Body body, PrintWriter out) throws Exception {
        out.println("Java run");
        out.flush();
        try (PrintStream stamped = stamped(out)) {
            body.run(stamped);
        }
    }

    /**
     * The line on what differs, if the recipe has one, then what changes for its code on the
     * JDKs after 25.
     */
    public static void printDiffers(Recipe recipe, PrintWriter out) {
        if (!recipe.differs().isEmpty()) {
            out.println("Differs: " + recipe.differs());
        }
        NewerJdks.notes(shownJava(recipe)).forEach(out::println);
        out.flush();
    }

    /** The Java lines shown: every region of the recipe's class, a blank line between two. */
    public static List<String> shownJava(Recipe recipe) {
        return joined(SourceText.regions(SourceText.java(recipe.source())));
    }

    /** The Python lines shown: the twin's regions if it marks any, else the whole file. */
    public static List<String> shownPython(Recipe recipe) {
        String text = SourceText.python(recipe.pythonFile());
        List<SourceText.Region> regions = SourceText.regions(text);
        return regions.isEmpty() ? SourceText.dedent(text.lines().toList()) : joined(regions);
    }

    private static List<String> joined(List<SourceText.Region> regions) {
        List<String> lines = new ArrayList<>();
        for (SourceText.Region region : regions) {
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.addAll(region.lines());
        }
        return lines;
    }

    private static String indent(String line) {
        return line.isEmpty() ? "" : INDENT + line;
    }

    /** A stream whose every line reaches {@code out} as {@code [  123 ms] line}. */
    static PrintStream stamped(PrintWriter out) {
        long start = System.nanoTime();
        OutputStream lines = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    out.printf(Locale.ROOT, "%s[%5d ms] %s%n", INDENT, ms, text);
                    out.flush();
                } else if (b != '\r') {
                    line.write(b);
                }
            }

            @Override
            public synchronized void close() {
                if (line.size() > 0) {
                    write('\n');
                }
            }
        };
        return new PrintStream(lines, true, StandardCharsets.UTF_8);
    }
}
