package dev.loomcookbook.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link StartSignal}: a CountDownLatch of one is asyncio.Event. */
class StartSignalTest {

    /** Every worker waits, parked, until the latch is counted down; then every one goes. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void noWorkerGoesBeforeSetAndEveryWorkerGoesAfter(ThreadFactory factory) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Thread> workers = new CopyOnWriteArrayList<>();
        List<Future<String>> results = new CopyOnWriteArrayList<>();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                ExecutorService threads = Executors.newThreadPerTaskExecutor(factory)) {
            for (String name : List.of("a", "b", "c")) {
                results.add(threads.submit(() -> {
                    workers.add(Thread.currentThread());
                    return StartSignal.worker(out, name, go);
                }));
            }
            Waits.until("three workers started", () -> workers.size() == 3);
            workers.forEach(w -> Waits.untilParkedIn(w, StartSignal.class, "worker"));
            assertThat(printed.size()).as("bytes printed before set()").isZero();
            assertThat(results).noneMatch(Future::isDone);
            go.countDown();
            for (Future<String> result : results) {
                result.get();
            }
        }
        assertThat(printed.toString(StandardCharsets.UTF_8).lines())
                .containsExactlyInAnyOrder("a goes", "b goes", "c goes");
    }

    /** A wait with a timeout answers false while the latch is closed: wait_for's TimeoutError. */
    @Test
    void aTimedWaitAnswersFalseWhileUnset() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        assertThat(go.await(1, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(go.getCount()).as("is_set() is getCount() == 0").isOne();
    }

    /** Once set it stays set: a wait returns at once, and a second set() changes nothing. */
    @Test
    void onceSetItStaysSet() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        go.countDown();
        go.countDown();
        assertThat(go.getCount()).isZero();
        assertThat(go.await(0, TimeUnit.NANOSECONDS)).as("a wait that may not wait at all")
                .isTrue();
    }
}
