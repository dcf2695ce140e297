package dev.loomcookbook.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.Blocked;
import dev.loomcookbook.testing.Latches;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link RetryPolicy}: backoff windows, jitter, when it gives up, and the deadline. */
class RetryPolicyTest {

    private static final Duration MS_20 = Duration.ofMillis(20);

    /** A ticker whose sleeps return at once. */
    private static final Ticker NO_WAIT = recording(new CopyOnWriteArrayList<>());

    /** Windows double from the base up to the cap. */
    @Test
    void windowsDoubleUpToTheCap() {
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 10).withCap(Duration.ofMillis(100));
        assertThat(List.of(policy.window(1), policy.window(2), policy.window(3), policy.window(4),
                policy.window(9))).extracting(Duration::toMillis)
                .containsExactly(20L, 40L, 80L, 100L, 100L);
    }

    /** Without a cap, windows double on, up to a day, and never overflow. */
    @Test
    void withoutACapWindowsStopAtADay() {
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 1000);
        assertThat(policy.window(11)).isEqualTo(Duration.ofMillis(20 * 1024));
        assertThat(policy.window(999)).isEqualTo(Duration.ofDays(1));
    }

    /** Each backoff is the jitter's fraction of its window, waited on the policy's ticker. */
    @Test
    void backoffIsTheJittersFractionOfTheWindow() throws Exception {
        var sleeps = new CopyOnWriteArrayList<Long>();
        var backoffs = new CopyOnWriteArrayList<Duration>();
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 4)
                .withJitter(() -> 0.5)
                .withTicker(recording(sleeps))
                .onRetry((n, failure, backoff) -> backoffs.add(backoff));
        assertThat(policy.call(failingTimes(3, "done"))).isEqualTo("done");
        assertThat(backoffs).extracting(Duration::toMillis).containsExactly(10L, 20L, 40L);
        assertThat(sleeps).containsExactly(10_000_000L, 20_000_000L, 40_000_000L);
    }

    /** A try that succeeds after failures returns its result; each try gets its number. */
    @Test
    void succeedsAfterFailures() throws Exception {
        var numbers = new CopyOnWriteArrayList<Integer>();
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 5).withTicker(NO_WAIT);
        String result = policy.call(n -> {
            numbers.add(n);
            if (n < 3) {
                throw new IOException("try " + n);
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(numbers).containsExactly(1, 2, 3);
    }

    /** Out of tries, it throws the last failure, with the earlier ones suppressed. */
    @Test
    void outOfTriesThrowsTheLastFailure() {
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 3).withTicker(NO_WAIT);
        assertThatThrownBy(() -> policy.call(n -> {
            throw new IOException("try " + n);
        })).isInstanceOf(IOException.class).hasMessage("try 3")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("try 1", "try 2"));
    }

    /** A failure that is not retryable is thrown at once, after one try. */
    @Test
    void aFailureNotRetryableIsThrownAtOnce() {
        var tries = new AtomicInteger();
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 5).withTicker(NO_WAIT);
        assertThatThrownBy(() -> policy.call(n -> {
            tries.incrementAndGet();
            throw new IllegalStateException("404");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(tries).hasValue(1);
    }

    /** retryOn decides what is retried. */
    @Test
    void retryOnChoosesTheRetryableFailures() throws Exception {
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 5).withTicker(NO_WAIT)
                .retryOn(e -> e instanceof IllegalStateException);
        int succeeded = policy.call(n -> {
            if (n == 1) {
                throw new IllegalStateException("busy");
            }
            return n;
        });
        assertThat(succeeded).isEqualTo(2);
    }

    /**
     * The deadline interrupts a try in flight when the ticker reaches it, not before: call()
     * then throws TimeoutException after that one try.
     */
    @Test
    void theDeadlineInterruptsATryInFlight() throws Exception {
        var ticker = new ManualTicker();
        var entered = new CountDownLatch(1);
        var interrupted = new CountDownLatch(1);
        var tries = new AtomicInteger();
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 5).withTicker(ticker)
                .withDeadline(Duration.ofMillis(300));
        var caller = Blocked.start(Thread.ofVirtual().factory(), () -> policy.call(n -> {
            tries.incrementAndGet();
            entered.countDown();
            return Latches.blockUntilInterrupted(interrupted);
        }));
        Latches.await(entered);
        ticker.awaitSleepers(1);                              // the deadline, waiting
        ticker.advance(Duration.ofMillis(299));
        assertThat(interrupted.getCount()).isEqualTo(1);
        ticker.advance(Duration.ofMillis(1));
        assertThatThrownBy(() -> caller.result().join()).cause()
                .isInstanceOf(TimeoutException.class).hasMessageContaining("300 ms");
        assertThat(interrupted.getCount()).isZero();
        assertThat(tries).hasValue(1);
    }

    /** The deadline interrupts a backoff too: it passes while the backoff still has to run. */
    @Test
    void theDeadlineInterruptsABackoff() throws Exception {
        var ticker = new ManualTicker();
        var tries = new AtomicInteger();
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 5).withJitter(() -> 1.0)
                .withTicker(ticker).withDeadline(Duration.ofMillis(10));
        var caller = Blocked.start(Thread.ofVirtual().factory(), () -> policy.call(n -> {
            tries.incrementAndGet();
            throw new IOException("down");
        }));
        ticker.awaitSleepers(2);                              // the deadline and a 20 ms backoff
        ticker.advance(Duration.ofMillis(10));
        assertThatThrownBy(() -> caller.result().join()).cause()
                .isInstanceOf(TimeoutException.class);
        assertThat(tries).hasValue(1);
        assertThat(ticker.sleepers()).isZero();
    }

    /** A success before the deadline is returned, and the deadline's wait ends with the call. */
    @Test
    void aSuccessEndsTheDeadlinesWait() throws Exception {
        var ticker = new ManualTicker();
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 5).withTicker(ticker)
                .withDeadline(Duration.ofDays(1));
        String answer = policy.call(n -> "at once");
        assertThat(answer).isEqualTo("at once");
        assertThat(ticker.sleepers()).isZero();
    }

    /** A failure that is not retried ends the call before the deadline, with that failure. */
    @Test
    void aFailureBeforeTheDeadlineIsThrownAsIs() {
        var ticker = new ManualTicker();
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 5).withTicker(ticker)
                .withDeadline(Duration.ofDays(1));
        assertThatThrownBy(() -> policy.call(n -> {
            throw new IllegalStateException("404");
        })).isInstanceOf(IllegalStateException.class).hasMessage("404");
        assertThat(ticker.sleepers()).isZero();
    }

    /** Interrupting the caller during a backoff ends the retries with InterruptedException. */
    @Test
    void interruptingTheCallerEndsTheRetries() throws Exception {
        var ticker = new ManualTicker();
        var tries = new AtomicInteger();
        var failure = new AtomicReference<Throwable>();
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 5).withTicker(ticker);
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                policy.call(n -> {
                    tries.incrementAndGet();
                    throw new IOException("down");
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        ticker.awaitSleepers(1);
        caller.interrupt();
        caller.join();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(tries).hasValue(1);
    }

    /** A jitter source outside [0, 1] is a bug of the caller's: IllegalStateException. */
    @Test
    void aJitterOutOfRangeIsRejected() {
        RetryPolicy policy = RetryPolicy.exponential(MS_20, 2).withJitter(() -> 1.5)
                .withTicker(NO_WAIT);
        assertThatThrownBy(() -> policy.call(n -> {
            throw new IOException("down");
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("jitter");
    }

    /** Bad arguments are a clear IllegalArgumentException. */
    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ZERO, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base");
        assertThatThrownBy(() -> RetryPolicy.exponential(MS_20, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tries");
        assertThatThrownBy(() -> RetryPolicy.exponential(MS_20, 3).withDeadline(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline");
        assertThatThrownBy(() -> RetryPolicy.exponential(MS_20, 3).window(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** An attempt that fails {@code failures} times with an IOException, then succeeds. */
    private static <T> RetryPolicy.Attempt<T> failingTimes(int failures, T result) {
        return n -> {
            if (n <= failures) {
                throw new IOException("try " + n);
            }
            return result;
        };
    }

    /** A ticker that records each sleep and returns at once. */
    private static Ticker recording(List<Long> sleeps) {
        return new Ticker() {
            @Override
            public long nanoTime() {
                return 0;
            }

            @Override
            public void sleep(long nanos) {
                sleeps.add(nanos);
            }
        };
    }
}
