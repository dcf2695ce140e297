package dev.loomcookbook.cli;

import dev.loomcookbook.common.Timing;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The bounds of the demos' numbers and durations, in one place. A demo names a converter that
 * extends one of these classes with its limits; the converter rejects a value out of range while
 * the command line is parsed (a usage error, exit 2, before anything runs), and {@code --help}
 * shows the same limits, read from the converter, under the option.
 */
public final class Bounds {

    private Bounds() {}

    /** A converter that knows its limits, so that the help can state them. */
    public interface Bounded {

        /** The allowed values, for example {@code 1 to 1,000,000} or {@code 1 ms to 1 min}. */
        String range();
    }

    /** Whole numbers from {@code min} to {@code max}; {@code 10_000} and {@code 10,000} read as 10000. */
    abstract static class Whole implements Bounded {
        private final long min;
        private final long max;

        Whole(long min, long max) {
            this.min = min;
            this.max = max;
        }

        /** {@code value} as a number within the range, or a conversion error naming the range. */
        long check(String value) {
            return parse(value, min, max);
        }

        @Override
        public String range() {
            return number(min) + " to " + number(max);
        }
    }

    /** A {@code long} option from {@code min} to {@code max}. */
    public abstract static class Longs extends Whole implements ITypeConverter<Long> {
        protected Longs(long min, long max) {
            super(min, max);
        }

        @Override
        public Long convert(String value) {
            return check(value);
        }
    }

    /** An {@code int} option from {@code min} to {@code max}. */
    public abstract static class Ints extends Whole implements ITypeConverter<Integer> {
        protected Ints(int min, int max) {
            super(min, max);
        }

        @Override
        public Integer convert(String value) {
            return (int) check(value);
        }
    }

    /** Durations ({@link DurationConverter}'s forms) from {@code min} to {@code max}. */
    public abstract static class Durations implements ITypeConverter<Duration>, Bounded {
        private final Duration min;
        private final Duration max;

        protected Durations(Duration min, Duration max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Duration convert(String value) {
            Duration d = new DurationConverter().convert(value);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new TypeConversionException(
                        "must be from " + range() + ", but was " + Timing.format(d));
            }
            return d;
        }

        @Override
        public String range() {
            return duration(min) + " to " + duration(max);
        }
    }

    /** {@code 1000000} as {@code 1,000,000}. */
    public static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A limit as a person writes it: {@code 0}, {@code 1 ms}, {@code 10 s}, {@code 1 min}. */
    public static String duration(Duration d) {
        if (d.isZero()) {
            return "0";
        } else if (d.toNanos() % 60_000_000_000L == 0) {
            return d.toMinutes() + " min";
        } else if (d.toNanos() % 1_000_000_000L == 0) {
            return d.toSeconds() + " s";
        } else if (d.toNanos() % 1_000_000L == 0) {
            return d.toMillis() + " ms";
        }
        return Timing.format(d);
    }

    /** Reads a whole number and checks that it is from {@code min} to {@code max}. */
    static long parse(String value, long min, long max) {
        String digits = value.strip().replace("_", "").replace(",", "");
        String range = number(min) + " to " + number(max);
        if (!digits.matches("[-+]?\\d+")) {
            throw new TypeConversionException(
                    "'" + value + "' is not a whole number (from " + range + ")");
        }
        BigInteger n = new BigInteger(digits);
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new TypeConversionException(
                    "must be from " + range + ", but was " + value.strip());
        }
        return n.longValueExact();
    }
}
