package dev.loomcookbook.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JDK's JSON thread dump (JDK 21+), parsed: the thread containers (the root, pools, executors
 * and every open {@code StructuredTaskScope}) with their parent, owner thread and threads.
 *
 * <p>Written by {@code HotSpotDiagnosticMXBean.dumpThreads(file, JSON)} in this JVM, or by
 * {@code jcmd PID Thread.dump_to_file -format=json FILE} for another one.
 */
public record ThreadDump(String processId, String runtimeVersion, List<Container> containers) {

    /** A thread container: {@code id} is the dump's "container" string, e.g. {@code outer/jdk...@1a2b}. */
    public record Container(String id, String parent, Long owner, List<DumpedThread> threads) {

        /** The scope's name given with {@code Configuration.withName}, or the class and hash when unnamed. */
        public String name() {
            int slash = id.indexOf('/');
            if (slash > 0) {
                return id.substring(0, slash);
            }
            int dot = id.lastIndexOf('.', id.indexOf('@') < 0 ? id.length() : id.indexOf('@'));
            return id.substring(dot + 1);
        }

        /** What kind of container this is, for the tree. */
        public String kind() {
            if (id.contains("StructuredTaskScope") || id.contains("ThreadFlock")) {
                return "scope";
            } else if (id.contains("ThreadPerTaskExecutor")) {
                return "executor";
            } else if (id.contains("SharedThreadContainer") || id.contains("ThreadPoolExecutor")) {
                return "pool";
            }
            return "container";
        }
    }

    /** One thread: its stack is the dump's frames, top first, like {@code java.base/java.lang.Thread.sleep(Thread.java:540)}. */
    public record DumpedThread(long tid, String name, String state, boolean virtual,
            List<String> stack) {}

    /** The dump is not a thread dump: malformed, truncated, or some other JSON. */
    public static final class NotAThreadDumpException extends Exception {
        public NotAThreadDumpException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Parsing a dump takes about this many times its size in heap (the text, then the tree). */
    static final long HEAP_PER_BYTE = 8;

    /** Parses a dump; {@code source} names it in the error message. */
    public static ThreadDump parse(String json, String source) throws NotAThreadDumpException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw notJson(e, source);
        }
        return fromTree(root, source);
    }

    /**
     * Reads and parses a saved dump file. A file too large for this JVM's heap, text that is not
     * UTF-8, JSON past the parser's limits and a container that is its own ancestor are each
     * rejected with one line naming the problem.
     */
    public static ThreadDump read(Path file) throws NotAThreadDumpException {
        JsonNode root;
        try {
            long size = Files.size(file);
            long heap = Runtime.getRuntime().maxMemory();
            if (size > heap / HEAP_PER_BYTE) {
                throw tooLarge(file, size, heap);
            }
            try (InputStream in = Files.newInputStream(file)) {
                root = JSON.readTree(in);
            } catch (OutOfMemoryError e) {
                throw tooLarge(file, size, heap);
            }
        } catch (JsonProcessingException e) {
            throw notJson(e, file.toString());
        } catch (IOException e) {
            throw new NotAThreadDumpException("cannot read " + file + ": " + reason(e));
        }
        return fromTree(root, file.toString());
    }

    private static NotAThreadDumpException tooLarge(Path file, long size, long heap) {
        return new NotAThreadDumpException(String.format(Locale.ROOT,
                "%s is %,d MB: too large to read"
                        + " in this JVM's %,d MB heap (a dump takes about %d times its size; raise -Xmx)",
                file, size >> 20, heap >> 20, HEAP_PER_BYTE));
    }

    /** Why a file could not be read, in words: never an exception's class name. */
    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            case FileSystemException fs when fs.getReason() != null -> fs.getReason();
            default -> e.getMessage() == null ? "an I/O error" : e.getMessage();
        };
    }

    /** The JSON parser's complaint as one line: a limit it hit is named, with the limit. */
    private static NotAThreadDumpException notJson(JsonProcessingException e, String source) {
        if (e instanceof StreamConstraintsException) {
            StreamReadConstraints limits = JSON.getFactory().streamReadConstraints();
            String message = String.valueOf(e.getOriginalMessage());
            String limit;
            if (message.contains("nesting depth")) {
                limit = String.format(Locale.ROOT,
                        "nesting deeper than %,d levels (a thread dump nests 6)",
                        limits.getMaxNestingDepth());
            } else if (message.contains("String value length")) {
                limit = String.format(Locale.ROOT, "a string longer than %,d characters",
                        limits.getMaxStringLength());
            } else if (message.contains("Number value length")) {
                limit = String.format(Locale.ROOT, "a number longer than %,d digits",
                        limits.getMaxNumberLength());
            } else if (message.contains("Name length")) {
                limit = String.format(Locale.ROOT, "a field name longer than %,d characters",
                        limits.getMaxNameLength());
            } else {
                limit = message.replaceAll("\\s*\\(.*", "");
            }
            return new NotAThreadDumpException(
                    source + " is not a thread dump: it goes past the JSON"
                            + " parser's limit of " + limit);
        }
        var where = e.getLocation();
        String at = where == null ? ""
                : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
        if (String.valueOf(e.getOriginalMessage()).startsWith("Invalid UTF-8")) {
            return new NotAThreadDumpException(
                    source + " is not a thread dump: it is not UTF-8 text" + at);
        }
        return new NotAThreadDumpException(
                source + " is not a thread dump: malformed or truncated JSON" + at);
    }

    private static ThreadDump fromTree(JsonNode root, String source)
            throws NotAThreadDumpException {
        if (root == null || root.isMissingNode()) {
            throw new NotAThreadDumpException(source + " is not a thread dump: it is empty");
        }
        JsonNode dump = root.get("threadDump");
        if (dump == null || !dump.path("threadContainers").isArray()) {
            throw new NotAThreadDumpException(
                    source + " is JSON but not a thread dump (no threadDump.threadContainers)");
        }
        List<Container> containers = new ArrayList<>();
        for (JsonNode c : dump.get("threadContainers")) {
            List<DumpedThread> threads = new ArrayList<>();
            for (JsonNode t : c.path("threads")) {
                List<String> stack = new ArrayList<>();
                t.path("stack").forEach(f -> stack.add(f.asText()));
                threads.add(new DumpedThread(t.path("tid").asLong(), t.path("name").asText(""),
                        t.path("state").asText("?"), t.path("virtual").asBoolean(false),
                        List.copyOf(stack)));
            }
            JsonNode owner = c.get("owner");
            JsonNode parent = c.get("parent");
            containers.add(new Container(c.path("container").asText("?"),
                    parent == null || parent.isNull() ? null : parent.asText(),
                    owner == null || owner.isNull() ? null : owner.asLong(),
                    List.copyOf(threads)));
        }
        Optional<List<String>> cycle = parentCycle(containers);
        if (cycle.isPresent()) {
            List<String> ids = cycle.get();
            throw new NotAThreadDumpException(source + " is not a valid thread dump: "
                    + (ids.size() == 1 ? "container '" + ids.getFirst() + "' is its own parent"
                            : "its containers' parents form a cycle: " + cycleText(ids)));
        }
        return new ThreadDump(dump.path("processId").asText("?"),
                dump.path("runtimeVersion").asText("?"),
                List.copyOf(containers));
    }

    /** {@code a -> b -> a}, or for a long cycle its first three and how many there are. */
    private static String cycleText(List<String> ids) {
        if (ids.size() <= 3) {
            return String.join(" -> ", ids) + " -> " + ids.getFirst();
        }
        return String.join(" -> ", ids.subList(0, 3)) + String.format(Locale.ROOT,
                " -> ... (%,d containers) -> %s", ids.size(), ids.getFirst());
    }

    /**
     * The containers of a parent cycle, child first, if the parents form one; each container is
     * walked once, so this takes time linear in the number of containers.
     */
    static Optional<List<String>> parentCycle(List<Container> containers) {
        Map<String, String> parentOf = new HashMap<>();
        containers.forEach(c -> parentOf.putIfAbsent(c.id(), c.parent()));
        Map<String, Integer> walk = new HashMap<>(); // container -> the walk that first reached it
        int walks = 0;
        for (Container start : containers) {
            int current = ++walks;
            List<String> path = new ArrayList<>();
            for (String at = start.id(); at != null && parentOf.containsKey(at);
                    at = parentOf.get(at)) {
                Integer seen = walk.putIfAbsent(at, current);
                if (seen != null) {
                    if (seen == current) {
                        return Optional
                                .of(List.copyOf(path.subList(path.indexOf(at), path.size())));
                    }
                    break; // reached a container an earlier walk cleared
                }
                path.add(at);
            }
        }
        return Optional.empty();
    }

    /** A dump of this JVM, taken now with {@code HotSpotDiagnosticMXBean.dumpThreads}. */
    public static ThreadDump ofThisJvm() {
        try {
            Path dir = Files.createTempDirectory("pstree");
            Path file = dir.resolve("threads.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(),
                                HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                return read(file);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take a thread dump of this JVM", e);
        } catch (NotAThreadDumpException e) {
            throw new IllegalStateException(
                    "the JDK wrote an unreadable thread dump: " + e.getMessage(), e);
        }
    }
}
