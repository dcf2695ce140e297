package dev.loomcookbook.inspect;

import dev.loomcookbook.inspect.ThreadDump.Container;
import dev.loomcookbook.inspect.ThreadDump.DumpedThread;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link ThreadDump} as the structured task tree, like Python 3.14's
 * {@code python -m asyncio pstree PID}: each scope with its owner thread and its subtasks, and a
 * scope opened by a subtask drawn under that subtask.
 *
 * <p>A pure function from the parsed dump to lines, so it is easy to test.
 */
public final class TaskTree {

    private TaskTree() {}

    /**
     * The tree as lines. By default only the scope trees are shown (containers with an owner,
     * thread-per-task executors, and what is nested in them); {@code all} shows the JDK's own
     * containers too (the root, the carrier pool, the common pool).
     */
    public static List<String> render(ThreadDump dump, boolean all) {
        Map<String, Container> byId = new LinkedHashMap<>();
        Map<Long, DumpedThread> threadById = new HashMap<>();
        for (Container c : dump.containers()) {
            byId.put(c.id(), c);
            c.threads().forEach(t -> threadById.put(t.tid(), t));
        }
        Set<String> shown = new HashSet<>();
        for (Container c : dump.containers()) {
            if (all || interesting(c, byId)) {
                shown.add(c.id());
            }
        }
        Map<String, List<Container>> children = new HashMap<>();
        List<Container> roots = new ArrayList<>();
        for (Container c : dump.containers()) {
            if (!shown.contains(c.id())) {
                continue;
            }
            if (c.parent() != null && shown.contains(c.parent())) {
                children.computeIfAbsent(c.parent(), k -> new ArrayList<>()).add(c);
            } else {
                roots.add(c);
            }
        }
        Renderer r = new Renderer(threadById, children);
        for (Container root : roots) {
            r.container(root, "", "", true);
        }
        int hidden = dump.containers().size() - shown.size();
        if (roots.isEmpty()) {
            r.lines.add("(no StructuredTaskScope or thread-per-task executor is open)");
        }
        if (hidden > 0) {
            int hiddenThreads = dump.containers().stream().filter(c -> !shown.contains(c.id()))
                    .mapToInt(c -> c.threads().size()).sum();
            r.lines.add("(" + hidden + (hidden == 1 ? " more container with " : " more containers with ") + hiddenThreads
                    + (hiddenThreads == 1 ? " thread" : " threads") + " not shown: the root, pools, carriers; --all shows them)");
        }
        return r.lines;
    }

    /** A scope or executor, or anything nested inside one. */
    private static boolean interesting(Container c, Map<String, Container> byId) {
        for (Container at = c; at != null; at = at.parent() == null ? null : byId.get(at.parent())) {
            if (at.owner() != null || at.kind().equals("executor")) {
                return true;
            }
        }
        return false;
    }

    private static final class Renderer {
        final List<String> lines = new ArrayList<>();
        final Map<Long, DumpedThread> threadById;
        final Map<String, List<Container>> children;

        Renderer(Map<Long, DumpedThread> threadById, Map<String, List<Container>> children) {
            this.threadById = threadById;
            this.children = children;
        }

        /** {@code lead} starts this line; {@code indent} starts the lines below it; the owner is named unless drawn above. */
        void container(Container c, String lead, String indent, boolean showOwner) {
            StringBuilder head = new StringBuilder(lead);
            head.append(c.kind().equals("container") ? "" : c.kind() + " ")
                    .append(c.id().equals("<root>") ? "<root>" : "\"" + c.name() + "\"")
                    .append("  (").append(c.threads().size()).append(c.threads().size() == 1 ? " thread)" : " threads)");
            if (c.owner() != null && showOwner) {
                DumpedThread owner = threadById.get(c.owner());
                head.append("  owner ").append(owner == null ? "#" + c.owner() : label(owner));
            }
            lines.add(head.toString());

            List<Container> nested = children.getOrDefault(c.id(), List.of());
            Set<Long> here = new HashSet<>();
            c.threads().forEach(t -> here.add(t.tid()));
            List<Object> items = new ArrayList<>();
            List<DumpedThread> threads = new ArrayList<>(c.threads());
            threads.sort((a, b) -> Long.compare(a.tid(), b.tid()));
            items.addAll(threads);
            // A nested container whose owner is not one of this container's threads hangs here directly.
            for (Container n : nested) {
                if (n.owner() == null || !here.contains(n.owner())) {
                    items.add(n);
                }
            }
            for (int i = 0; i < items.size(); i++) {
                boolean last = i == items.size() - 1;
                String branch = indent + (last ? "└─ " : "├─ ");
                String below = indent + (last ? "   " : "│  ");
                if (items.get(i) instanceof DumpedThread t) {
                    List<Container> owned = nested.stream().filter(n -> n.owner() != null && n.owner() == t.tid()).toList();
                    String line = branch + label(t) + "  " + t.state();
                    String frames = frames(t.stack());
                    if (line.length() + frames.length() <= WIDTH) {
                        lines.add(line + frames);
                    } else {
                        // Too wide: the frames go on lines of their own under the thread, like a stack trace.
                        lines.add(line);
                        for (String frame : frames.strip().split(" <- ")) {
                            lines.add(below + (owned.isEmpty() ? "   " : "│  ") + "at " + frame);
                        }
                    }
                    for (int j = 0; j < owned.size(); j++) {
                        boolean lastOwned = j == owned.size() - 1;
                        container(owned.get(j), below + (lastOwned ? "└─ " : "├─ "), below + (lastOwned ? "   " : "│  "), false);
                    }
                } else {
                    container((Container) items.get(i), branch, below, true);
                }
            }
        }
    }

    /** A thread's line longer than this puts its frames on a second line. */
    static final int WIDTH = 120;

    private static String label(DumpedThread t) {
        String name = t.name().isEmpty() ? "(unnamed" + (t.virtual() ? " virtual)" : ")") : t.name();
        return "#" + t.tid() + " " + name;
    }

    /** The few frames that matter: the JDK call the thread is in, and the application frame that made it. */
    static String frames(List<String> stack) {
        if (stack.isEmpty()) {
            return "";
        }
        int app = -1;
        for (int i = 0; i < stack.size(); i++) {
            if (!isJdkFrame(stack.get(i))) {
                app = i;
                break;
            }
        }
        if (app < 0) {
            return "  " + shorten(stack.getFirst(), false);
        } else if (app == 0) {
            return "  " + shorten(stack.getFirst(), true);
        }
        return "  " + shorten(stack.get(app - 1), false) + " <- " + shorten(stack.get(app), true);
    }

    /** A frame of the JDK itself (module java.* or jdk.*, or a JDK package), not of the application. */
    static boolean isJdkFrame(String frame) {
        int slash = frame.indexOf('/');
        int paren = frame.indexOf('(');
        if (slash > 0 && (paren < 0 || slash < paren)) {
            String module = frame.substring(0, slash);
            return module.startsWith("java.") || module.startsWith("jdk.");
        }
        return frame.startsWith("java.") || frame.startsWith("jdk.") || frame.startsWith("sun.")
                || frame.startsWith("com.sun.");
    }

    /** {@code java.base/java.util.concurrent.CountDownLatch.await(CountDownLatch.java:230)} to {@code CountDownLatch.await}. */
    static String shorten(String frame, boolean withLocation) {
        String f = frame;
        int slash = f.indexOf('/');
        int paren = f.indexOf('(');
        if (slash > 0 && (paren < 0 || slash < paren)) {
            f = f.substring(slash + 1);
            paren = f.indexOf('(');
        }
        String method = paren < 0 ? f : f.substring(0, paren);
        String location = paren < 0 ? "" : f.substring(paren);
        int methodDot = method.lastIndexOf('.');
        int classDot = methodDot < 0 ? -1 : method.lastIndexOf('.', methodDot - 1);
        String simple = method.substring(classDot + 1);
        return withLocation ? simple + location : simple;
    }
}
