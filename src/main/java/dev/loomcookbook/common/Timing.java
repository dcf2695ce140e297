package dev.loomcookbook.common;

import java.time.Duration;
import java.util.Locale;

/** Human-readable times: {@code 12.3 µs}, {@code 850 ms}, {@code 1.23 s}. */
public final class Timing {

    private Timing() {}

    /** Formats a number of nanoseconds with three significant digits and a fitting unit. */
    public static String format(long nanos) {
        double n = nanos;
        if (nanos < 1_000) {
            return nanos + " ns";
        } else if (nanos < 1_000_000) {
            return sig3(n / 1e3) + " µs";
        } else if (nanos < 1_000_000_000) {
            return sig3(n / 1e6) + " ms";
        }
        return sig3(n / 1e9) + " s";
    }

    /** Formats a duration like {@link #format(long)}. */
    public static String format(Duration d) {
        return format(d.toNanos());
    }

    /** Nanoseconds since {@code startNanos} (from {@link System#nanoTime()}). */
    public static long since(long startNanos) {
        return System.nanoTime() - startNanos;
    }

    private static String sig3(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        } else if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
