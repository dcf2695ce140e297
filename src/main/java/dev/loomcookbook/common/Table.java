package dev.loomcookbook.common;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with aligned columns. Columns whose every cell looks like a number or a
 * time are right-aligned; the others are left-aligned.
 */
public final class Table {

    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = headers.clone();
    }

    /** Adds a row; it must have one cell per header. */
    public Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException(
                    "expected " + headers.length + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        return this;
    }

    /** The table as lines: a header, a rule, the rows. */
    public List<String> lines() {
        int[] width = new int[headers.length];
        boolean[] right = new boolean[headers.length];
        for (int c = 0; c < headers.length; c++) {
            width[c] = headers[c].length();
            right[c] = !rows.isEmpty();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
                right[c] &= looksNumeric(row[c]);
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(format(headers, width, right));
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < headers.length; c++) {
            rule.append("  ").append("-".repeat(width[c]));
        }
        lines.add(rule.toString());
        for (String[] row : rows) {
            lines.add(format(row, width, right));
        }
        return lines;
    }

    /** Prints the table to {@code out}. */
    public void print(PrintWriter out) {
        lines().forEach(out::println);
        out.flush();
    }

    private static String format(String[] cells, int[] width, boolean[] right) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(width[c] - cells[c].length());
            sb.append("  ").append(right[c] ? pad + cells[c] : cells[c] + pad);
        }
        return sb.toString().stripTrailing();
    }

    private static boolean looksNumeric(String cell) {
        return cell.matches("[-+]?[\\d,._]+(\\s?(ns|µs|ms|s|x|%|MB|KB|GB|B))?|-|n/a");
    }
}
