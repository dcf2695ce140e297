package dev.loomcookbook.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.Latches;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link TokenBucket}: the rate proven by counts against a clock the test moves, not by timing. */
class TokenBucketTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    /** A full bucket gives its burst at once, and then nothing until time moves. */
    @Test
    void aFullBucketGivesItsBurstAtOnce() {
        var ticker = new ManualTicker();
        var bucket = new TokenBucket(10, SECOND, 4, ticker);
        assertThat(takeAll(bucket)).isEqualTo(4);
        assertThat(bucket.tryAcquire()).isFalse();
    }

    /** One token comes back per interval (100 ms at 10 a second), not before. */
    @Test
    void oneTokenComesBackPerInterval() {
        var ticker = new ManualTicker();
        var bucket = new TokenBucket(10, SECOND, 4, ticker);
        takeAll(bucket);
        ticker.advance(Duration.ofMillis(99));
        assertThat(bucket.tryAcquire()).isFalse();
        ticker.advance(Duration.ofMillis(1));
        assertThat(takeAll(bucket)).isEqualTo(1);
        ticker.advance(Duration.ofMillis(250));
        assertThat(takeAll(bucket)).isEqualTo(2);
    }

    /** An idle bucket fills up to its burst and no further, however long it waited. */
    @Test
    void anIdleBucketHoldsNoMoreThanItsBurst() {
        var ticker = new ManualTicker();
        var bucket = new TokenBucket(10, SECOND, 4, ticker);
        takeAll(bucket);
        ticker.advance(Duration.ofHours(1));
        assertThat(takeAll(bucket)).isEqualTo(4);
    }

    /**
     * Over any stretch of time t it lets through at most burst + rate * t: per second of the
     * ticker, exactly the rate when the burst equals it.
     */
    @Test
    void holdsTheRatePerSecond() {
        var ticker = new ManualTicker();
        var bucket = new TokenBucket(50, SECOND, 50, ticker);
        assertThat(takeAll(bucket)).isEqualTo(50);
        for (int second = 0; second < 5; second++) {
            ticker.advance(SECOND);
            assertThat(takeAll(bucket)).as("second %d", second + 1).isEqualTo(50);
        }
    }

    /** Two hundred threads asking at once, at one instant, share the burst: none is overdrawn. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void manyThreadsAtOnceShareTheTokens(ThreadFactory factory) throws Exception {
        var ticker = new ManualTicker();
        var bucket = new TokenBucket(100, SECOND, 100, ticker);
        assertThat(tryAllAtOnce(bucket, factory, 200)).isEqualTo(100);
        ticker.advance(Duration.ofMillis(500));
        assertThat(tryAllAtOnce(bucket, factory, 200)).isEqualTo(50);
    }

    /** acquire() waits in the ticker's sleep for the next token, and takes it when it is due. */
    @Test
    void acquireWaitsForTheNextToken() throws Exception {
        var ticker = new ManualTicker();
        var bucket = new TokenBucket(10, SECOND, 1, ticker);
        long first = bucket.acquire();
        var took = new AtomicLong();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                took.set(bucket.acquire());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        ticker.awaitSleepers(1);
        assertThat(took).hasValue(0);
        ticker.advance(Duration.ofMillis(100));
        waiter.join();
        assertThat(took).hasValue(first + Duration.ofMillis(100).toNanos());
    }

    /**
     * Forty virtual threads sending requests through one bucket of 10 at once and 100 a second:
     * the site counts exactly 10, then exactly 10 more for each 100 ms of the ticker, and no more
     * while the others sleep.
     */
    @Test
    void theSiteCountsTheRatePerWindow() throws Exception {
        var ticker = new ManualTicker();
        var bucket = new TokenBucket(100, SECOND, 10, ticker);
        int senders = 40;
        var answered = new AtomicInteger();
        try (var site = EmbeddedSite.start("api").page("/quote", "ok\n");
                var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (int i = 0; i < senders; i++) {
                    var _ = threads.submit(() -> { // a failure shows as a missing answer
                        bucket.acquire();
                        HttpGet.get(site.uri("/quote"));
                        return answered.incrementAndGet();
                    });
                }
                for (int window = 0, expected = 10; window < 4; window++, expected += 10) {
                    // Settled: each sender has been answered or sleeps until a later token.
                    int target = expected;
                    Eventually.await("the senders of window " + window + " settled",
                            () -> answered.get() >= target
                                    && ticker.sleepers() == senders - answered.get());
                    assertThat(site.requests("/quote")).as("after window %d", window)
                            .isEqualTo(expected);
                    ticker.advance(Duration.ofMillis(100));
                }
                assertThat(answered).hasValue(senders);
            } finally {
                threads.shutdownNow();               // a failed test must not hang in close()
            }
        }
    }

    /** A waiter that is interrupted stops waiting and takes no token. */
    @Test
    void anInterruptedWaiterTakesNoToken() throws Exception {
        var ticker = new ManualTicker();
        var bucket = new TokenBucket(10, SECOND, 1, ticker);
        bucket.acquire();
        var interrupted = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                bucket.acquire();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        ticker.awaitSleepers(1);
        waiter.interrupt();
        Latches.await(interrupted);
        waiter.join();
        ticker.advance(Duration.ofMillis(100));
        assertThat(takeAll(bucket)).isEqualTo(1);
    }

    /** Bad arguments are a clear IllegalArgumentException. */
    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> new TokenBucket(0, SECOND, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permits");
        assertThatThrownBy(() -> new TokenBucket(1, SECOND, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burst");
        assertThatThrownBy(() -> new TokenBucket(1, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per");
        assertThatThrownBy(() -> new TokenBucket(10, Duration.ofNanos(5), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per");
    }

    private static int takeAll(TokenBucket bucket) {
        int taken = 0;
        while (bucket.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    /** {@code threads} threads call tryAcquire() once each, released together; how many got one. */
    private static int tryAllAtOnce(TokenBucket bucket, ThreadFactory factory, int threads)
            throws InterruptedException {
        var go = new CountDownLatch(1);
        var got = new AtomicInteger();
        Thread[] started = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            started[i] = factory.newThread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                if (bucket.tryAcquire()) {
                    got.incrementAndGet();
                }
            });
            started[i].start();
        }
        go.countDown();
        for (Thread t : started) {
            t.join();
        }
        return got.get();
    }
}
