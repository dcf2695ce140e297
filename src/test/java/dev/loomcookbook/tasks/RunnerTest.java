package dev.loomcookbook.tasks;

import static dev.loomcookbook.testing.Latches.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.RecipeRun;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Runner}: what its Ctrl-C hook does, run in this JVM (a real SIGINT would end it; that
 * path is proven in {@link CtrlCTest}).
 */
class RunnerTest {

    /** Blocks until interrupted; records that its finally block ran. */
    private static Void blockUntilInterrupted(CountDownLatch started, CountDownLatch cleanedUp)
            throws InterruptedException {
        try {
            started.countDown();
            new CountDownLatch(1).await();
            throw new AssertionError("unreachable");
        } finally {
            cleanedUp.countDown();
        }
    }

    /** run() returns what the work returns; cancel() with no work running does nothing. */
    @Test
    void runReturnsTheWorksValue() throws Exception {
        try (var runner = new Runner()) {
            assertThat(runner.cancel()).isFalse();
            assertThat(runner.run(() -> "value")).isEqualTo("value");
            assertThat(Thread.interrupted()).as("no interrupt left behind").isFalse();
        }
    }

    /** cancel() interrupts the work inside run(); run() rethrows its InterruptedException, after its finally ran. */
    @Test
    void cancelInterruptsTheWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        AtomicBoolean cancelled = new AtomicBoolean();
        try (var runner = new Runner()) {
            Thread ctrlC = Thread.ofVirtual().start(() -> {
                try {
                    await(started);
                    cancelled.set(runner.cancel());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThatThrownBy(() -> runner.run(() -> blockUntilInterrupted(started, cleanedUp)))
                    .isInstanceOf(InterruptedException.class);
            assertThat(cleanedUp.getCount()).isZero();
            ctrlC.join();
        }
        assertThat(cancelled).as("cancel() found the work running").isTrue();
    }

    /**
     * The shutdown hook (what SIGINT runs) interrupts the work, then waits for the thread that
     * called run() to end: the code after run() has run when the hook returns.
     */
    @Test
    void hookWaitsForTheInterruptedWorkToEnd() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        AtomicReference<String> afterRun = new AtomicReference<>();
        Runner runner = new Runner();
        Thread main = Thread.ofVirtual().start(() -> {
            try {
                runner.run(() -> blockUntilInterrupted(started, cleanedUp));
            } catch (Exception e) {
                afterRun.set("run threw " + e.getClass().getSimpleName());
            }
        });
        try {
            await(started);
            runHook(runner);                                  // as the JVM does on SIGINT
            assertThat(main.isAlive()).isFalse();
            assertThat(cleanedUp.getCount()).isZero();
            assertThat(afterRun.get()).isEqualTo("run threw InterruptedException");
        } finally {
            runner.close();
            main.join();
        }
    }

    /** A work that ignores the interrupt holds the hook no longer than the grace period. */
    @Test
    void hookGivesUpAfterTheGracePeriod() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Runner runner = new Runner(Duration.ofMillis(50));
        Thread main = Thread.ofVirtual().start(() -> {
            try {
                runner.run(() -> {
                    started.countDown();
                    while (release.getCount() > 0) {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            interrupted.countDown();          // ... and waits on regardless
                        }
                    }
                    return null;
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try {
            await(started);
            runHook(runner);                                  // returns after the grace period
            assertThat(main.isAlive()).as("the work still runs: the hook did not wait for it")
                    .isTrue();
            await(interrupted);                               // the hook did interrupt it
        } finally {
            release.countDown();
            main.join();
            runner.close();
        }
    }

    /** One work at a time: run() while another run() is in progress is refused. */
    @Test
    void runWhileRunningIsRefused() throws Exception {
        try (var runner = new Runner()) {
            runner.run(() -> {
                assertThatThrownBy(() -> runner.run(() -> "nested"))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("one work at a time");
                return null;
            });
        }
    }

    /** close() removes the hook, and a closed runner runs nothing. */
    @Test
    void closeRemovesTheHook() {
        Runner runner = new Runner();
        runner.close();
        assertThat(Runtime.getRuntime().removeShutdownHook(runner.hook())).isFalse();
        assertThatThrownBy(() -> runner.run(() -> "late")).isInstanceOf(IllegalStateException.class)
                .hasMessage("this Runner is closed");
        runner.close();                                       // twice is fine
    }

    /** A grace period of zero is refused with a clear message. */
    @Test
    void zeroGraceIsRefused() {
        assertThatThrownBy(() -> new Runner(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the grace period must be positive: PT0S");
    }

    /** The recipe: a stand-in for Ctrl-C cancels the main work; both workers clean up first. */
    @Test
    void recipePrintsTheCancellation() {
        List<String> lines = RecipeRun.lines(CtrlC.RECIPE);
        assertThat(lines.subList(0, 2)).containsExactlyInAnyOrder("a: working", "b: working");
        assertThat(lines.subList(2, 6)).containsExactlyInAnyOrder("a: connection closed",
                "a: finally runs", "b: connection closed", "b: finally runs");
        assertThat(lines.subList(6, lines.size())).containsExactly("main was cancelled",
                "run ended by Ctrl-C", "workers still running: 0");
    }

    /** Starts the runner's shutdown hook and waits for it to end, as the JVM does on SIGINT. */
    private static void runHook(Runner runner) throws InterruptedException {
        Thread hook = runner.hook();
        hook.start();
        hook.join();
    }
}
