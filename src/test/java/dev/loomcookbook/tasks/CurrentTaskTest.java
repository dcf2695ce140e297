package dev.loomcookbook.tasks;

import static dev.loomcookbook.testing.Latches.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.inspect.ThreadDump;
import dev.loomcookbook.testing.RecipeRun;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import org.junit.jupiter.api.Test;

/**
 * {@link CurrentTask}: task names are thread names given by the scope's thread factory;
 * {@code current_task()} is {@code Thread.currentThread()}; {@code all_tasks()} is the thread dump.
 */
class CurrentTaskTest {

    /** A scope's factory names its threads in fork order, and each subtask runs on its own. */
    @Test
    void theFactoryNamesEachSubtasksThreadInForkOrder() throws Exception {
        try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow(),
                cf -> cf.withThreadFactory(Thread.ofVirtual().name("worker-", 0).factory()))) {
            for (int i = 0; i < 3; i++) {
                scope.fork(() -> Thread.currentThread().getName()
                        + (Thread.currentThread().isVirtual() ? " (virtual)" : ""));
            }
            assertThat(scope.join().map(Subtask::get)).containsExactly("worker-0 (virtual)",
                    "worker-1 (virtual)", "worker-2 (virtual)");
        }
    }

    /** Without a name from its factory, a virtual thread's name is empty (a task's is "Task-N"). */
    @Test
    void anUnnamedVirtualThreadHasAnEmptyName() {
        assertThat(Thread.ofVirtual().unstarted(() -> {}).getName()).isEmpty();
    }

    /**
     * The JSON thread dump shows a named scope as a container owned by the thread that opened it,
     * holding its named virtual threads; the recipe's reading of the dump finds the same threads.
     */
    @Test
    void theDumpListsTheNamedScopeWithItsThreads() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch listed = new CountDownLatch(1);
        try (var scope = StructuredTaskScope.open(Joiner.<Void>awaitAll(),
                cf -> cf.withName("workers")
                        .withThreadFactory(Thread.ofVirtual().name("worker-", 0).factory()))) {
            for (int i = 0; i < 2; i++) {
                scope.fork(() -> {
                    started.countDown();
                    await(listed);
                    return null;
                });
            }
            await(started);
            String json = CurrentTask.dumpThreads();
            listed.countDown();
            scope.join();

            ThreadDump dump = ThreadDump.parse(json, "the dump");
            List<ThreadDump.Container> workers = dump.containers().stream()
                    .filter(c -> c.name().equals("workers")).toList();
            assertThat(workers).hasSize(1);
            ThreadDump.Container container = workers.getFirst();
            assertThat(container.owner()).isEqualTo(Thread.currentThread().threadId());
            assertThat(container.threads()).allMatch(ThreadDump.DumpedThread::virtual)
                    .extracting(ThreadDump.DumpedThread::name)
                    .containsExactlyInAnyOrder("worker-0", "worker-1");
            assertThat(CurrentTask.threadsOf(json, "workers")).containsExactly("worker-0",
                    "worker-1");
        }
    }

    /** The recipe's reading of a dump finds nothing for a scope the dump does not hold. */
    @Test
    void noThreadsForAnAbsentScope() throws Exception {
        assertThat(CurrentTask.threadsOf(CurrentTask.dumpThreads(), "no-such-scope")).isEmpty();
    }

    /** The recipe: each worker names itself, and the dump lists both. */
    @Test
    void recipePrintsTheNames() {
        List<String> lines = RecipeRun.lines(CurrentTask.RECIPE);
        assertThat(lines.subList(0, 2)).containsExactlyInAnyOrder("current_task: worker-0",
                "current_task: worker-1");
        assertThat(lines.subList(2, lines.size())).containsExactly(
                "all_tasks: [worker-0, worker-1]");
    }
}
