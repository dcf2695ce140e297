package dev.loomcookbook.pooling;

import dev.loomcookbook.pooling.ProcessPoolProtocol.FrameWriter;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Kind;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Misbehaviour for the fault tests: frames a task writes into its worker's channel, results the
 * parent must not choke on. The frames are built here, in the test JVM, and travel inside the task.
 */
final class Hostile {

    private Hostile() {}

    /**
     * Task side: writes {@code frame} straight into the worker's reply channel (file descriptor
     * 4), as the answer of the task running: its task number is filled in here.
     */
    static void writeToChannel(byte[] frame) {
        byte[] bytes = frame.clone();
        ProcessPoolProtocol.putInt(bytes, 5, ProcessPoolWorker.runningTask());
        try (FileOutputStream channel = new FileOutputStream("/dev/fd/4")) {
            channel.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Task side: writes {@code bytes} to the worker's file descriptor 1, as native code could. */
    static void writeToFd1(byte[] bytes) {
        try {
            FileOutputStream fd1 = new FileOutputStream(FileDescriptor.out);
            fd1.write(bytes);
            fd1.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A result frame whose single value is {@code serialized}, an Object[] of one element, serialized. */
    static byte[] doneFrame(byte[] serialized) {
        try {
            FrameWriter w = new FrameWriter(64 + serialized.length, Integer.MAX_VALUE);
            w.writeByte(5); // SERIALIZED
            w.writeInt(1);
            w.writeBytes(serialized);
            return w.toFrame(Kind.DONE, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A result frame that cannot be read for a reason other than an IOException: its value is an
     * array of StackTraceElement that holds a String, so reading it throws ArrayStoreException.
     */
    static byte[] replyThatThrowsWhenRead() {
        byte[] stream = serialize(new StackTraceElement[1]);
        // The array's length (1) and its one null element (TC_NULL): make the element a new String.
        byte[] nullElement = {0, 0, 0, 1, 0x70};
        int at = lastIndexOf(stream, nullElement) + 4;
        byte[] string = {0x74, 0, 1, 'x'};
        byte[] forged = new byte[stream.length + string.length - 1];
        System.arraycopy(stream, 0, forged, 0, at);
        System.arraycopy(string, 0, forged, at, string.length);
        System.arraycopy(stream, at + 1, forged, at + string.length, stream.length - at - 1);
        return doneFrame(forged);
    }

    /** A result frame whose value claims nested arrays of 64 Mi elements each: a memory bomb. */
    static byte[] arrayBombReply() {
        return doneFrame(arrayBomb(80));
    }

    /**
     * A serialized Object[] nested {@code depth} deep, each claiming 64 Mi elements while the
     * stream holds one: reading it allocates 256 MB per level before finding out.
     */
    static byte[] arrayBomb(int depth) {
        Object[] inner = new Object[1];
        Object[] outer = inner;
        for (int i = 1; i < depth; i++) {
            Object[] next = new Object[1];
            inner[0] = next;
            inner = next;
        }
        byte[] stream = serialize(outer);
        // Every array length is 00 00 00 01, right after the array's class descriptor (or its handle).
        for (int i = 5; i + 4 <= stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 0 && stream[i + 3] == 1
                    && (stream[i - 1] == 0x70 || stream[i - 5] == 0x71)) {
                stream[i] = 0x04;
                stream[i + 3] = 0;
            }
        }
        return stream;
    }

    /** A frame header announcing {@code length} bytes of a result, followed by only {@code sent} of them. */
    @SuppressWarnings("EnumOrdinal") // the wire code of a kind is its ordinal (FrameWriter)
    static byte[] truncatedFrame(int length, int sent) {
        byte[] bytes = new byte[ProcessPoolProtocol.HEADER_BYTES + sent];
        ProcessPoolProtocol.putInt(bytes, 0, ProcessPoolProtocol.MAGIC);
        bytes[4] = (byte) Kind.DONE.ordinal();
        ProcessPoolProtocol.putInt(bytes, 9, length);
        Arrays.fill(bytes, ProcessPoolProtocol.HEADER_BYTES, bytes.length, (byte) 7);
        return bytes;
    }

    /**
     * Sets nested {@code depth} deep, each level's two sets in both sets of the level above: the
     * hash code of the top costs 2^depth steps, and so does rebuilding it from a stream.
     */
    static Set<Object> hashBomb(int depth) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < depth; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("t1"); // t1 and t2 must differ, or the sets would hold one of them only
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    static byte[] serialize(Object o) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(o);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }
}
