package dev.loomcookbook.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The thread a task runs on, so that another task can wait for it to end: once a subtask's thread
 * has ended, its outcome is recorded and a cancelling joiner has already cancelled the scope.
 */
public final class TaskThread {

    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Thread thread;

    /** Called first thing in the task. */
    public void enter() {
        thread = Thread.currentThread();
        started.countDown();
    }

    /** Waits (at most 30 s, then fails) until the task's thread has ended. */
    public void awaitEnd() throws InterruptedException {
        if (!started.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("task did not start within 30 s");
        }
        if (!thread.join(Duration.ofSeconds(30))) {
            throw new AssertionError("task thread did not end within 30 s");
        }
    }
}
