package dev.loomcookbook.pooling;

import dev.loomcookbook.pooling.ProcessPoolProtocol.Done;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Failure;
import dev.loomcookbook.pooling.ProcessPoolProtocol.Message;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
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

    /** Task side: writes {@code bytes} straight into the worker's reply channel. */
    static void writeToChannel(byte[] bytes) {
        try {
            FileOutputStream channel = new FileOutputStream(FileDescriptor.out);
            channel.write(bytes);
            channel.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Task side: writes {@code bytes} to the worker's file descriptor 1, as native code could. */
    static void writeToFd1(byte[] bytes) {
        writeToChannel(bytes);
    }

    /** A whole frame holding {@code message}, as a worker writes it. */
    static byte[] frame(Message message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ProcessPoolProtocol.write(new DataOutputStream(bytes), message, ProcessPool.DEFAULT_MAX_MESSAGE_BYTES);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A failure frame that cannot be read for a reason other than an IOException: its stack
     * array (of StackTraceElement) holds a String, so reading it throws ArrayStoreException.
     */
    static byte[] replyThatThrowsWhenRead() {
        byte[] frame = frame(new Failure("x.Type", "m", new StackTraceElement[1], null));
        // The array's length (1) and its one null element (TC_NULL): make the element a new String.
        byte[] nullElement = {0, 0, 0, 1, 0x70};
        int at = lastIndexOf(frame, nullElement) + 4;
        byte[] string = {0x74, 0, 1, 'x'};
        byte[] forged = new byte[frame.length + string.length - 1];
        System.arraycopy(frame, 0, forged, 0, at);
        System.arraycopy(string, 0, forged, at, string.length);
        System.arraycopy(frame, at + 1, forged, at + string.length, frame.length - at - 1);
        putInt(forged, 4, forged.length - 8);
        return forged;
    }

    /** A result frame whose value claims nested arrays of 64 Mi elements each: a memory bomb. */
    static byte[] arrayBombReply() {
        return frame(new Done(arrayBomb(80)));
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
        byte[] stream;
        try {
            stream = ProcessPoolProtocol.serialize(outer, Integer.MAX_VALUE).bytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Every array length is 00 00 00 01, right after the array's class descriptor (or its handle).
        for (int i = 0; i + 4 <= stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 0 && stream[i + 3] == 1
                    && (stream[i - 1] == 0x78 || stream[i - 1] == 0x70 || stream[i - 5] == 0x71)) {
                stream[i] = 0x04;
                stream[i + 3] = 0;
            }
        }
        return stream;
    }

    /** A frame header announcing {@code length} bytes, followed by only {@code sent} of them. */
    static byte[] truncatedFrame(int length, int sent) {
        byte[] bytes = new byte[8 + sent];
        putInt(bytes, 0, ProcessPoolProtocol.MAGIC);
        putInt(bytes, 4, length);
        Arrays.fill(bytes, 8, bytes.length, (byte) 7);
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

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
