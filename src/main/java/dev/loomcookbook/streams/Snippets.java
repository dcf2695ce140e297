package dev.loomcookbook.streams;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The code the demo shows, read at run time from the files that are built and run: regions of this
 * package's Java sources marked {@code // @start region="NAME"} ... {@code // @end} (the JDK's
 * snippet markers), and whole Python files from {@code python/streams/}. The build copies both onto
 * the class path, so what is printed cannot drift from what runs.
 */
final class Snippets {

    private Snippets() {}

    /**
     * The lines of region {@code region} in this package's {@code source} (e.g.
     * "StreamServer.java"), dedented.
     */
    static List<String> javaRegion(String source, String region) {
        List<String> lines = resource("/dev/loomcookbook/streams/" + source);
        String start = "// @start region=\"" + region + "\"";
        int from = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(start)) {
                from = i + 1;
                break;
            }
        }
        if (from < 0) {
            throw new IllegalStateException("no region '" + region + "' in " + source);
        }
        List<String> body = new ArrayList<>();
        for (int i = from; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().equals("// @end")) {
                return dedent(body);
            }
            if (!line.strip().startsWith("// @start")) {
                body.add(line);
            }
        }
        throw new IllegalStateException("region '" + region + "' in " + source + " has no // @end");
    }

    /** Every line of {@code python/streams/<file>}, as committed. */
    static List<String> python(String file) {
        return resource("/python/streams/" + file);
    }

    private static List<String> resource(String path) {
        try (InputStream in = Snippets.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(
                        path + " is not on the class path (the build copies it there)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static List<String> dedent(List<String> lines) {
        int indent =
                lines.stream()
                        .filter(l -> !l.isBlank())
                        .mapToInt(l -> l.length() - l.stripLeading().length())
                        .min()
                        .orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
