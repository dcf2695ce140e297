package dev.loomcookbook.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link LockedCounter}: a read-modify-write loses updates, and asyncio.Lock prevents it. */
class LockedCounterTest {

    private static final int TASKS = 8;

    /** Without the lock, if every task reads before any writes, all increments but one are lost. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void withoutTheLockEveryIncrementButOneIsLost(ThreadFactory factory) throws Exception {
        var counter = new LockedCounter();
        CountDownLatch allRead = new CountDownLatch(TASKS);
        atOnce(factory, () -> counter.increment(() -> {
            allRead.countDown();
            allRead.await();
        }));
        assertThat(counter.count()).isEqualTo(1);
    }

    /** With the lock none is lost, though every task asks for it while the first is mid-update. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void withTheLockNoIncrementIsLost(ThreadFactory factory) throws Exception {
        var counter = new LockedCounter();
        CountDownLatch allAsked = new CountDownLatch(TASKS);
        atOnce(factory, () -> {
            allAsked.countDown();
            counter.lockedIncrement(allAsked::await);
        });
        assertThat(counter.count()).isEqualTo(TASKS);
    }

    /**
     * While the first holder is between its read and its write, every other task is parked in
     * the lock's queue and nothing has been written.
     */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void whileTheHolderIsMidUpdateTheOthersWaitForTheLock(ThreadFactory factory) throws Exception {
        var counter = new LockedCounter();
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicInteger queuedSeen = new AtomicInteger(-1);
        AtomicInteger countSeen = new AtomicInteger(-1);
        atOnce(factory, () -> counter.lockedIncrement(() -> {
            if (first.getAndSet(false)) {
                Waits.until("the others queue for the lock",
                        () -> counter.lock().getQueueLength() == TASKS - 1);
                queuedSeen.set(counter.lock().getQueueLength());
                countSeen.set(counter.count());
            }
        }));
        assertThat(queuedSeen).as("threads queued while the holder was mid-update")
                .hasValue(TASKS - 1);
        assertThat(countSeen).as("the count while the holder was mid-update").hasValue(0);
        assertThat(counter.count()).isEqualTo(TASKS);
    }

    /**
     * Code between two blocking calls is not atomic on virtual threads: while one spins between
     * its read and its write, without blocking, another virtual thread runs its whole increment,
     * and that update is lost. In asyncio such code runs alone. Needs two carriers.
     */
    @Test
    void codeWithNoBlockingCallBetweenReadAndWriteIsNotAtomic() throws Exception {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        assumeTrue(carriers >= 2, "skipped: the virtual-thread scheduler has one carrier");
        var counter = new LockedCounter();
        CountDownLatch aRead = new CountDownLatch(1);
        CountDownLatch bWrote = new CountDownLatch(1);
        AtomicBoolean sawB = new AtomicBoolean();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> a = threads.submit(() -> {
                counter.increment(() -> {
                    aRead.countDown();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (bWrote.getCount() > 0 && System.nanoTime() - deadline < 0) {
                        Thread.onSpinWait();                          // no blocking call here
                    }
                    sawB.set(bWrote.getCount() == 0);
                });
                return null;
            });
            Future<?> b = threads.submit(() -> {
                aRead.await();
                counter.increment(() -> {});
                bWrote.countDown();
                return null;
            });
            a.get();
            b.get();
        }
        assertThat(sawB).as("B wrote while A spun between its read and its write").isTrue();
        assertThat(counter.count()).as("after two increments").isEqualTo(1);
    }

    /** Runs {@code work} in {@value #TASKS} threads of {@code factory} at once; waits for them. */
    private static void atOnce(ThreadFactory factory, LockedCounter.Step work) throws Exception {
        List<Future<?>> tasks = new ArrayList<>();
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(factory)) {
            for (int i = 0; i < TASKS; i++) {
                tasks.add(threads.submit(() -> {
                    work.run();
                    return null;
                }));
            }
        }
        for (Future<?> task : tasks) {
            task.get();
        }
    }
}
