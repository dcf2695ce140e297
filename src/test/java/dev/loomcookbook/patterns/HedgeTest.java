package dev.loomcookbook.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loomcookbook.testing.Latches;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link Hedge}: when the next try starts, which answer wins, and what happens to the others. */
class HedgeTest {

    private static final Duration A_DAY = Duration.ofDays(1);

    /** A first try that answers before the delay is the answer; the hedge is never started. */
    @Test
    void anAnswerInTimeNeedsNoHedge() throws Exception {
        var hedges = new AtomicInteger();
        String answer = Hedge.after(A_DAY).call(List.of(() -> "first", () -> {
            hedges.incrementAndGet();
            return "hedge";
        }));
        assertThat(answer).isEqualTo("first");
        assertThat(hedges).hasValue(0);
    }

    /** A try with no answer after the delay gets a hedge, which wins; the first is interrupted. */
    @Test
    void aSlowTryIsHedgedAndCancelled() throws Exception {
        var interrupted = new CountDownLatch(1);
        String answer = Hedge.after(Duration.ofMillis(10)).call(List.<Callable<String>>of(
                () -> Latches.blockUntilInterrupted(interrupted),
                () -> "hedge"));
        assertThat(answer).isEqualTo("hedge");
        assertThat(interrupted.getCount()).isZero();
    }

    /** A failed try starts the next at once, without waiting out the delay (a day here). */
    @Test
    void aFailureStartsTheNextAtOnce() throws Exception {
        String answer = Hedge.after(A_DAY).call(List.<Callable<String>>of(
                () -> {
                    throw new IllegalStateException("down");
                },
                () -> "second"));
        assertThat(answer).isEqualTo("second");
    }

    /** With no delay every try starts; the one that answers wins, the others are interrupted. */
    @Test
    void withNoDelayEveryTryRuns() throws Exception {
        var interrupted = new CountDownLatch(2);
        String answer = Hedge.after(Duration.ZERO).call(List.<Callable<String>>of(
                () -> Latches.blockUntilInterrupted(interrupted),
                () -> Latches.blockUntilInterrupted(interrupted),
                () -> "third"));
        assertThat(answer).isEqualTo("third");
        assertThat(interrupted.getCount()).isZero();
    }

    /** When every try fails, call() throws with the first failure as the cause. */
    @Test
    void everyTryFailingThrowsTheFirstFailure() {
        var first = new IllegalStateException("first");
        assertThatThrownBy(() -> Hedge.after(A_DAY).call(List.<Callable<String>>of(
                () -> {
                    throw first;
                },
                () -> {
                    throw new IllegalStateException("second");
                })))
                .isInstanceOf(StructuredTaskScope.FailedException.class)
                .cause().isSameAs(first);
    }

    /** When call() returns, no try is still running: the loser has ended, its finally block run. */
    @Test
    void noTryRunsOnAfterCall() throws Exception {
        var loserEnded = new AtomicBoolean();
        Hedge.after(Duration.ZERO).call(List.<Callable<String>>of(
                () -> {
                    try {
                        return Latches.blockUntilInterrupted(new CountDownLatch(1));
                    } finally {
                        loserEnded.set(true);
                    }
                },
                () -> "winner"));
        assertThat(loserEnded).isTrue();
    }

    /** Interrupting the caller cancels every try, running or waiting to start. */
    @Test
    void interruptingTheCallerCancelsEveryTry() throws Exception {
        var running = new CountDownLatch(1);
        var interrupted = new CountDownLatch(1);
        var hedges = new AtomicInteger();
        var failure = new AtomicReference<Throwable>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                Hedge.after(A_DAY).call(List.<Callable<String>>of(
                        () -> {
                            running.countDown();
                            return Latches.blockUntilInterrupted(interrupted);
                        },
                        () -> "hedge " + hedges.incrementAndGet()));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Latches.await(running);
        caller.interrupt();
        caller.join();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(interrupted.getCount()).isZero();
        assertThat(hedges).hasValue(0);
    }

    /**
     * A try that ends by an interrupt was cancelled, not failed: the next one still waits for the
     * delay (a day here; it is seen waiting, then the caller is interrupted) and never starts.
     */
    @Test
    void aCancelledTryDoesNotStartTheNext() throws Exception {
        var hedges = new AtomicInteger();
        var failure = new AtomicReference<Throwable>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                Hedge.after(A_DAY).call(List.<Callable<String>>of(
                        () -> {
                            throw new InterruptedException("cancelled from within");
                        },
                        () -> "hedge " + hedges.incrementAndGet()));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Eventually.awaitParkedIn(1, "java.util.concurrent.CountDownLatch.await",
                "patterns.Hedge.lambda$call");
        caller.interrupt();
        caller.join();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(hedges).hasValue(0);
    }

    /**
     * Against two sites: the hedge's answer wins and the slow site sees its client hang up. (The
     * fast site answers once the slow one has its request, so that there is one to cancel.)
     */
    @Test
    void theLosersSiteSeesItsClientHangUp() throws Exception {
        try (var slow = EmbeddedSite.start("slow").hang("/price");
                var fast = EmbeddedSite.start("fast")) {
            fast.route("/price", request -> {
                Eventually.await("the slow site's request", () -> slow.inFlight() == 1);
                return EmbeddedSite.Answer.ok("42");
            });
            String answer = Hedge.after(Duration.ofMillis(10)).call(List.of(
                    () -> HttpGet.get(slow.uri("/price")).body(),
                    () -> HttpGet.get(fast.uri("/price")).body()));
            assertThat(answer).isEqualTo("42");
            assertThat(slow.awaitHangUps(1, Duration.ofSeconds(30))).isTrue();
            assertThat(slow.requests("/price")).isEqualTo(1);
        }
    }

    /** The recipe: replica-b answers, replica-a's request is cancelled and seen hanging up. */
    @Test
    void theRecipeCancelsTheLoser() {
        assertThat(dev.loomcookbook.testing.RecipeRun.lines(HedgedRequest.RECIPE)).containsExactly(
                "asking replica-a",
                "asking replica-b",
                "replica-b answered",
                "replica-a: request cancelled",
                "price 42: the first answer wins",
                "replica-a saw its client hang up: 1 time(s)",
                "requests: replica-a 1, replica-b 1");
    }

    /** No tries, or a negative delay: IllegalArgumentException. */
    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> Hedge.after(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hedge.after(A_DAY).call(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
