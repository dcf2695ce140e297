package dev.loomcookbook.streams;

import java.nio.charset.StandardCharsets;

/** Small helpers for line-based protocols. */
final class Lines {

    private Lines() {}

    /**
     * {@code readline()} returns a line without its {@code '\n'} only when the stream ended inside
     * it: that is a message cut short.
     *
     * @throws IncompleteReadException if {@code line} does not end with {@code '\n'}
     */
    static void requireComplete(byte[] line) throws IncompleteReadException {
        if (line.length == 0 || line[line.length - 1] != '\n') {
            throw new IncompleteReadException(line, -1);
        }
    }

    /** {@code text} and a {@code '\n'}, in UTF-8. */
    static byte[] utf8Line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
