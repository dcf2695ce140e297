package dev.loomcookbook.inspect;

import dev.loomcookbook.inspect.ThreadDump.Container;
import dev.loomcookbook.inspect.ThreadDump.DumpedThread;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

    /** Levels of nested containers drawn; deeper ones are summed up in one line. */
    static final int MAX_DEPTH = 6;

    /** A thread's line longer than this puts its frames on lines of their own. */
    static final int WIDTH = dev.loomcookbook.common.Text.WIDTH;

    /**
     * The tree as lines. By default only the scope trees are shown (containers with an owner,
     * thread-per-task executors, and what is nested in them); {@code all} shows the JDK's own
     * containers too (the root, the carrier pool, the common pool). It takes time linear in the
     * size of the dump, whatever its depth; containers whose parents form a cycle are not shown.
     */
    public static List<String> render(ThreadDump dump, boolean all) {
        Map<String, Container> byId = new LinkedHashMap<>();
        Map<Long, DumpedThread> threadById = new HashMap<>();
        for (Container c : dump.containers()) {
            byId.putIfAbsent(c.id(), c);
            c.threads().forEach(t -> threadById.put(t.tid(), t));
        }
        Set<String> shown = all ? new HashSet<>(byId.keySet()) : interesting(byId);
        Map<String, List<Container>> children = new HashMap<>();
        List<Container> roots = new ArrayList<>();
        for (Container c : byId.values()) {
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
            r.draw(root);
        }
        int hidden = dump.containers().size() - shown.size();
        if (roots.isEmpty()) {
            r.lines.add("(no StructuredTaskScope or thread-per-task executor is open)");
        }
        if (hidden > 0) {
            int hiddenThreads = dump.containers().stream().filter(c -> !shown.contains(c.id()))
                    .mapToInt(c -> c.threads().size()).sum();
            r.lines.add("(" + hidden
                    + (hidden == 1 ? " more container with " : " more containers with ")
                    + hiddenThreads + (hiddenThreads == 1 ? " thread" : " threads")
                    + " not shown: the root, pools, carriers; --all shows them)");
        }
        return r.lines;
    }

    /**
     * The scopes and executors, and everything nested inside one: each container is decided once,
     * from its parent's decision, so a chain of any depth takes linear time.
     */
    private static Set<String> interesting(Map<String, Container> byId) {
        Map<String, Boolean> decided = new HashMap<>();
        for (Container start : byId.values()) {
            List<Container> path = new ArrayList<>();
            Set<String> onPath = new HashSet<>();
            Boolean verdict = null;
            for (Container at = start; at != null;
                    at = at.parent() == null ? null : byId.get(at.parent())) {
                verdict = decided.get(at.id());
                if (verdict != null) {
                    break;
                }
                if (!onPath.add(at.id())) {
                    verdict = false; // a parent cycle: not a tree, not shown
                    break;
                }
                if (at.owner() != null || at.kind().equals("executor")) {
                    verdict = true;
                    path.add(at);
                    break;
                }
                path.add(at);
            }
            // Walking back down: a container is interesting if it or an ancestor is.
            boolean below = verdict != null && verdict;
            for (int i = path.size() - 1; i >= 0; i--) {
                Container c = path.get(i);
                below |= c.owner() != null || c.kind().equals("executor");
                decided.put(c.id(), below);
            }
        }
        Set<String> shown = new HashSet<>();
        decided.forEach((id, yes) -> {
            if (yes) {
                shown.add(id);
            }
        });
        return shown;
    }

    /** Draws the tree with a stack of pending work instead of recursion, so no depth overflows it. */
    private static final class Renderer {
        final List<String> lines = new ArrayList<>();
        final Map<Long, DumpedThread> threadById;
        final Map<String, List<Container>> children;

        /** What is left to draw: a container's subtree, or a thread with the scopes it opened. */
        private sealed interface Work {}

        private record ContainerWork(Container c, String lead, String indent, boolean showOwner,
                int depth) implements Work {}

        private record ThreadWork(DumpedThread t, String branch, String below,
                List<Container> owned,
                int depth) implements Work {}

        Renderer(Map<Long, DumpedThread> threadById, Map<String, List<Container>> children) {
            this.threadById = threadById;
            this.children = children;
        }

        void draw(Container root) {
            Deque<Work> pending = new ArrayDeque<>();
            pending.push(new ContainerWork(root, "", "", true, 0));
            while (!pending.isEmpty()) {
                switch (pending.pop()) {
                    case ContainerWork w -> container(w, pending);
                    case ThreadWork w -> thread(w, pending);
                }
            }
        }

        /** {@code lead} starts this line; {@code indent} the lines below; the owner is named unless drawn above. */
        private void container(ContainerWork w, Deque<Work> pending) {
            Container c = w.c();
            if (w.depth() >= MAX_DEPTH) {
                lines.add(w.lead() + summary(c, w.depth()));
                return;
            }
            StringBuilder head = new StringBuilder(w.lead());
            head.append(c.kind().equals("container") ? "" : c.kind() + " ")
                    .append(c.id().equals("<root>") ? "<root>" : "\"" + c.name() + "\"")
                    .append("  (").append(c.threads().size())
                    .append(c.threads().size() == 1 ? " thread)" : " threads)");
            if (c.owner() != null && w.showOwner()) {
                DumpedThread owner = threadById.get(c.owner());
                head.append("  owner ").append(owner == null ? "#" + c.owner() : label(owner));
            }
            lines.add(head.toString());

            List<Container> nested = children.getOrDefault(c.id(), List.of());
            Set<Long> here = new HashSet<>();
            c.threads().forEach(t -> here.add(t.tid()));
            Map<Long, List<Container>> ownedBy = new HashMap<>();
            List<Object> items = new ArrayList<>();
            List<DumpedThread> threads = new ArrayList<>(c.threads());
            threads.sort((a, b) -> Long.compare(a.tid(), b.tid()));
            items.addAll(threads);
            // A nested container whose owner is not one of this container's threads hangs here directly.
            for (Container n : nested) {
                if (n.owner() == null || !here.contains(n.owner())) {
                    items.add(n);
                } else {
                    ownedBy.computeIfAbsent(n.owner(), k -> new ArrayList<>()).add(n);
                }
            }
            List<Work> next = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                boolean last = i == items.size() - 1;
                String branch = w.indent() + (last ? "└─ " : "├─ ");
                String below = w.indent() + (last ? "   " : "│  ");
                if (items.get(i) instanceof DumpedThread t) {
                    next.add(new ThreadWork(t, branch, below,
                            ownedBy.getOrDefault(t.tid(), List.of()),
                            w.depth()));
                } else {
                    next.add(new ContainerWork((Container) items.get(i), branch, below, true,
                            w.depth() + 1));
                }
            }
            pushInOrder(next, pending);
        }

        private void thread(ThreadWork w, Deque<Work> pending) {
            DumpedThread t = w.t();
            String line = w.branch() + label(t) + "  " + t.state();
            String frames = frames(t.stack());
            if (line.length() + frames.length() <= WIDTH) {
                lines.add(line + frames);
            } else if (!frames.isEmpty()) {
                // Too wide: the frames go on lines of their own under the thread, like a stack trace.
                lines.add(line);
                for (String frame : frames.strip().split(" <- ", -1)) {
                    lines.add(w.below() + (w.owned().isEmpty() ? "   " : "│  ") + "at " + frame);
                }
            } else {
                lines.add(line);
            }
            List<Work> next = new ArrayList<>();
            for (int j = 0; j < w.owned().size(); j++) {
                boolean lastOwned = j == w.owned().size() - 1;
                next.add(
                        new ContainerWork(w.owned().get(j), w.below() + (lastOwned ? "└─ " : "├─ "),
                                w.below() + (lastOwned ? "   " : "│  "), false, w.depth() + 1));
            }
            pushInOrder(next, pending);
        }

        /** Pushes {@code work} so that its first item is popped first. */
        private static void pushInOrder(List<Work> work, Deque<Work> pending) {
            for (int i = work.size() - 1; i >= 0; i--) {
                pending.push(work.get(i));
            }
        }

        /** One line for a subtree too deep to draw: how many containers and threads it holds. */
        private String summary(Container top, int depth) {
            long containers = 0;
            long threads = 0;
            int deepest = depth;
            Deque<Map.Entry<Container, Integer>> todo = new ArrayDeque<>();
            todo.push(Map.entry(top, depth));
            while (!todo.isEmpty()) {
                var e = todo.pop();
                containers++;
                threads += e.getKey().threads().size();
                deepest = Math.max(deepest, e.getValue());
                for (Container n : children.getOrDefault(e.getKey().id(), List.of())) {
                    todo.push(Map.entry(n, e.getValue() + 1));
                }
            }
            return String.format(Locale.ROOT, "... %,d more nested (%,d %s), to level %,d",
                    containers,
                    threads, threads == 1 ? "thread" : "threads", deepest + 1);
        }
    }

    private static String label(DumpedThread t) {
        String name =
                t.name().isEmpty() ? "(unnamed" + (t.virtual() ? " virtual)" : ")") : t.name();
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
