package dev.loomcookbook.pooling;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The wire format between a {@link ProcessPool} and its {@link ProcessPoolWorker}s.
 *
 * <p>A frame is a magic number, a kind, a task number, a length and that many bytes of body. The
 * task number of an answer (and of a BUSY) is the one of the task it answers, so that an answer
 * out of turn (a task that wrote into the channel itself, say) is a protocol error and never the
 * result of another task. The body is plain
 * fields (lengths, numbers, UTF-8 strings, byte arrays), written and read here, so that reading
 * a frame runs no deserialization at all; only the task, its result and its exception travel
 * serialized, as byte arrays inside a body, and they are read under a {@link ClassPolicy}. A
 * frame longer than the agreed maximum is refused before any of its body is read; the body's
 * buffer grows as bytes arrive, never to a length only announced. A wrong magic number, an
 * unknown kind or a malformed body is a {@link ProtocolException}: the conversation is over.
 *
 * <p>Values (a result, or the items and results of a map chunk) travel in a compact form when
 * they are all {@code Integer}, {@code Long}, {@code Double} or {@code String}, and serialized
 * otherwise; see {@link #writeValues}.
 */
// A message's arrays are its serialized payload or a copy of a stack: messages are written once
// and read once, never compared or hashed, so array identity in equals() does not matter.
@SuppressWarnings("ArrayRecordComponent")
final class ProcessPoolProtocol {

    /** "LOOM": the first four bytes of every frame. */
    static final int MAGIC = 0x4C4F4F4D;

    /** Magic, kind, task number, body length. */
    static final int HEADER_BYTES = 13;

    /** Room in a frame for everything but its payloads (kind fields, a stack trace's text...). */
    static final int OVERHEAD_BYTES = 64 * 1024;

    private ProcessPoolProtocol() {}

    /** What a frame is. Parent to worker: INIT, CALL, CHUNK. Worker to parent: the others. */
    enum Kind {
        /** The initializer, serialized, or none. */
        INIT,
        /** Started: the worker's pid, and the initializer's failure if it threw. */
        READY,
        /** Run one serialized task. */
        CALL,
        /** Run a map function, serialized, over a list of items. */
        CHUNK,
        /** A task's result, as values (one). */
        DONE,
        /** A task's exception. */
        FAILED,
        /** A map chunk's results, then the failure at the next item, if one threw. */
        CHUNK_DONE,
        /** The task ran, but its outcome cannot be sent: why. */
        UNSENDABLE,
        /** The task is still running (sent once, a few milliseconds after it started). */
        BUSY,
        /**
         * The worker ends after the answer that follows (a thread of it is stuck): the parent
         * must give it no further task.
         */
        RETIRING;

        private static final Kind[] ALL = values();

        static Kind of(int code) throws ProtocolException {
            if (code < 0 || code >= ALL.length) {
                throw new ProtocolException("unknown frame kind " + code);
            }
            return ALL[code];
        }
    }

    // ---- writing ---------------------------------------------------------------------------

    /**
     * A frame being written: a growable buffer with room for the header, plain-field writers,
     * and an {@link OutputStream} view to serialize an object straight into the body. It
     * refuses to grow past the body limit ({@link MessageTooLargeException}).
     */
    static final class FrameWriter extends OutputStream {
        private byte[] buf;
        private int count;
        private final long maxBody;

        FrameWriter(int initialCapacity, long maxBody) {
            this.buf = new byte[Math.max(initialCapacity, HEADER_BYTES + 16)];
            this.maxBody = maxBody;
            reset();
        }

        /** Starts a new frame in the same buffer. */
        FrameWriter reset() {
            count = HEADER_BYTES;
            return this;
        }

        int bodyLength() {
            return count - HEADER_BYTES;
        }

        @Override
        public void write(int b) throws IOException {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) throws MessageTooLargeException {
            long needed = (long) count + more;
            if (needed - HEADER_BYTES > maxBody) {
                throw new MessageTooLargeException(maxBody);
            }
            if (needed > buf.length) {
                long grown =
                        Math.max(needed, Math.min((long) buf.length * 2, maxBody + HEADER_BYTES));
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(grown, Integer.MAX_VALUE - 8));
            }
        }

        void writeByte(int v) throws IOException {
            write(v);
        }

        void writeInt(int v) throws IOException {
            ensure(4);
            putInt(buf, count, v);
            count += 4;
        }

        void writeLong(long v) throws IOException {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        /** A length (or -1 for null) and the bytes. */
        void writeBytes(byte[] b) throws IOException {
            if (b == null) {
                writeInt(-1);
            } else {
                writeInt(b.length);
                write(b, 0, b.length);
            }
        }

        /** A string as UTF-8, length first (-1 for null). */
        void writeString(String s) throws IOException {
            writeBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        /** Reserves a length field; {@link #endLength} fills it with what was written since. */
        int beginLength() throws IOException {
            int at = count;
            writeInt(0);
            return at;
        }

        void endLength(int at) {
            putInt(buf, at, count - at - 4);
        }

        /** Serializes {@code o} into the body, length first; returns the classes it names. */
        Set<Class<?>> writeObject(Object o) throws IOException {
            int at = beginLength();
            Set<Class<?>> classes = serializeInto(this, o);
            endLength(at);
            return classes;
        }

        /** Fills in the header; the frame is then {@link #bytes()}[0, {@link #length()}). */
        // The ordinal is the wire code by design: Kind.of reads it back in the same build.
        @SuppressWarnings("EnumOrdinal")
        FrameWriter finish(Kind kind, int task) {
            putInt(buf, 0, MAGIC);
            buf[4] = (byte) kind.ordinal();
            putInt(buf, 5, task);
            putInt(buf, 9, count - HEADER_BYTES);
            return this;
        }

        byte[] bytes() {
            return buf;
        }

        int length() {
            return count;
        }

        /** The finished frame, in an array of its own. */
        byte[] toFrame(Kind kind, int task) {
            finish(kind, task);
            return java.util.Arrays.copyOf(buf, count);
        }
    }

    /** A frame with no body. */
    static byte[] emptyFrame(Kind kind, int task) {
        return new FrameWriter(HEADER_BYTES, 0).toFrame(kind, task);
    }

    /** Serializes {@code o} (the stream header included) into {@code out}, recording its classes. */
    static Set<Class<?>> serializeInto(OutputStream out, Object o) throws IOException {
        Set<Class<?>> classes = new LinkedHashSet<>();
        ObjectOutputStream oos = new ObjectOutputStream(out) {
            @Override
            protected void annotateClass(Class<?> cl) {
                Class<?> c = cl;
                while (c.isArray()) {
                    c = c.getComponentType();
                }
                if (!c.isPrimitive()) {
                    classes.add(c);
                }
            }
        };
        oos.writeObject(o);
        oos.flush();
        return classes;
    }

    // ---- reading ---------------------------------------------------------------------------

    /** A frame just read: its kind, task number and body, valid until the next read from the same reader. */
    record Frame(Kind kind, int task, Body body) {}

    /**
     * Reads frames from a stream. Keeps the bytes of a following frame that arrived with this
     * one. Remembers when the current frame began arriving and when its last bytes came, so that
     * a watchdog can tell a frame that stalled half-way.
     */
    static final class FrameReader {
        private final InputStream in;
        private final int maxBody;
        /**
         * Ask the stream for exactly the bytes still missing, not for all the room there is: a
         * {@link java.io.BufferedInputStream} (a {@code Process}'s streams are) asks the pipe
         * how much is available after every short read, two more system calls per frame.
         */
        private final boolean exact;
        private byte[] buf = new byte[16 * 1024];
        private int start;
        private int end;
        /** When the last bytes of an unfinished frame arrived; 0 between frames. */
        private volatile long partialSince;

        FrameReader(InputStream in, int maxBody) {
            this(in, maxBody, false);
        }

        FrameReader(InputStream in, int maxBody, boolean exact) {
            this.in = in;
            this.maxBody = maxBody;
            this.exact = exact;
        }

        /** When the frame being read last made progress, or 0 if none is half-read. */
        long partialSince() {
            return partialSince;
        }

        /**
         * The next frame. Throws {@link EOFException} at a clean end of the stream,
         * {@link TruncatedFrameException} if it ends inside a frame, {@link ProtocolException}
         * for a wrong magic number, kind or length (nothing of the body is read then).
         */
        Frame read() throws IOException {
            if (start == end) {
                start = 0;
                end = 0;
            } else if (start > 0 && buf.length - start < HEADER_BYTES) {
                compact();
            }
            fill(HEADER_BYTES, -1);
            int magic = getInt(buf, start);
            if (magic != MAGIC) {
                partialSince = 0;
                throw new ProtocolException(String.format(
                        "expected a frame, read the bytes %08x (\"%s\")", magic,
                        printable(buf, start, 4)));
            }
            Kind kind = Kind.of(buf[start + 4]);
            int task = getInt(buf, start + 5);
            int length = getInt(buf, start + 9);
            if (length < 0 || length > maxBody) {
                partialSince = 0;
                throw length < 0 ? new ProtocolException("a frame announced a negative length")
                        : new MessageTooLargeException(length, maxBody);
            }
            fill(HEADER_BYTES + length, length);
            Body body = new Body(buf, start + HEADER_BYTES, length);
            start += HEADER_BYTES + length;
            partialSince = start == end ? 0 : System.nanoTime();
            return new Frame(kind, task, body);
        }

        /** Reads until {@code n} bytes from {@code start} are buffered, growing only as they come. */
        private void fill(int n, int bodyLength) throws IOException {
            while (end - start < n) {
                if (buf.length - end == 0) {
                    if (start > 0) {
                        compact();
                    } else {
                        buf = java.util.Arrays.copyOf(buf,
                                (int) Math.min((long) buf.length * 2, (long) n));
                    }
                }
                int want = exact ? Math.min(buf.length - end, n - (end - start)) : buf.length - end;
                int r = in.read(buf, end, want);
                if (r < 0) {
                    int got = end - start;
                    partialSince = 0;
                    if (got == 0) {
                        throw new EOFException("the channel ended");
                    }
                    throw new TruncatedFrameException(
                            bodyLength < 0 ? got : got - HEADER_BYTES, bodyLength, bodyLength < 0);
                }
                end += r;
                partialSince = System.nanoTime();
            }
        }

        private void compact() {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
    }

    /** A frame's body: bounds-checked plain-field readers. */
    static final class Body {
        private final byte[] buf;
        private int pos;
        private final int limit;

        Body(byte[] buf, int off, int len) {
            this.buf = buf;
            this.pos = off;
            this.limit = off + len;
        }

        int remaining() {
            return limit - pos;
        }

        private void need(long n) throws ProtocolException {
            if (n < 0 || n > limit - pos) {
                throw new ProtocolException("a frame's body ends before its fields do");
            }
        }

        int readByte() throws ProtocolException {
            need(1);
            return buf[pos++];
        }

        int readInt() throws ProtocolException {
            need(4);
            int v = getInt(buf, pos);
            pos += 4;
            return v;
        }

        long readLong() throws ProtocolException {
            return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
        }

        /** A length-prefixed byte array (null for -1), copied out. */
        byte[] readBytes() throws ProtocolException {
            int n = readInt();
            if (n == -1) {
                return null;
            }
            need(n);
            byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        /** A length-prefixed region, not copied: {@code [offset(), offset() + length)} of {@link #array()}. */
        Body readRegion() throws ProtocolException {
            int n = readInt();
            need(n);
            Body region = new Body(buf, pos, n);
            pos += n;
            return region;
        }

        String readString() throws ProtocolException {
            int n = readInt();
            if (n == -1) {
                return null;
            }
            need(n);
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        /** The rest of the body, copied out. */
        byte[] rest() {
            byte[] b = java.util.Arrays.copyOfRange(buf, pos, limit);
            pos = limit;
            return b;
        }

        byte[] array() {
            return buf;
        }

        int offset() {
            return pos;
        }

        void skip(int n) throws ProtocolException {
            need(n);
            pos += n;
        }

        /** Fails unless the body was read to its end exactly. */
        void end() throws ProtocolException {
            if (pos != limit) {
                throw new ProtocolException(
                        "a frame's body has " + (limit - pos) + " bytes more than its fields");
            }
        }
    }

    // ---- failures --------------------------------------------------------------------------

    /**
     * A task's exception: its type, message and stack as plain data, and the exception itself
     * serialized (or null if it could not be), so that the parent can rebuild it if its policy
     * allows, and otherwise report a {@link RemoteTaskException}.
     */
    record Failure(String type, String message, StackTraceElement[] stack, byte[] exception) {

        void writeTo(FrameWriter w) throws IOException {
            w.writeString(type);
            w.writeString(message);
            w.writeInt(stack.length);
            for (StackTraceElement e : stack) {
                w.writeString(e.getClassLoaderName());
                w.writeString(e.getModuleName());
                w.writeString(e.getModuleVersion());
                w.writeString(e.getClassName());
                w.writeString(e.getMethodName());
                w.writeString(e.getFileName());
                w.writeInt(e.getLineNumber());
            }
            w.writeBytes(exception);
        }

        static Failure readFrom(Body b) throws ProtocolException {
            String type = b.readString();
            String message = b.readString();
            int n = b.readInt();
            // Each element takes at least 28 bytes (six lengths and a line number).
            if (n < 0 || n > b.remaining() / 28) {
                throw new ProtocolException("a failure announced " + n + " stack frames");
            }
            StackTraceElement[] stack = new StackTraceElement[n];
            for (int i = 0; i < n; i++) {
                String loader = b.readString();
                String module = b.readString();
                String version = b.readString();
                String cls = b.readString();
                String method = b.readString();
                String file = b.readString();
                int line = b.readInt();
                if (cls == null || method == null) {
                    throw new ProtocolException("a stack frame without class or method");
                }
                stack[i] = new StackTraceElement(loader, module, version, cls, method, file, line);
            }
            byte[] exception = b.readBytes();
            if (type == null) {
                throw new ProtocolException("a failure without a type");
            }
            return new Failure(type, message, stack, exception);
        }
    }

    // ---- values ----------------------------------------------------------------------------

    private static final int INTS = 1;
    private static final int LONGS = 2;
    private static final int DOUBLES = 3;
    private static final int STRINGS = 4;
    private static final int SERIALIZED = 5;

    /**
     * Writes {@code values[0, n)}: a tag, the count, then the values, compactly when all are of
     * one of the types Integer, Long, Double and String (no nulls), or as one serialized
     * {@code Object[]}. Returns the classes serialized (empty for a compact form).
     */
    static Set<Class<?>> writeValues(FrameWriter w, Object[] values, int n) throws IOException {
        int tag = compactTag(values, n);
        w.writeByte(tag);
        w.writeInt(n);
        switch (tag) {
            case INTS -> {
                for (int i = 0; i < n; i++) {
                    w.writeInt((Integer) values[i]);
                }
            }
            case LONGS -> {
                for (int i = 0; i < n; i++) {
                    w.writeLong((Long) values[i]);
                }
            }
            case DOUBLES -> {
                for (int i = 0; i < n; i++) {
                    w.writeLong(Double.doubleToRawLongBits((Double) values[i]));
                }
            }
            case STRINGS -> {
                for (int i = 0; i < n; i++) {
                    w.writeString((String) values[i]);
                }
            }
            default -> {
                return w.writeObject(
                        n == values.length ? values : java.util.Arrays.copyOf(values, n));
            }
        }
        return Set.of();
    }

    /** Whether {@code values[0, n)} go in a compact form, without Java serialization. */
    static boolean isCompact(Object[] values, int n) {
        return compactTag(values, n) != SERIALIZED;
    }

    private static int compactTag(Object[] values, int n) {
        if (n == 0) {
            return INTS;
        }
        Class<?> first = values[0] == null ? null : values[0].getClass();
        int tag = first == Integer.class ? INTS : first == Long.class ? LONGS
                : first == Double.class ? DOUBLES
                : first == String.class ? STRINGS : SERIALIZED;
        if (tag != SERIALIZED) {
            for (int i = 1; i < n; i++) {
                if (values[i] == null || values[i].getClass() != first) {
                    return SERIALIZED;
                }
            }
        }
        return tag;
    }

    /** Reads values written by {@link #writeValues}; serialized ones under {@code policy}. */
    static Object[] readValues(Body b, ClassPolicy.Reader policy)
            throws IOException, ClassNotFoundException {
        int tag = b.readByte();
        int n = b.readInt();
        int size = switch (tag) {
            case INTS -> 4;
            case LONGS, DOUBLES -> 8;
            case STRINGS -> 4;
            case SERIALIZED -> 0;
            default -> throw new ProtocolException("unknown values tag " + tag);
        };
        if (n < 0 || (size > 0 && n > b.remaining() / size)) {
            throw new ProtocolException("values announced " + n + " elements");
        }
        Object[] values = new Object[n];
        switch (tag) {
            case INTS -> {
                for (int i = 0; i < n; i++) {
                    values[i] = b.readInt();
                }
            }
            case LONGS -> {
                for (int i = 0; i < n; i++) {
                    values[i] = b.readLong();
                }
            }
            case DOUBLES -> {
                for (int i = 0; i < n; i++) {
                    values[i] = Double.longBitsToDouble(b.readLong());
                }
            }
            case STRINGS -> {
                for (int i = 0; i < n; i++) {
                    String s = b.readString();
                    if (s == null) {
                        throw new ProtocolException("a null among compact strings");
                    }
                    values[i] = s;
                }
            }
            default -> {
                Body region = b.readRegion();
                Object o = policy.read(region.array(), region.offset(), region.remaining());
                if (!(o instanceof Object[] array) || array.length != n) {
                    throw new ProtocolException(
                            "serialized values are not the " + n + " announced");
                }
                return array;
            }
        }
        return values;
    }

    // ---- deserialization -------------------------------------------------------------------

    /**
     * An object stream that resolves classes with one given loader, rather than walking the
     * stack for the latest user-defined loader on every class (a cost a profile showed).
     */
    static final class PolicyInputStream extends ObjectInputStream {
        private final ClassLoader loader;
        private final Set<Class<?>> resolved;

        PolicyInputStream(InputStream in, ClassLoader loader, Set<Class<?>> resolved)
                throws IOException {
            super(in);
            this.loader = loader;
            this.resolved = resolved;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc)
                throws IOException, ClassNotFoundException {
            Class<?> c;
            try {
                c = Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                c = super.resolveClass(desc); // primitive types
            }
            if (resolved != null) {
                Class<?> k = c;
                while (k.isArray()) {
                    k = k.getComponentType();
                }
                if (!k.isPrimitive()) {
                    resolved.add(k);
                }
            }
            return c;
        }
    }

    // ---- errors ----------------------------------------------------------------------------

    /** The other side broke the protocol: the channel cannot be trusted any more. */
    static class ProtocolException extends IOException {
        @Serial
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    /** The stream ended inside a frame. */
    static final class TruncatedFrameException extends ProtocolException {
        @Serial
        private static final long serialVersionUID = 1L;

        TruncatedFrameException(int received, int expected, boolean inHeader) {
            super(inHeader
                    ? String.format("its channel ended inside a frame header (%d of %d bytes)",
                            received, HEADER_BYTES)
                    : String.format("its channel ended inside a frame (%,d of %,d bytes arrived)",
                            received, expected));
        }
    }

    /** A message above the size limit; nothing of it was sent or read. */
    static final class MessageTooLargeException extends ProtocolException {
        @Serial
        private static final long serialVersionUID = 1L;

        MessageTooLargeException(long limit) {
            super(String.format(
                    "it is larger than the limit of %,d bytes (ProcessPool.Builder.maxMessageBytes)",
                    limit));
        }

        MessageTooLargeException(long size, long limit) {
            super(String.format("a message of %,d bytes is larger than the limit of %,d bytes"
                    + " (ProcessPool.Builder.maxMessageBytes)", size, limit));
        }
    }

    /** A payload that a {@link ClassPolicy} refused to read; the message says why. */
    static final class RefusedException extends IOException {
        @Serial
        private static final long serialVersionUID = 1L;
        /** A limit no legitimate stream can reach was crossed: its writer is broken or hostile. */
        final boolean malformed;

        RefusedException(String why, boolean malformed, Throwable cause) {
            super(why, cause);
            this.malformed = malformed;
        }
    }

    // ---- bytes -----------------------------------------------------------------------------

    static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8
                | (b[at + 3] & 0xFF);
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static String printable(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = off; i < off + len; i++) {
            char c = (char) (b[i] & 0xFF);
            s.append(c >= 0x20 && c < 0x7F ? c : '.');
        }
        return s.toString();
    }
}
