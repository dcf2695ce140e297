package dev.loomcookbook.pooling;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The wire format between a {@link ProcessPool} and its {@link ProcessPoolWorker}s, and the
 * deserialization filters of both sides.
 *
 * <p>A frame is a magic number, a length and that many bytes of one serialized {@link Message}.
 * A frame longer than the agreed maximum is refused before any byte of it is read, and a wrong
 * magic number (something else wrote into the channel) ends the conversation. Messages are
 * envelopes: the task, its result and its exception travel inside them as nested byte arrays, so
 * the envelope is read under a filter that allows only this class's records, and each payload
 * under a filter made for that task (see {@link #taskFilter} and {@link #resultFilter}).
 */
final class ProcessPoolProtocol {

    /** "LOOM": the first four bytes of every frame. */
    static final int MAGIC = 0x4C4F4F4D;

    /** Limits that hold for every stream, whatever the classes. */
    private static final String LIMITS = "maxdepth=100;maxrefs=1000000";

    /**
     * What a result or an exception may contain besides the task's own packages: java.base value
     * types, collections and exceptions. Subpackages are not included (no java.lang.invoke, no
     * java.util.concurrent.atomic, no java.rmi ...).
     */
    static final String BASICS = String.join(";",
            "java.lang.*",
            "java.util.*",
            "java.math.BigInteger", "java.math.BigDecimal",
            "java.time.*",
            "java.io.IOException", "java.io.UncheckedIOException", "java.io.EOFException",
            "java.io.FileNotFoundException",
            "java.util.concurrent.ExecutionException", "java.util.concurrent.CancellationException",
            "java.util.concurrent.TimeoutException", "java.util.concurrent.CompletionException");

    private ProcessPoolProtocol() {}

    /** Everything that crosses the channel. */
    sealed interface Message extends Serializable {}

    /** Parent to worker, once: the initializer (or null) and the filter to read it with. */
    record Init(byte[] initializer, String filter) implements Message {}

    /** Parent to worker: run this serialized task, reading it with this filter. */
    record Run(byte[] task, String filter) implements Message {}

    /** Worker to parent, once: started (and the initializer ran, unless {@code initFailure} is set). */
    record Ready(long pid, Failure initFailure) implements Message {}

    /** Worker to parent: the task returned this serialized value. */
    record Done(byte[] value) implements Message {}

    /**
     * Worker to parent: the task threw. The exception's type, message and stack travel as plain
     * data, and the exception itself serialized (or null if it could not be), so that the parent
     * can rebuild it if its filter allows, and otherwise report a {@link RemoteTaskException}.
     */
    record Failure(String type, String message, StackTraceElement[] stack, byte[] exception) implements Message {

        static Failure of(Throwable t, int maxBytes) {
            byte[] bytes;
            try {
                bytes = serialize(t, maxBytes / 2).bytes();
            } catch (IOException | RuntimeException notSerializable) {
                bytes = null;
            }
            return new Failure(t.getClass().getName(), t.getMessage(), t.getStackTrace(), bytes);
        }
    }

    /** Filter for envelopes: this class's records, strings, stack frames and byte arrays only. */
    static ObjectInputFilter envelopeFilter(int maxBytes) {
        return ENVELOPE_FILTERS.computeIfAbsent(maxBytes, ProcessPoolProtocol::newEnvelopeFilter);
    }

    private static final Map<Integer, ObjectInputFilter> ENVELOPE_FILTERS = new ConcurrentHashMap<>();

    private static ObjectInputFilter newEnvelopeFilter(int maxBytes) {
        return ObjectInputFilter.Config.createFilter(String.join(";",
                ProcessPoolProtocol.class.getName() + "$*",
                "java.lang.String", "java.lang.StackTraceElement",
                "maxdepth=10;maxrefs=100000;maxarray=" + maxBytes + ";maxbytes=" + ((long) maxBytes + 4096),
                "!*"));
    }

    /** A serialized object and every class that its stream names. */
    record Serialized(byte[] bytes, Set<Class<?>> classes) {}

    /**
     * Serializes {@code object}, recording the classes written, so that the reading side can allow
     * exactly those. Fails with {@link MessageTooLargeException} above {@code maxBytes}.
     */
    static Serialized serialize(Object object, int maxBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Set<Class<?>> classes = new LinkedHashSet<>();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
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
        }) {
            out.writeObject(object);
        }
        if (bytes.size() > maxBytes) {
            throw new MessageTooLargeException(bytes.size(), maxBytes);
        }
        return new Serialized(bytes.toByteArray(), classes);
    }

    /**
     * The filter a worker reads a task (or the initializer) with: exactly the classes the parent
     * wrote, plus the user's extra patterns, with limits; everything else is refused.
     */
    static String taskFilter(Collection<Class<?>> written, List<String> extraPatterns, int maxBytes) {
        List<String> parts = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (Class<?> c : written) {
            names.add(c.getName());
            if (!isJdkPackage(c.getPackageName())) {
                // A serializable lambda resolves to a hidden class named after its capturing class.
                names.add(c.getName() + "$$Lambda*");
            }
        }
        parts.addAll(names);
        // Collections check the arrays they allocate while reading (ArrayList: Object[], HashMap and
        // HashSet: Map.Entry[]) although those arrays are never written: allow them.
        parts.add("java.lang.Object");
        parts.add("java.util.Map$Entry");
        parts.addAll(extraPatterns);
        parts.add(LIMITS + ";maxarray=" + maxBytes + ";maxbytes=" + maxBytes);
        parts.add("!*");
        return String.join(";", parts);
    }

    /**
     * The filter the parent reads a task's result or exception with: {@link #BASICS}, the
     * packages of the task's own (non-JDK) classes, the user's extra patterns, with limits.
     */
    static String resultFilter(Collection<Class<?>> written, List<String> extraPatterns, int maxBytes) {
        List<String> parts = new ArrayList<>();
        parts.add(BASICS);
        Set<String> packages = new TreeSet<>();
        for (Class<?> c : written) {
            String p = c.getPackageName();
            if (!p.isEmpty() && !isJdkPackage(p)) {
                packages.add(p + ".*");
            }
        }
        parts.addAll(packages);
        parts.addAll(extraPatterns);
        parts.add(LIMITS + ";maxarray=" + maxBytes + ";maxbytes=" + maxBytes);
        parts.add("!*");
        return String.join(";", parts);
    }

    private static boolean isJdkPackage(String p) {
        return p.startsWith("java.") || p.startsWith("javax.") || p.startsWith("jdk.") || p.startsWith("sun.")
                || p.startsWith("com.sun.");
    }

    /** Reads one object from {@code bytes} under {@code filter}. */
    static Object deserialize(byte[] bytes, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        }
    }

    /** Reads one object from {@code bytes} under a filter given as a pattern. */
    static Object deserialize(byte[] bytes, String filterPattern) throws IOException, ClassNotFoundException {
        return deserialize(bytes, filter(filterPattern));
    }

    /**
     * The filter for {@code pattern}. A pattern fully decides its filter, and a pool sends the
     * same few patterns again and again (one per task class), so the parsed filters are kept
     * (a bounded number) instead of being parsed for each task.
     */
    static ObjectInputFilter filter(String pattern) {
        return FILTERS.get(pattern, ObjectInputFilter.Config::createFilter);
    }

    private static final Lru<String, ObjectInputFilter> FILTERS = new Lru<>(256);

    /** A small least-recently-used cache. */
    static final class Lru<K, V> {
        private final Map<K, V> map;

        Lru(int capacity) {
            this.map = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized V get(K key, Function<? super K, ? extends V> create) {
            V v = map.get(key);
            if (v == null) {
                v = create.apply(key);
                map.put(key, v);
            }
            return v;
        }
    }

    /**
     * Writes one message as a frame and flushes. The message is serialized straight behind room
     * for the frame header, so the frame leaves in one write, without further copies.
     */
    static void write(DataOutputStream out, Message message, int maxBytes) throws IOException {
        FrameBuffer frame = new FrameBuffer();
        try (ObjectOutputStream oos = new ObjectOutputStream(frame)) {
            oos.writeObject(message);
        }
        int length = frame.size() - 8;
        if (length > maxBytes + 4096) {
            throw new MessageTooLargeException(length, maxBytes + 4096);
        }
        frame.writeTo(out, length);
        out.flush();
    }

    /** A byte buffer that starts with 8 bytes reserved for the frame's magic number and length. */
    private static final class FrameBuffer extends ByteArrayOutputStream {
        FrameBuffer() {
            super(512);
            count = 8;
        }

        void writeTo(DataOutputStream out, int length) throws IOException {
            putInt(0, MAGIC);
            putInt(4, length);
            out.write(buf, 0, count);
        }

        private void putInt(int at, int v) {
            buf[at] = (byte) (v >>> 24);
            buf[at + 1] = (byte) (v >>> 16);
            buf[at + 2] = (byte) (v >>> 8);
            buf[at + 3] = (byte) v;
        }
    }

    /**
     * Reads one frame and its message. Throws {@link EOFException} at the end of the stream,
     * {@link StreamCorruptedException} for a wrong magic number, {@link MessageTooLargeException}
     * for an oversized frame (nothing of it is read) and {@link InvalidClassException} if the
     * envelope filter refuses a class.
     */
    static Message read(DataInputStream in, int maxBytes) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new StreamCorruptedException(String.format(
                    "channel corrupted: expected frame magic %08x, read %08x", MAGIC, magic));
        }
        int length = in.readInt();
        if (length < 0 || length > maxBytes + 4096) {
            throw new MessageTooLargeException(length, maxBytes);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        try {
            return (Message) deserialize(bytes, envelopeFilter(maxBytes));
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new StreamCorruptedException("not a pool message: " + e);
        }
    }

    /** A message above the size limit; nothing of it was sent or read. */
    static final class MessageTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        MessageTooLargeException(long size, int maxBytes) {
            super("message of " + size + " bytes refused: the limit is " + maxBytes
                    + " bytes (ProcessPool.Builder.maxMessageBytes)");
        }
    }
}
