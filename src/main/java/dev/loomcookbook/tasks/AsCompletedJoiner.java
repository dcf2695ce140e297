package dev.loomcookbook.tasks;

import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code asyncio.as_completed}: a {@link Joiner} that hands each subtask's outcome to the scope's
 * owner as soon as the subtask completes, in completion order.
 *
 * <pre>{@code
 * var asCompleted = new AsCompletedJoiner<String>();
 * try (var scope = StructuredTaskScope.open(asCompleted)) {
 *     scope.fork(() -> fetch("a"));
 *     scope.fork(() -> fetch("b"));
 *     while (asCompleted.hasNext()) {
 *         Completion<String> done = asCompleted.next();   // blocks until the next one completes
 *     }
 *     scope.join();
 * }
 * }</pre>
 *
 * <p>The owner may not call {@link Subtask#get()} before {@code join}, so the outcome is read
 * here, on the subtask's own thread, and queued. The joiner never cancels the scope: a failure
 * is handed over like a result, as {@code as_completed} does. Do not combine it with a scope
 * timeout: a cancelled scope stops reporting completions, so {@link #next()} would wait forever.
 */
public final class AsCompletedJoiner<T> implements Joiner<T, Void> {

    /**
     * One completed subtask: its fork index (0, 1, ...), its value or exception, and the subtask
     * itself, the very handle {@code fork} returned (as 3.13's {@code async for task in
     * as_completed(tasks)} yields the original tasks). Read the outcome from this record: the
     * owner may call the subtask's own {@code get()} only after {@code join}.
     */
    public record Completion<T>(int forkIndex, Subtask.State state, T value, Throwable exception,
            Subtask<? extends T> subtask) {

        /** The value, or the subtask's exception rethrown (as {@code await} on the future does). */
        public T get() throws Exception {
            if (state == Subtask.State.SUCCESS) {
                return value;
            }
            if (exception instanceof Exception e) {
                throw e;
            }
            throw (Error) exception;
        }
    }

    private final Map<Subtask<?>, Integer> forkIndex = new ConcurrentHashMap<>();
    private final BlockingQueue<Completion<T>> completed = new LinkedBlockingQueue<>();
    private int forked;   // owner thread only
    private int taken;    // owner thread only

    @Override
    public boolean onFork(Subtask<? extends T> subtask) {
        forkIndex.put(subtask, forked++);
        return false;
    }

    @Override
    public boolean onComplete(Subtask<? extends T> subtask) {
        int index = forkIndex.get(subtask);
        completed.add(subtask.state() == Subtask.State.SUCCESS
                ? new Completion<>(index, Subtask.State.SUCCESS, subtask.get(), null, subtask)
                : new Completion<>(index, Subtask.State.FAILED, null, subtask.exception(),
                        subtask));
        return false;
    }

    /** True while some forked subtask has not been handed out by {@link #next()} (owner only). */
    public boolean hasNext() {
        return taken < forked;
    }

    /** The next subtask to complete, waiting for it if none has completed yet (owner only). */
    public Completion<T> next() throws InterruptedException {
        if (!hasNext()) {
            throw new NoSuchElementException("every forked subtask has been handed out");
        }
        Completion<T> c = completed.take();
        taken++;
        return c;
    }

    /**
     * As {@link #next()}, waiting at most {@code timeout} (Python: {@code as_completed(aws, timeout=...)}
     * raises TimeoutError); the subtasks keep running (owner only).
     */
    public Completion<T> next(Duration timeout) throws InterruptedException, TimeoutException {
        if (!hasNext()) {
            throw new NoSuchElementException("every forked subtask has been handed out");
        }
        Completion<T> c = completed.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (c == null) {
            throw new TimeoutException("no subtask completed within " + timeout);
        }
        taken++;
        return c;
    }

    @Override
    public Void result() {
        return null;
    }
}
