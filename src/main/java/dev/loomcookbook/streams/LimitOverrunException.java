package dev.loomcookbook.streams;

import java.io.IOException;

/**
 * A line (or a chunk up to a separator) is longer than the reader's limit: asyncio's {@code
 * LimitOverrunError}, which {@code readline} turns into a {@code ValueError}.
 */
public final class LimitOverrunException extends IOException {

    private final int consumed;

    /**
     * @param message what was exceeded
     * @param consumed how many bytes were looked at (asyncio: {@code e.consumed})
     */
    public LimitOverrunException(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /** How many bytes were looked at before the limit was exceeded. */
    public int consumed() {
        return consumed;
    }
}
