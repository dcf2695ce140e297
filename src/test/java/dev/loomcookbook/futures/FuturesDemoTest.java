package dev.loomcookbook.futures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The futures demo: the book's result lines, and its argument checks. */
class FuturesDemoTest {

    /** {@code futures 50 50 --full} prints the book's two lines: 1275 and 50!. */
    @Test
    void printsTheBooksResultLines() {
        CliRun run = CliRun.of(new FuturesDemo(), "50", "50", "--full");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines())
                .contains("First coroutine (sum of 50 ints) result = 1275")
                .contains("Second coroutine (factorial) result = "
                        + "30414093201713378043612608166064768844377641568960512000000000000");
        assertThat(run.err()).isEmpty();
    }

    /** Bad arguments and the error line each must give. */
    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.argumentSet("both missing", new String[] {},
                        "error: Missing required parameters: 'N1', 'N2'"),
                Arguments.argumentSet("N2 missing", new String[] {"50"},
                        "error: Missing required parameter: 'N2'"),
                Arguments.argumentSet("negative", new String[] {"-5", "50"},
                        "error: Invalid value for positional parameter at index 0 (N1): must be from 0 to 1,000,000,000, but was -5"),
                Arguments.argumentSet("non-numeric", new String[] {"50", "ten"},
                        "error: Invalid value for positional parameter at index 1 (N2): 'ten' is not a whole number (from 0 to 50,000)"),
                Arguments.argumentSet("fraction", new String[] {"1.5", "50"},
                        "error: Invalid value for positional parameter at index 0 (N1): '1.5' is not a whole number (from 0 to 1,000,000,000)"),
                Arguments.argumentSet("N1 too large", new String[] {"1000000001", "50"},
                        "error: Invalid value for positional parameter at index 0 (N1): must be from 0 to 1,000,000,000, but was 1000000001"),
                Arguments.argumentSet("N2 too large", new String[] {"50", "1000000"},
                        "error: Invalid value for positional parameter at index 1 (N2): must be from 0 to 50,000, but was 1000000"),
                Arguments.argumentSet("beyond a long",
                        new String[] {"50", "99999999999999999999999"},
                        "error: Invalid value for positional parameter at index 1 (N2): must be from 0 to 50,000, but was 99999999999999999999999"));
    }

    /** Missing, negative, non-numeric and too large arguments: exit 2 with one clear line, no stack trace. */
    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsAreUsageErrors(String[] args, String firstLine) {
        CliRun run = CliRun.of(new FuturesDemo(), args);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(firstLine);
        assertThat(run.err()).contains("Usage:").doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    /** --help documents the upper bounds. */
    @Test
    void helpDocumentsTheBounds() {
        CliRun run = CliRun.of(new FuturesDemo(), "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("1,000,000,000").contains("50,000");
    }

    /** Without --full, 50! (65 digits) is shortened so that its line fits in 100 columns. */
    @Test
    void longResultIsShortenedToFit() {
        CliRun run = CliRun.of(new FuturesDemo(), "50", "50");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).contains(
                "Second coroutine (factorial) result = 3041409320...0000000000 (65 digits; --full prints all)");
    }
}
