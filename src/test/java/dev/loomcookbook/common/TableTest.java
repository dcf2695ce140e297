package dev.loomcookbook.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tables align text left and numbers right; times format with three significant digits. */
class TableTest {

    /** Text columns are left-aligned, numeric and time columns right-aligned. */
    @Test
    void alignsColumns() {
        var lines =
                new Table("name", "time").row("sequential", "1.23 s").row("pool", "615 ms").lines();
        assertThat(lines).containsExactly(
                "  name          time",
                "  ----------  ------",
                "  sequential  1.23 s",
                "  pool        615 ms");
    }

    /** A row with the wrong number of cells is refused. */
    @Test
    void refusesRaggedRows() {
        assertThatThrownBy(() -> new Table("a", "b").row("only one"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Times pick a unit and keep three significant digits. */
    @Test
    void formatsTimes() {
        assertThat(Timing.format(999)).isEqualTo("999 ns");
        assertThat(Timing.format(12_345)).isEqualTo("12.3 µs");
        assertThat(Timing.format(850_000_000)).isEqualTo("850 ms");
        assertThat(Timing.format(1_234_000_000)).isEqualTo("1.23 s");
    }
}
