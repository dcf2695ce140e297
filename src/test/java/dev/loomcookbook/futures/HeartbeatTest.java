package dev.loomcookbook.futures;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.common.CpuWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The offload demo's claim, proven with counters and latches: offloaded CPU work leaves the
 * heartbeat ticking; the same work inline on every carrier stops it.
 */
class HeartbeatTest {

    private static final Duration PERIOD = Duration.ofMillis(1);
    private static final int TICKS = 5;
    /** Safety net against a hang: a test gives up (and fails) after this long. */
    private static final Duration SAFETY = Duration.ofSeconds(30);

    /** While one CPU task per carrier runs on the offload pool, the heartbeat ticks {@value #TICKS} times with all of them in progress. */
    @Test
    void heartbeatKeepsTickingWhileCpuWorkIsOffloaded() throws Exception {
        int workers = carriers();
        AtomicInteger computing = new AtomicInteger();
        CountDownLatch ticksWhileAllCompute = new CountDownLatch(TICKS);
        List<Future<Boolean>> requests = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers);
                Heartbeat heartbeat = Heartbeat.start(PERIOD, () -> {
                    if (computing.get() == workers) {
                        ticksWhileAllCompute.countDown();
                    }
                });
                ExecutorService service = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < workers; i++) {
                requests.add(service.submit(() -> Offload.call(pool,
                        () -> computeUntilOpen(ticksWhileAllCompute, computing))));
            }
            for (Future<Boolean> request : requests) {
                assertThat(request.get(SAFETY.toSeconds(), SECONDS))
                        .as("the heartbeat ticked while the CPU work ran").isTrue();
            }
            assertThat(heartbeat.ticks()).isGreaterThanOrEqualTo(TICKS);
        }
        assertThat(ticksWhileAllCompute.getCount()).isZero();
    }

    /** The same work inline, one virtual thread per carrier, stalls the heartbeat while it computes; it resumes afterwards. */
    @Test
    void inlineCpuWorkOnEveryCarrierStallsTheHeartbeat() throws Exception {
        int carriers = carriers();
        AtomicReference<CountDownLatch> nextTick = new AtomicReference<>(new CountDownLatch(1));
        AtomicInteger started = new AtomicInteger();
        AtomicInteger measured = new AtomicInteger();
        List<Future<Long>> ticksDuringWork = new ArrayList<>();
        try (Heartbeat heartbeat = Heartbeat.start(PERIOD, () -> nextTick.get().countDown())) {
            assertThat(nextTick.get().await(SAFETY.toSeconds(), SECONDS)).as("the heartbeat runs")
                    .isTrue();
            try (ExecutorService service = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < carriers; i++) {
                    ticksDuringWork
                            .add(service.submit(() -> ticksWhileEveryCarrierComputes(heartbeat,
                                    started, measured, carriers)));
                }
                for (Future<Long> ticks : ticksDuringWork) {
                    assertThat(ticks.get()).as("heartbeat ticks while every carrier computed")
                            .isZero();
                }
            }
            nextTick.set(new CountDownLatch(1));
            assertThat(nextTick.get().await(SAFETY.toSeconds(), SECONDS))
                    .as("the heartbeat resumes").isTrue();
        }
    }

    /**
     * Inline CPU work on a virtual thread: meets the other workers (by spinning, never blocking, so
     * no carrier is given up), computes for 50 heartbeat periods, and meets them again before it
     * returns, so that every carrier stays busy through every worker's measurement. Returns how
     * often the heartbeat ticked during its own measurement.
     */
    private static long ticksWhileEveryCarrierComputes(Heartbeat heartbeat, AtomicInteger started,
            AtomicInteger measured, int carriers) {
        long deadline = System.nanoTime() + SAFETY.toNanos();
        spinUntilAll(started, carriers, deadline);
        // From here on every carrier runs one of these workers, and none yields it.
        long before = heartbeat.ticks();
        long until = System.nanoTime() + 50 * PERIOD.toNanos();
        while (System.nanoTime() < until) {
            CpuWork.count(1, 1_000);
        }
        long ticks = heartbeat.ticks() - before;
        spinUntilAll(measured, carriers, deadline);
        return ticks;
    }

    /** Counts this worker in and computes (never blocks) until all {@code n} are in. */
    private static void spinUntilAll(AtomicInteger arrived, int n, long deadline) {
        arrived.incrementAndGet();
        while (arrived.get() < n) {
            CpuWork.count(1, 1_000);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the " + n + " workers never ran at once");
            }
        }
    }

    /** Offloaded CPU work: computes until {@code latch} opens; false if the safety net ran out. */
    private static boolean computeUntilOpen(CountDownLatch latch, AtomicInteger computing) {
        computing.incrementAndGet();
        try {
            long deadline = System.nanoTime() + SAFETY.toNanos();
            while (latch.getCount() > 0) {
                CpuWork.count(1, 10_000);
                if (System.nanoTime() > deadline) {
                    return false;
                }
            }
            return true;
        } finally {
            computing.decrementAndGet();
        }
    }

    /** The virtual-thread scheduler's carrier count. */
    private static int carriers() {
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
    }
}
