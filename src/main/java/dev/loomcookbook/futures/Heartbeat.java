package dev.loomcookbook.futures;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lightweight virtual thread that wakes every {@code period} and records how late each wake-up
 * was: the responsiveness a user of a service feels. In asyncio terms it is a coroutine doing
 * {@code while True: await asyncio.sleep(period)}; a busy event loop makes it late.
 *
 * <p>Each tick is "due" one period after the previous one ended, so one long stall counts once
 * rather than as a burst of catch-up ticks. Close it to stop and join the thread.
 */
public final class Heartbeat implements AutoCloseable {

    /** Lateness of the recorded ticks. */
    public record Lag(int ticks, long maxNanos, long p99Nanos) {}

    private final Duration period;
    private final Runnable onTick;
    private final AtomicLong ticks = new AtomicLong();
    private final Thread thread;
    // Written by the heartbeat thread only; read after join.
    private long[] lags = new long[1024];
    private int count;

    private Heartbeat(Duration period, Runnable onTick) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, but was " + period);
        }
        this.period = period;
        this.onTick = onTick;
        this.thread = Thread.ofVirtual().name("heartbeat").unstarted(this::beat);
    }

    /** Starts a heartbeat that runs {@code onTick} on its own virtual thread after every tick. */
    public static Heartbeat start(Duration period, Runnable onTick) {
        Heartbeat heartbeat = new Heartbeat(period, onTick);
        heartbeat.thread.start();
        return heartbeat;
    }

    /** Starts a heartbeat that only records. */
    public static Heartbeat start(Duration period) {
        return start(period, () -> {});
    }

    /** Ticks so far. */
    public long ticks() {
        return ticks.get();
    }

    private void beat() {
        long periodNanos = period.toNanos();
        while (true) {
            long due = System.nanoTime() + periodNanos;
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            record(Math.max(0, System.nanoTime() - due));
            ticks.incrementAndGet();
            onTick.run();
        }
    }

    private void record(long lagNanos) {
        if (count == lags.length) {
            lags = Arrays.copyOf(lags, count * 2);
        }
        lags[count++] = lagNanos;
    }

    /** Stops the heartbeat and waits for its thread to end. */
    @Override
    public void close() {
        thread.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The lateness of every tick; call after {@link #close()}. */
    public Lag lag() {
        if (thread.isAlive()) {
            throw new IllegalStateException("close the heartbeat first");
        }
        if (count == 0) {
            return new Lag(0, 0, 0);
        }
        long[] sorted = Arrays.copyOf(lags, count);
        Arrays.sort(sorted);
        int p99 = (int) Math.ceil(0.99 * count) - 1;
        return new Lag(count, sorted[count - 1], sorted[p99]);
    }
}
