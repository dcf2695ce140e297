package dev.loomcookbook.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static java.nio.charset.StandardCharsets.UTF_8;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** StreamReader's asyncio rules, on in-memory streams that deliver a few bytes per read. */
class StreamReaderTest {

    /** readline returns each line through its newline, the rest at the end, then an empty array. */
    @Test
    void readlineReturnsLinesThenThePartialRestThenEmpty() throws IOException {
        StreamReader reader = reader("one\ntwo\nthr", 3);
        assertThat(text(reader.readline())).isEqualTo("one\n");
        assertThat(text(reader.readline())).isEqualTo("two\n");
        assertThat(text(reader.readline())).isEqualTo("thr");
        assertThat(reader.readline()).isEmpty();
        assertThat(reader.atEof()).isTrue();
    }

    /** A line that arrives one byte per read, separator included, is put back together. */
    @Test
    void readuntilJoinsASeparatorSplitAcrossReads() throws IOException {
        StreamReader reader = reader("alpha\r\nbeta\r\n", 1);
        assertThat(text(reader.readuntil("\r\n".getBytes(UTF_8)))).isEqualTo("alpha\r\n");
        assertThat(text(reader.readuntil("\r\n".getBytes(UTF_8)))).isEqualTo("beta\r\n");
    }

    /** With several separators, the shortest answer wins (asyncio 3.13's tuple of separators). */
    @Test
    void readuntilWithSeveralSeparatorsStopsAtTheFirstToEnd() throws IOException {
        StreamReader reader = reader("a;b|c;", 64);
        byte[][] separators = {";".getBytes(UTF_8), "|".getBytes(UTF_8)};
        assertThat(text(reader.readuntil(separators))).isEqualTo("a;");
        assertThat(text(reader.readuntil(separators))).isEqualTo("b|");
        assertThat(text(reader.readuntil(separators))).isEqualTo("c;");
    }

    /** At the end of the stream, readuntil throws IncompleteReadException with what was left. */
    @Test
    void readuntilAtTheEndThrowsWithThePartialData() {
        StreamReader reader = reader("no separator", 4);
        assertThatThrownBy(() -> reader.readuntil("\n".getBytes(UTF_8)))
                .isInstanceOfSatisfying(
                        IncompleteReadException.class,
                        e -> {
                            assertThat(text(e.partial())).isEqualTo("no separator");
                            assertThat(e.expected()).isEqualTo(-1);
                        });
        assertThat(reader.atEof()).isTrue();
    }

    /**
     * readexactly returns exactly n bytes, buffered or not, and throws with the partial data at the
     * end.
     */
    @Test
    void readexactlyReturnsNBytesOrThrowsWithWhatCame() throws IOException {
        StreamReader reader = reader("head\n0123456789", 3);
        assertThat(text(reader.readline())).isEqualTo("head\n");
        assertThat(text(reader.readexactly(4))).isEqualTo("0123");
        assertThatThrownBy(() -> reader.readexactly(10))
                .isInstanceOfSatisfying(
                        IncompleteReadException.class,
                        e -> {
                            assertThat(text(e.partial())).isEqualTo("456789");
                            assertThat(e.expected()).isEqualTo(10);
                        });
    }

    /**
     * A line longer than the limit fails readline, which drops the buffered line through its
     * separator (asyncio's rule), so the next line reads fine.
     */
    @Test
    void readlineOverTheLimitThrowsAndDropsTheLine() throws IOException {
        StreamReader reader = new StreamReader(chunked("x".repeat(50) + "\nok\n", 100), 10);
        assertThatThrownBy(reader::readline)
                .isInstanceOf(LimitOverrunException.class)
                .hasMessageContaining("limit (10 bytes)");
        assertThat(text(reader.readline())).isEqualTo("ok\n");
    }

    /**
     * A line of exactly the limit, separator not counted, is accepted (asyncio counts the same
     * way).
     */
    @Test
    void aLineOfExactlyTheLimitIsAccepted() throws IOException {
        StreamReader reader = new StreamReader(chunked("0123456789\n", 2), 10);
        assertThat(text(reader.readline())).isEqualTo("0123456789\n");
    }

    /**
     * Without a separator in sight, readuntil fails as soon as the limit is passed, without reading
     * to the end.
     */
    @Test
    void readuntilFailsOnceTheLimitIsPassedWithoutASeparator() {
        CountingStream endless = new CountingStream();
        StreamReader reader = new StreamReader(endless, 100);
        assertThatThrownBy(() -> reader.readuntil("\n".getBytes(UTF_8)))
                .isInstanceOf(LimitOverrunException.class);
        assertThat(endless.served).isLessThan(1000);
    }

    /** read(n) returns at most n buffered bytes, read(-1) the rest, then empty arrays. */
    @Test
    void readReturnsWhatIsThereAndReadAllTheRest() throws IOException {
        StreamReader reader = reader("abcdefgh", 3);
        assertThat(text(reader.read(2))).isEqualTo("ab");
        assertThat(text(reader.read(-1))).isEqualTo("cdefgh");
        assertThat(reader.read(5)).isEmpty();
        assertThat(reader.atEof()).isTrue();
    }

    /** Arguments asyncio rejects are rejected here too. */
    @Test
    void rejectsBadArguments() {
        StreamReader reader = reader("", 1);
        assertThatThrownBy(() -> reader.readexactly(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reader.readuntil()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reader.readuntil(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamReader(InputStream.nullInputStream(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static StreamReader reader(String text, int bytesPerRead) {
        return new StreamReader(chunked(text, bytesPerRead), StreamReader.DEFAULT_LIMIT);
    }

    /** A stream that hands out at most {@code bytesPerRead} bytes per read, as a socket may. */
    private static InputStream chunked(String text, int bytesPerRead) {
        return new ByteArrayInputStream(text.getBytes(UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, bytesPerRead));
            }
        };
    }

    /** An endless stream of 'x', counting what it served. */
    private static final class CountingStream extends InputStream {
        int served;

        @Override
        public int read() {
            served++;
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, 16);
            java.util.Arrays.fill(b, off, off + n, (byte) 'x');
            served += n;
            return n;
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }
}
