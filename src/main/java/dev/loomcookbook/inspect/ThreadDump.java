package dev.loomcookbook.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    public record DumpedThread(long tid, String name, String state, boolean virtual, List<String> stack) {}

    /** The dump is not a thread dump: malformed, truncated, or some other JSON. */
    public static final class NotAThreadDumpException extends Exception {
        public NotAThreadDumpException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Parses a dump; {@code source} names it in the error message. */
    public static ThreadDump parse(String json, String source) throws NotAThreadDumpException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new NotAThreadDumpException(source + " is not a thread dump: malformed or truncated JSON"
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
        }
        if (root == null || root.isMissingNode()) {
            throw new NotAThreadDumpException(source + " is not a thread dump: it is empty");
        }
        JsonNode dump = root.get("threadDump");
        if (dump == null || !dump.path("threadContainers").isArray()) {
            throw new NotAThreadDumpException(source + " is JSON but not a thread dump (no threadDump.threadContainers)");
        }
        List<Container> containers = new ArrayList<>();
        for (JsonNode c : dump.get("threadContainers")) {
            List<DumpedThread> threads = new ArrayList<>();
            for (JsonNode t : c.path("threads")) {
                List<String> stack = new ArrayList<>();
                t.path("stack").forEach(f -> stack.add(f.asText()));
                threads.add(new DumpedThread(t.path("tid").asLong(), t.path("name").asText(""),
                        t.path("state").asText("?"), t.path("virtual").asBoolean(false), List.copyOf(stack)));
            }
            JsonNode owner = c.get("owner");
            JsonNode parent = c.get("parent");
            containers.add(new Container(c.path("container").asText("?"),
                    parent == null || parent.isNull() ? null : parent.asText(),
                    owner == null || owner.isNull() ? null : owner.asLong(),
                    List.copyOf(threads)));
        }
        return new ThreadDump(dump.path("processId").asText("?"), dump.path("runtimeVersion").asText("?"),
                List.copyOf(containers));
    }

    /** Reads and parses a saved dump file. */
    public static ThreadDump read(Path file) throws NotAThreadDumpException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new NotAThreadDumpException("cannot read " + file + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
        }
        return parse(text, file.toString());
    }

    /** A dump of this JVM, taken now with {@code HotSpotDiagnosticMXBean.dumpThreads}. */
    public static ThreadDump ofThisJvm() {
        try {
            Path dir = Files.createTempDirectory("pstree");
            Path file = dir.resolve("threads.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                return read(file);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take a thread dump of this JVM", e);
        } catch (NotAThreadDumpException e) {
            throw new IllegalStateException("the JDK wrote an unreadable thread dump: " + e.getMessage(), e);
        }
    }
}
