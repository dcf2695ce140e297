package dev.loomcookbook.tasks;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.loomcookbook.recipes.Recipe;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code asyncio.current_task()}, {@code all_tasks()} and task names: the current thread, virtual
 * threads named by the scope's thread factory, and the JSON thread dump that lists them all.
 */
public final class CurrentTask {

    /** This recipe: {@code recipes current-task}. */
    public static final Recipe RECIPE = Recipe.of("current-task",
            "asyncio.current_task() / all_tasks() / task names", CurrentTask.class,
            CurrentTask::run)
            .differs("a virtual thread has no name unless its factory gives one; all_tasks() is"
                    + " a dump")
            .normalise("'", "")
            .anyOrder("^current_task: ");

    private CurrentTask() {}

    static void run(PrintStream out) throws Exception {
        var started = new CountDownLatch(2);
        var listed = new CountDownLatch(1);         // the workers live on until they are listed
        // @start region="current-task"
        ThreadFactory named = Thread.ofVirtual().name("worker-", 0).factory();   // name=...
        try (var scope = StructuredTaskScope.open(Joiner.<Void>awaitAll(),
                cf -> cf.withName("workers").withThreadFactory(named))) {
            for (int i = 0; i < 2; i++) {
                scope.fork(() -> work(out, started, listed));
            }
            started.await();
            out.println("all_tasks: " + threadsOf(dumpThreads(), "workers"));
            listed.countDown();
            scope.join();
        }
        // @end
    }

    // @start region="work"
    static Void work(PrintStream out, CountDownLatch started, CountDownLatch listed)
            throws InterruptedException {
        out.println("current_task: " + Thread.currentThread().getName());
        started.countDown();
        listed.await();
        return null;
    }

    /** This JVM's threads, virtual ones too: {@code jcmd PID Thread.dump_to_file -format=json}. */
    static String dumpThreads() throws IOException {
        Path dir = Files.createTempDirectory("threads");
        Path file = dir.resolve("dump.json");                 // dumpThreads wants a new file
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            return Files.readString(file);
        } finally {
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }
    // @end

    private static final Pattern CONTAINER = Pattern.compile("\"container\": \"([^\"]*)\"");
    private static final Pattern NAME = Pattern.compile("\"name\": \"([^\"]*)\"");

    /**
     * The names, sorted, of the threads of the scope named {@code scope} in a JSON thread dump. A
     * recipe uses only the JDK, so this reads the layout the JDK writes (one field a line, each
     * container's threads after its "container" field) instead of parsing the JSON, which
     * {@code inspect.ThreadDump} (project) does.
     */
    static List<String> threadsOf(String json, String scope) {
        List<String> names = new ArrayList<>();
        boolean inScope = false;
        for (String line : json.lines().toList()) {
            Matcher container = CONTAINER.matcher(line);
            if (container.find()) {
                inScope = container.group(1).startsWith(scope + "\\/");   // "name\/impl@hash"
                continue;
            }
            Matcher name = NAME.matcher(line);
            if (inScope && name.find()) {
                names.add(name.group(1));
            }
        }
        return names.stream().sorted().toList();
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
