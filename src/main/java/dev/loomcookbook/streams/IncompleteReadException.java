package dev.loomcookbook.streams;

import java.io.EOFException;

/**
 * The stream ended before a read was complete: asyncio's {@code IncompleteReadError} (also an
 * end-of-file error there). {@link #partial()} holds the bytes read before the end.
 */
public final class IncompleteReadException extends EOFException {

    private final transient byte[] partial;
    private final int expected;

    /**
     * @param partial the bytes read before the end of the stream
     * @param expected how many bytes were wanted, or -1 when the read waited for a separator
     */
    public IncompleteReadException(byte[] partial, int expected) {
        super(
                partial.length
                        + " bytes read before the end of the stream, "
                        + (expected < 0 ? "without a separator" : expected + " expected"));
        this.partial = partial.clone();
        this.expected = expected;
    }

    /** The bytes read before the end of the stream (asyncio: {@code e.partial}). */
    public byte[] partial() {
        return partial.clone();
    }

    /** How many bytes were wanted, or -1 when a separator was (asyncio: {@code e.expected}). */
    public int expected() {
        return expected;
    }
}
