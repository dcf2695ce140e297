package dev.loomcookbook.cli;

import picocli.CommandLine;

/** Converts an option to an {@code int} of at least 1; anything else is a usage error (exit 2). */
public final class PositiveInt implements CommandLine.ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        String digits = value.strip().replace("_", "");
        int n;
        try {
            n = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            if (digits.matches("[-+]?\\d+")) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is too large: at most " + Integer.MAX_VALUE);
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
        }
        if (n < 1) {
            throw new CommandLine.TypeConversionException("must be at least 1, but was " + n);
        }
        return n;
    }
}
