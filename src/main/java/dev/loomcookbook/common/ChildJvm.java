package dev.loomcookbook.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs of the demos: started on this JVM's own JDK and class path (nothing to install), and
 * never outliving their parent.
 */
public final class ChildJvm {

    /**
     * The exit code of a child that ended because its parent was gone: not 3, which is the code
     * of {@code -XX:+ExitOnOutOfMemoryError}, nor 1, the JVM's own start-up failure.
     */
    public static final int PARENT_GONE = 4;

    private ChildJvm() {}

    /** The {@code java} launcher of the JDK running this JVM. */
    public static String javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The options of every JVM that runs the project's code, the launcher's included: preview
     * APIs ({@code StructuredTaskScope}) on, and Hazelcast's use of {@code sun.misc.Unsafe}
     * allowed, which JDK 25 would otherwise warn about on stderr.
     */
    public static final List<String> JVM_OPTIONS =
            List.of("--enable-preview", "--sun-misc-unsafe-memory-access=allow");

    /** {@code java JVM_OPTIONS OPTIONS -cp <this class path> MAIN ARGS}. */
    public static List<String> command(List<String> jvmOptions, Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaLauncher());
        command.addAll(JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return command;
    }

    /**
     * {@code command} run through {@code /bin/sh} so that the child finds the pipes of its
     * standard input and output on file descriptors 3 and 4 instead, with 0 reading
     * {@code /dev/null} and 1 writing wherever 2 does: a private channel that nothing else in the
     * child can read or write by accident (native code, the JVM's own logging, grandchildren
     * started with {@code inheritIO()}, which inherit 0, 1 and 2 only). The shell replaces
     * itself with the command ({@code exec}), so the child's pid is the command's. Empty where
     * there is no {@code /bin/sh} (Windows).
     */
    public static Optional<List<String>> withPrivateChannel(List<String> command) {
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            return Optional.empty();
        }
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                "exec 3<&0 4>&1 0</dev/null 1>&2 && exec \"$0\" \"$@\""));
        wrapped.addAll(command);
        return Optional.of(wrapped);
    }

    /**
     * Starts {@code builder}'s process as a child that never outlives this JVM: closing the
     * returned handle destroys it, and so does a shutdown hook on Ctrl-C or SIGTERM. Leave its
     * stdin a pipe that nobody writes to: EOF there tells a child using {@link #exitWithParent()}
     * that this JVM is gone, even after SIGKILL.
     */
    public static Running start(ProcessBuilder builder, String name) throws IOException {
        Process process = builder.start();
        Thread destroyOnExit = new Thread(process::destroyForcibly, name + "-reaper");
        Runtime.getRuntime().addShutdownHook(destroyOnExit);
        return new Running(process, destroyOnExit);
    }

    /** A child started by {@link #start}; {@link #close()} destroys it and waits (bounded) for it. */
    public record Running(Process process, Thread destroyOnExit) implements AutoCloseable {
        /** Destroys the child and waits for it; an interrupt cuts the wait short and stays set. */
        @Override
        public void close() throws IOException {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.getOutputStream().close();
            try {
                Runtime.getRuntime().removeShutdownHook(destroyOnExit);
            } catch (IllegalStateException e) {
                // Shutting down already: the hook destroys the (ended) child again, harmlessly.
            }
        }
    }

    /**
     * Called in the child: ends it with {@link #PARENT_GONE} as soon as the parent is gone. The
     * parent holds the write end of the child's stdin, so EOF means it closed it or died (the
     * kernel closes it even after SIGKILL); a watch on the parent process is a second line of
     * defence. Both run on platform threads, which a pinned or spinning virtual thread cannot
     * starve, and halt, since the child's own work may go on for a minute.
     */
    public static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> {
            var _ = parent.onExit().thenRun(() -> Runtime.getRuntime().halt(PARENT_GONE));
        });
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // The parent never writes; only EOF matters.
                }
            } catch (IOException e) {
                // A broken stdin means the parent is gone too.
            }
            Runtime.getRuntime().halt(PARENT_GONE);
        });
    }
}
