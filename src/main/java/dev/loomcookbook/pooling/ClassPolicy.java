package dev.loomcookbook.pooling;

import dev.loomcookbook.pooling.ProcessPoolProtocol.PolicyInputStream;
import dev.loomcookbook.pooling.ProcessPoolProtocol.RefusedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What one side of the channel accepts in a serialized payload (a task, a result, an
 * exception), and the limits every payload is read under.
 *
 * <p>Classes: a worker accepts in tasks the java.base value types, collections and exceptions
 * ({@link #BASICS}), a few more JDK classes tasks commonly hold ({@link #TASK_EXTRAS}), every
 * application class (one not loaded by the JDK's own class loaders) and the patterns of
 * {@code ProcessPool.Builder.allow}; it gets them on its command line, so no message can change
 * them. The parent accepts in a task's result or exception {@link #BASICS}, the packages of that
 * task's own application classes and the allowed patterns. Everything else is refused.
 *
 * <p>Limits, per payload of N bytes, at levels a legitimate payload cannot reach: objects nested
 * at most {@value #MAX_DEPTH} deep; at most N objects and references (each takes at least one
 * byte); arrays of at most 2N + 64 elements in all (an element takes at least one byte, and a
 * hash table may be twice as long as its entries), which caps what reading can allocate at a
 * small multiple of N before it finds out; and N itself is at most the pool's message limit.
 */
final class ClassPolicy {

    /** How deep objects may nest in one payload. */
    static final int MAX_DEPTH = 100;

    /**
     * The JDK classes both sides accept: java.base value types, collections and exceptions.
     * Subpackages are not included (no java.lang.invoke, no java.util.concurrent...).
     */
    static final List<String> BASICS = List.of(
            "java.lang.*", "java.util.*", "java.math.*", "java.time.**",
            "java.io.IOException", "java.io.UncheckedIOException", "java.io.EOFException",
            "java.io.FileNotFoundException", "java.io.NotSerializableException",
            "java.util.concurrent.ExecutionException", "java.util.concurrent.CancellationException",
            "java.util.concurrent.TimeoutException", "java.util.concurrent.CompletionException");

    /** JDK classes a task may also hold: concurrent collections and atomics, a lambda's form, a few values. */
    static final List<String> TASK_EXTRAS = List.of(
            "java.util.concurrent.*", "java.util.concurrent.atomic.*", "java.util.regex.Pattern",
            "java.lang.invoke.SerializedLambda", "java.net.URI", "java.io.File", "java.text.*");

    private final String what;
    private final Set<String> exact = new HashSet<>();
    private final Set<String> packages = new HashSet<>();
    private final List<String> trees = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();
    private final boolean applicationClasses;
    private final ConcurrentHashMap<Class<?>, Boolean> decisions = new ConcurrentHashMap<>();

    private ClassPolicy(String what, Collection<String> patterns, boolean applicationClasses) {
        this.what = what;
        this.applicationClasses = applicationClasses;
        for (String p : patterns) {
            if (p.endsWith(".**")) {
                trees.add(p.substring(0, p.length() - 2));
            } else if (p.endsWith(".*")) {
                packages.add(p.substring(0, p.length() - 2));
            } else if (p.endsWith("*")) {
                prefixes.add(p.substring(0, p.length() - 1));
            } else {
                exact.add(p);
            }
        }
    }

    /** What a worker accepts in tasks (and a map's items): fixed when it starts. */
    static ClassPolicy forTasks(List<String> allow) {
        List<String> patterns = new ArrayList<>(BASICS);
        patterns.addAll(TASK_EXTRAS);
        patterns.addAll(allow);
        return new ClassPolicy("a task", patterns, true);
    }

    /** What the parent accepts in the result or exception of a task made of {@code taskClasses}. */
    static ClassPolicy forResults(Collection<Class<?>> taskClasses, List<String> allow) {
        Set<String> patterns = new TreeSet<>(BASICS);
        for (Class<?> c : taskClasses) {
            if (!isJdk(c) && !c.getPackageName().isEmpty()) {
                patterns.add(c.getPackageName() + ".*");
            }
        }
        patterns.addAll(allow);
        return new ClassPolicy("a result", patterns, false);
    }

    /**
     * Checks one pattern of {@code Builder.allow}: a class name, {@code pkg.*} (a package),
     * {@code pkg.**} (and its subpackages) or {@code prefix*}.
     */
    static String checkPattern(String pattern) {
        String p = pattern == null ? "" : pattern.strip();
        if (!CLASS_PATTERN.matcher(p).matches()) {
            throw new IllegalArgumentException(
                    "not a class pattern: '" + pattern + "' (give a class name, pkg.*,"
                            + " pkg.** or a prefix ending in *, one per argument)");
        }
        return p;
    }

    private static final Pattern CLASS_PATTERN =
            Pattern.compile("[\\p{L}\\p{N}_$.]+(\\.\\*\\*|\\.\\*|\\*)?");

    /** Whether {@code c} was loaded by the JDK itself (the boot or platform class loader). */
    @SuppressWarnings("ReferenceEquality") // class loaders are the same loader or not: identity
    static boolean isJdk(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l == null || l == ClassLoader.getPlatformClassLoader();
    }

    boolean allows(Class<?> cl) {
        Class<?> c = cl;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive()) {
            return true;
        }
        return decisions.computeIfAbsent(c, this::decide);
    }

    private boolean decide(Class<?> c) {
        String name = c.getName();
        if (exact.contains(name) || packages.contains(c.getPackageName())) {
            return true;
        }
        for (String t : trees) {
            if (name.startsWith(t)) {
                return true;
            }
        }
        for (String p : prefixes) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return applicationClasses && !isJdk(c);
    }

    /** Why {@code c} is refused, for a message. */
    String refusal(Class<?> c) {
        Class<?> k = c;
        while (k.isArray()) {
            k = k.getComponentType();
        }
        return "it holds a " + k.getName() + ", which the pool does not accept in " + what
                + " (allow it with ProcessPool.Builder.allow)";
    }

    /** The first class of {@code classes} this policy refuses, or null. */
    Class<?> firstRefused(Collection<Class<?>> classes) {
        for (Class<?> c : classes) {
            if (!allows(c)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Reads one object from {@code bytes[off, off + len)} under this policy and the limits,
     * resolving classes with {@code loader}, and adding every class read to {@code resolved}
     * (if not null). A refusal is a {@link RefusedException} saying why.
     */
    Object read(byte[] bytes, int off, int len, ClassLoader loader, Set<Class<?>> resolved)
            throws IOException, ClassNotFoundException {
        Limits limits = new Limits(len);
        try (PolicyInputStream in = new PolicyInputStream(new ByteArrayInputStream(bytes, off, len),
                loader, resolved)) {
            in.setObjectInputFilter(limits);
            return in.readObject();
        } catch (InvalidClassException e) {
            if (limits.why != null) {
                throw new RefusedException(limits.why, limits.malformed, e);
            }
            throw e;
        }
    }

    /** A reader of this policy that resolves classes with {@code loader}. */
    Reader reader(ClassLoader loader) {
        return (b, off, len) -> read(b, off, len, loader, null);
    }

    /** Reads one payload. */
    @FunctionalInterface
    interface Reader {
        Object read(byte[] bytes, int off, int len) throws IOException, ClassNotFoundException;
    }

    /** The filter of one payload: classes, depth, references, array elements; remembers why it refused. */
    private final class Limits implements ObjectInputFilter {
        private final long length;
        private long elements;
        String why;
        boolean malformed;

        Limits(long length) {
            this.length = length;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.depth() > MAX_DEPTH) {
                return refuse(
                        "its objects nest more than " + MAX_DEPTH + " deep (the pool's limit)");
            }
            if (info.references() > length) {
                malformed = true;
                return refuse(String.format(Locale.ROOT,
                        "it holds more objects than its %,d bytes can encode", length));
            }
            Class<?> c = info.serialClass();
            if (c != null) {
                if (c.isArray() && info.arrayLength() > 0) {
                    elements += info.arrayLength();
                    if (elements > 2 * length + 64) {
                        malformed = true;
                        return refuse(String.format(Locale.ROOT,
                                "it claims arrays of %,d elements, but its %,d bytes"
                                        + " can hold at most %,d",
                                elements, length, 2 * length + 64));
                    }
                }
                if (!allows(c)) {
                    return refuse(refusal(c));
                }
            }
            return Status.ALLOWED;
        }

        private Status refuse(String reason) {
            if (why == null) {
                why = reason;
            }
            return Status.REJECTED;
        }
    }
}
