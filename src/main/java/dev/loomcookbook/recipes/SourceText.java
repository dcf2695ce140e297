package dev.loomcookbook.recipes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code a recipe shows, read from the files the build copies onto the class path: the Java
 * sources under {@code /source/} and the Python twins under {@code /python/}.
 *
 * <p>A region is the JDK's snippet syntax: a line {@code // @start region="name"} (in Python
 * {@code # @start region="name"}) opens it and the next {@code // @end} closes it. The marker lines
 * are dropped and the region is dedented by its smallest indentation.
 */
public final class SourceText {

    private static final Pattern START = Pattern.compile(
            "^\\s*(//|#)\\s*@start\\s+region\\s*=\\s*\"?([\\w.-]+)\"?\\s*$");
    private static final Pattern END = Pattern.compile(
            "^\\s*(//|#)\\s*@end(\\s+region\\s*=\\s*\"?[\\w.-]+\"?)?\\s*$");

    /** One named region of a source file. */
    public record Region(String name, List<String> lines) {
        public Region {
            lines = List.copyOf(lines);
        }
    }

    private SourceText() {}

    /** The Java source of {@code type}, a top-level class of this project. */
    public static String java(Class<?> type) {
        return resource("/source/" + type.getName().replace('.', '/') + ".java");
    }

    /** A Python twin, by its path in the project ({@code python/tasks/gather.py}). */
    public static String python(String projectPath) {
        return resource("/" + projectPath);
    }

    /** Whether the file at {@code projectPath} ({@code python/...}) was copied onto the class path. */
    public static boolean exists(String projectPath) {
        return SourceText.class.getResource("/" + projectPath) != null;
    }

    /**
     * Every region of {@code text}, in file order.
     *
     * @throws IllegalArgumentException if a region is opened inside another or never closed
     */
    public static List<Region> regions(String text) {
        List<Region> regions = new ArrayList<>();
        String open = null;
        List<String> lines = new ArrayList<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            Matcher start = START.matcher(line);
            if (start.matches()) {
                if (open != null) {
                    throw new IllegalArgumentException(
                            "line " + number + ": region '" + start.group(2)
                                    + "' starts inside region '" + open + "'");
                }
                open = start.group(2);
                lines = new ArrayList<>();
            } else if (END.matcher(line).matches()) {
                if (open == null) {
                    throw new IllegalArgumentException(
                            "line " + number + ": @end outside a region");
                }
                regions.add(new Region(open, dedent(lines)));
                open = null;
            } else if (open != null) {
                lines.add(line.stripTrailing());
            }
        }
        if (open != null) {
            throw new IllegalArgumentException("region '" + open + "' is never closed");
        }
        return regions;
    }

    /** {@code lines} without their common indentation and without blank lines at either end. */
    static List<String> dedent(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        List<String> kept = lines.subList(from, to);
        int indent = kept.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return kept.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }

    private static String resource(String path) {
        try (InputStream in = SourceText.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(
                        path + " is not on the class path: build the project"
                                + " with ./mvnw compile, which copies the sources there");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
