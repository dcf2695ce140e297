package dev.loomcookbook.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CPU kernel returns the book's result: iterations times the item. */
class CpuWorkTest {

    /** count(item, n) == n * item, as Python's count(item) returns 10000000 * item. */
    @ParameterizedTest
    @CsvSource({"1, 0", "1, 1", "3, 1000", "10, 123457", "0, 50"})
    void countIsIterationsTimesItem(long item, long iterations) {
        assertThat(CpuWork.count(item, iterations)).isEqualTo(iterations * item);
    }
}
