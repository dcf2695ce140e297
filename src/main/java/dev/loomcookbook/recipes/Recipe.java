package dev.loomcookbook.recipes;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One recipe: a Python operation, the Java 25 code that does the same, and a real Python twin.
 *
 * <p>The Java a reader sees is cut from the compiled source of {@link #source()}: every region
 * marked {@code // @start region="..."} ... {@code // @end} in that class, in file order. The
 * Python twin is the file {@link #pythonFile()}, runnable on its own with {@code python3}. When the
 * recipe runs, {@link #body()} prints what happened; the twin prints the same lines, and the tests
 * compare the two after the {@linkplain #normalisations() normalisations} this recipe declares.
 *
 * <p>This class uses nothing but the JDK, so a recipe's own file runs as a single source file:
 * {@code java --enable-preview --source 25 src/main/java/dev/loomcookbook/tasks/Gather.java}.
 *
 * @param name the recipe's name on the command line, for example {@code gather}
 * @param python the Python operation it maps, for example {@code asyncio.gather(*aws)}
 * @param source the class holding the code shown and run
 * @param body the code run, printing what happened to its stream
 * @param differs one line on what differs from Python, or empty
 * @param normalisations rewrites of both outputs before they are compared
 * @param anyOrder patterns of lines whose order depends on timing: compared as a multiset
 */
@SuppressWarnings("InvalidParam") // {@code python3} in the Javadoc is the command, not a typo
public record Recipe(String name, String python, Class<?> source, Body body, String differs,
        List<Normalisation> normalisations, List<String> anyOrder) {

    /** The code a recipe runs; it prints one line per thing that happened. */
    @FunctionalInterface
    public interface Body {
        /** Runs the recipe, printing to {@code out}. */
        void run(PrintStream out) throws Exception;
    }

    /**
     * A rewrite of every line of both outputs before they are compared, for example
     * {@code ValueError} to {@code IllegalArgumentException}: {@code regex} replaced by
     * {@code replacement} as {@link String#replaceAll} does.
     */
    public record Normalisation(String regex, String replacement) {

        /** {@code line} with this rewrite applied. */
        public String apply(String line) {
            return line.replaceAll(regex, replacement);
        }
    }

    public Recipe {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(differs, "differs");
        normalisations = List.copyOf(normalisations);
        anyOrder = List.copyOf(anyOrder);
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("a recipe name is lower-case words joined by '-': "
                    + name);
        }
        if (source.getEnclosingClass() != null) {
            throw new IllegalArgumentException("a recipe's source is a top-level class: " + source);
        }
    }

    /** A recipe with nothing that differs and no normalisations yet. */
    public static Recipe of(String name, String python, Class<?> source, Body body) {
        return new Recipe(name, python, source, body, "", List.of(), List.of());
    }

    /** This recipe with {@code line} as what differs from Python. */
    public Recipe differs(String line) {
        return new Recipe(name, python, source, body, line, normalisations, anyOrder);
    }

    /** This recipe with one more rewrite of both outputs before they are compared. */
    public Recipe normalise(String regex, String replacement) {
        List<Normalisation> more = new ArrayList<>(normalisations);
        more.add(new Normalisation(regex, replacement));
        return new Recipe(name, python, source, body, differs, more, anyOrder);
    }

    /** This recipe with lines matching {@code regex} compared in any order. */
    public Recipe anyOrder(String regex) {
        List<String> more = new ArrayList<>(anyOrder);
        more.add(regex);
        return new Recipe(name, python, source, body, differs, normalisations, more);
    }

    /**
     * The Python twin, relative to the project folder: the source class's name in snake case, in
     * the folder of its concept ({@code tasks.Gather} is {@code python/tasks/gather.py}). Named
     * after the class, not the recipe, so that no twin shadows a standard module such as
     * {@code queue}.
     */
    public String pythonFile() {
        String pkg = source.getPackageName();
        String concept = pkg.substring(pkg.indexOf("loomcookbook") + "loomcookbook".length())
                .replace('.', '/');
        String snake = source.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .toLowerCase(java.util.Locale.ROOT);
        return "python" + concept + "/" + snake + ".py";
    }

    /** The Java source, relative to the project folder. */
    public String javaFile() {
        return "src/main/java/" + source.getName().replace('.', '/') + ".java";
    }
}
