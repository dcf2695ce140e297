package dev.loomcookbook.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.RecipeRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NeverRetrieved}: where the exception of a task nobody waits for goes. The tests set the
 * JVM's default uncaught exception handler, and one of them System.err, and restore both.
 */
class NeverRetrievedTest {

    /** What a handler received: the thread's name and the exception's message. */
    private final Queue<String> handled = new ConcurrentLinkedQueue<>();
    private Thread.UncaughtExceptionHandler savedDefault;

    @BeforeEach
    void saveTheDefaultHandler() {
        savedDefault = Thread.getDefaultUncaughtExceptionHandler();
    }

    @AfterEach
    void restoreTheDefaultHandler() {
        Thread.setDefaultUncaughtExceptionHandler(savedDefault);
    }

    /** The handler of these tests: it records the thread's name and the message. */
    private void recordFailure(Thread thread, Throwable e) {
        handled.add(thread.getName() + ": " + e.getMessage());
    }

    /** A virtual thread's uncaught exception goes to its own handler; then the thread ends. */
    @Test
    void theThreadsHandlerGetsTheException() throws Exception {
        Thread task =
                Thread.ofVirtual().name("fire-and-forget")
                        .uncaughtExceptionHandler(this::recordFailure)
                        .start(() -> Steps.fail("boom"));
        task.join();
        assertThat(task.getState()).isEqualTo(Thread.State.TERMINATED);
        assertThat(handled).containsExactly("fire-and-forget: boom");
    }

    /** Without a handler of its own, the exception reaches the JVM's default handler. */
    @Test
    void otherwiseTheDefaultHandlerGetsIt() throws Exception {
        Thread.setDefaultUncaughtExceptionHandler(this::recordFailure);
        Thread task = Thread.ofVirtual().name("no-handler").start(() -> Steps.fail("boom"));
        task.join();
        assertThat(handled).containsExactly("no-handler: boom");
    }

    /** With no handler at all, the stack trace goes to System.err, and this JVM goes on. */
    @Test
    void withNoHandlerTheTraceGoesToSystemErr() throws Exception {
        Thread.setDefaultUncaughtExceptionHandler(null);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Thread task = Thread.ofVirtual().name("no-handler").start(() -> Steps.fail("boom"));
            task.join();
        } finally {
            System.setErr(savedErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(
                "Exception in thread \"no-handler\" java.lang.IllegalArgumentException: boom");
    }

    /** A submitted task's exception stays in its Future: no handler ever sees it. */
    @Test
    void aSubmittedTasksExceptionStaysInItsFuture() {
        Thread.setDefaultUncaughtExceptionHandler(this::recordFailure);
        Future<?> kept;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            kept = executor.submit(() -> Steps.fail("kept"));
        }                                               // its thread has ended here
        assertThat(handled).isEmpty();
        assertThat(kept.exceptionNow()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kept");
    }

    /** The recipe: the handler reports the lost one, the future hands over the kept one. */
    @Test
    void recipePrintsBoth() {
        assertThat(RecipeRun.lines(NeverRetrieved.RECIPE)).containsExactly(
                "handler: fire-and-forget failed: IllegalArgumentException: boom",
                "retrieved: IllegalArgumentException: kept");
    }
}
