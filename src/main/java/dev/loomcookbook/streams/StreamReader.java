package dev.loomcookbook.streams;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * asyncio's {@code StreamReader} on a blocking stream: {@link #readline()}, {@link #readuntil},
 * {@link #readexactly}, {@link #read} and {@link #atEof()}, with asyncio's rules for the end of the
 * stream and for the line limit. Each call blocks its thread until it can answer; on a virtual
 * thread that wait frees the carrier, as {@code await reader.readline()} frees the event loop.
 *
 * <p>The buffer starts small and grows up to the limit, so ten thousand idle connections cost ten
 * thousand small buffers, not ten thousand of the limit's size. A socket read timeout ({@code
 * Socket.setSoTimeout}) surfaces as {@link java.net.SocketTimeoutException}. Not thread-safe: one
 * thread reads a connection, as one coroutine does in asyncio.
 */
public final class StreamReader {

    /** asyncio's default limit ({@code 2 ** 16}): the longest line, separator not counted. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private static final byte[] NEWLINE = {'\n'};
    private static final int INITIAL_BUFFER = 1024;

    private final InputStream in;
    private final int limit;
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int start;
    private int end;
    private boolean eof;

    /**
     * A reader of {@code in} whose lines hold at most {@code limit} bytes before the separator.
     *
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    public StreamReader(InputStream in, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
        this.in = in;
        this.limit = limit;
    }

    /** The longest line this reader accepts, separator not counted. */
    public int limit() {
        return limit;
    }

    /**
     * One line, through its {@code \n}. At the end of the stream it returns what is left, which is
     * an empty array once nothing is (asyncio returns the partial line the same way).
     *
     * @throws LimitOverrunException if the line is longer than the limit; as in asyncio, the line
     *     (or, without a separator in sight, the buffer) is dropped
     */
    public byte[] readline() throws IOException {
        try {
            return readuntil(NEWLINE);
        } catch (IncompleteReadException e) {
            return e.partial();
        } catch (LimitOverrunException e) {
            int separator = indexOf(NEWLINE, start);
            start = separator >= 0 ? separator + 1 : end;
            throw new LimitOverrunException(e.getMessage(), e.consumed());
        }
    }

    /**
     * The bytes up to and including the first of {@code separators} to appear (asyncio 3.13 takes a
     * tuple of separators the same way; with several, the shortest answer wins).
     *
     * @throws IncompleteReadException if the stream ends first; its {@code partial()} is what was
     *     left, and the buffer is then empty
     * @throws LimitOverrunException if more than the limit comes before a separator; the data stays
     *     in the buffer, as in asyncio
     * @throws IllegalArgumentException if there is no separator or one is empty
     */
    public byte[] readuntil(byte[]... separators) throws IOException {
        if (separators.length == 0) {
            throw new IllegalArgumentException("at least one separator is needed");
        }
        int longest = 0;
        for (byte[] separator : separators) {
            if (separator.length == 0) {
                throw new IllegalArgumentException("a separator must not be empty");
            }
            longest = Math.max(longest, separator.length);
        }
        int searchFrom = start;
        while (true) {
            int stop = -1;
            int separatorLength = 0;
            for (byte[] separator : separators) {
                int at = indexOf(separator, searchFrom);
                if (at >= 0 && (stop < 0 || at + separator.length < stop)) {
                    stop = at + separator.length;
                    separatorLength = separator.length;
                }
            }
            if (stop >= 0) {
                int chunk = stop - start;
                if (chunk - separatorLength > limit) {
                    throw new LimitOverrunException(
                            "separator is found, but the chunk is longer than the limit ("
                                    + limit
                                    + " bytes)",
                            chunk - separatorLength);
                }
                return take(chunk);
            }
            if (end - start > limit + longest - 1) {
                throw new LimitOverrunException(
                        "separator is not found, and the chunk exceeds the limit ("
                                + limit
                                + " bytes)",
                        end - start);
            }
            if (eof) {
                byte[] partial = take(end - start);
                throw new IncompleteReadException(partial, -1);
            }
            searchFrom = Math.max(start, end - longest + 1);
            int before = start;
            fill(limit + longest);
            searchFrom -= before - start; // fill may have moved the data to the front
        }
    }

    /**
     * Exactly {@code n} bytes.
     *
     * @throws IncompleteReadException if the stream ends first ({@code partial()} holds what came)
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public byte[] readexactly(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("readexactly size can not be less than zero: " + n);
        }
        byte[] result = new byte[n];
        int have = Math.min(n, end - start);
        System.arraycopy(buffer, start, result, 0, have);
        start += have;
        while (have < n && !eof) {
            int read = in.read(result, have, n - have);
            if (read < 0) {
                eof = true;
            } else {
                have += read;
            }
        }
        if (have < n) {
            throw new IncompleteReadException(Arrays.copyOf(result, have), n);
        }
        return result;
    }

    /**
     * Up to {@code n} bytes: what is buffered, or what one read brings; an empty array at the end
     * of the stream. With {@code n} negative, everything up to the end of the stream.
     */
    public byte[] read(int n) throws IOException {
        if (n < 0) {
            byte[] buffered = take(end - start);
            byte[] rest = eof ? new byte[0] : in.readAllBytes();
            eof = true;
            byte[] all = Arrays.copyOf(buffered, buffered.length + rest.length);
            System.arraycopy(rest, 0, all, buffered.length, rest.length);
            return all;
        }
        if (n == 0) {
            return new byte[0];
        }
        if (start == end && !eof) {
            fill(buffer.length);
        }
        return take(Math.min(n, end - start));
    }

    /**
     * Whether the stream has ended and nothing is left in the buffer (asyncio's {@code at_eof()}).
     */
    public boolean atEof() {
        return eof && start == end;
    }

    /** Removes and returns the first {@code n} buffered bytes. */
    private byte[] take(int n) {
        byte[] chunk = Arrays.copyOfRange(buffer, start, start + n);
        start += n;
        if (start == end) {
            start = 0;
            end = 0;
        }
        return chunk;
    }

    /** One read from the stream into the buffer, which grows (up to {@code max} bytes) if full. */
    private void fill(int max) throws IOException {
        if (end == buffer.length) {
            int kept = end - start;
            if (start > 0 && kept < buffer.length / 2) {
                System.arraycopy(buffer, start, buffer, 0, kept);
            } else {
                byte[] bigger = new byte[Math.max(buffer.length, Math.min(2 * buffer.length, max))];
                System.arraycopy(buffer, start, bigger, 0, kept);
                buffer = bigger;
            }
            start = 0;
            end = kept;
        }
        int read = in.read(buffer, end, buffer.length - end);
        if (read < 0) {
            eof = true;
        } else {
            end += read;
        }
    }

    /** Where {@code separator} first starts in the buffer at or after {@code from}, or -1. */
    private int indexOf(byte[] separator, int from) {
        byte first = separator[0];
        for (int i = from, last = end - separator.length; i <= last; i++) {
            if (buffer[i] == first && matchesAt(separator, i)) {
                return i;
            }
        }
        return -1;
    }

    private boolean matchesAt(byte[] separator, int at) {
        for (int j = 1; j < separator.length; j++) {
            if (buffer[at + j] != separator[j]) {
                return false;
            }
        }
        return true;
    }
}
