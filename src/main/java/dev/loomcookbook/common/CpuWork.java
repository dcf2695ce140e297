package dev.loomcookbook.common;

/**
 * The CPU kernel of the book's pooling script, in a form the JIT cannot fold away.
 *
 * <p>Python's {@code count(item)} loops ten million times and returns {@code 10000000 * item}.
 * HotSpot turns such a counting loop into a constant, so here every iteration advances a
 * xorshift generator and counts the states that are not zero. Xorshift never reaches zero from a
 * non-zero seed, so the count always equals the iteration count, but the JIT cannot prove that
 * and must run the loop: the time grows linearly with {@code iterations}.
 */
public final class CpuWork {

    /** The book's loop length. */
    public static final long BOOK_ITERATIONS = 10_000_000L;

    private CpuWork() {}

    /**
     * The book's {@code count(item)} with a chosen loop length: returns {@code iterations * item},
     * after {@code iterations} steps of real work.
     */
    public static long count(long item, long iterations) {
        long state = 0x9E3779B97F4A7C15L ^ item;
        if (state == 0) {
            state = 1;
        }
        long nonZero = 0;
        for (long i = 0; i < iterations; i++) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            if (state != 0) {
                nonZero++;
            }
        }
        return nonZero * item;
    }
}
