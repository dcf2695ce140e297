package dev.loomcookbook.common;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prose for a terminal: text broken at spaces into lines of at most {@link #WIDTH} columns. */
public final class Text {

    /** The width of every line the demos print. */
    public static final int WIDTH = 100;

    private Text() {}

    /**
     * {@code text} broken at spaces into lines of at most {@code width}; lines after the first are
     * indented by {@code indent}. A word longer than a line stays whole, so code is never split.
     */
    public static List<String> wrap(String text, int width, int indent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split(" +", -1)) {
            int room = lines.isEmpty() ? width : width - indent;
            if (!line.isEmpty() && line.length() + 1 + word.length() > room) {
                lines.add((lines.isEmpty() ? "" : " ".repeat(indent)) + line);
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        lines.add((lines.isEmpty() ? "" : " ".repeat(indent)) + line);
        return lines;
    }

    /** Prints {@code text} as a paragraph: each line starts with {@code margin}, all within {@link #WIDTH}. */
    public static void paragraph(PrintWriter out, String margin, String text) {
        wrap(text, WIDTH - margin.length(), 0).forEach(l -> out.println(margin + l));
    }
}
