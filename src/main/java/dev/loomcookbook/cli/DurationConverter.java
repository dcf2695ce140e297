package dev.loomcookbook.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Converts {@code 250ms}, {@code 1s}, {@code 1.5s}, {@code 2m} (or ISO-8601 {@code PT1S}) to a
 * {@link Duration} that is not negative. A number needs its unit ({@code 0} alone is fine):
 * {@code --pause 100} could mean 100 ms or 100 s, so it is rejected with the two spellings.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    /** The units a duration may be written in, for messages and help. */
    public static final String UNITS = "ns, us, ms, s, m (minutes), h";

    private static final Pattern AMOUNT =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        String text = value.strip();
        if (text.startsWith("-")) {
            throw new CommandLine.TypeConversionException("must not be negative, but was " + value);
        }
        Duration d;
        Matcher m = AMOUNT.matcher(text);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            if (m.group(2) == null && amount != 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' has no unit: write "
                        + text + "ms or " + text + "s (units: " + UNITS + ")");
            }
            String unit = m.group(2) == null ? "s" : m.group(2);
            double nanosPerUnit = switch (unit) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            double nanos = amount * nanosPerUnit;
            if (nanos > Long.MAX_VALUE) {
                throw new CommandLine.TypeConversionException("'" + value + "' is too long");
            }
            d = Duration.ofNanos(Math.round(nanos));
        } else {
            try {
                d = Duration.parse(text);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (examples: 250ms, 1s, 1.5s, 2m)");
            }
        }
        if (d.isNegative()) {
            throw new CommandLine.TypeConversionException("must not be negative, but was " + value);
        }
        return d;
    }
}
