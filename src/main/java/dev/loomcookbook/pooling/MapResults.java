package dev.loomcookbook.pooling;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The results of {@link ProcessPool#map}, in the order of the items, as CPython's
 * {@code Executor.map} yields them: {@link #next()} waits for the next result; a task's exception
 * is thrown when its result is reached (results before it were already delivered), and the
 * timeout counts from the call to {@code map}, not from each {@code next}. After a failure, a
 * timeout or {@link #close()}, the tasks not yet reached are cancelled (those not started never
 * run; a running one finishes in its worker and its result is dropped), as CPython does.
 */
public final class MapResults<R> implements AutoCloseable {

    private final List<? extends Future<R>> futures;
    private final long deadline;
    private final boolean timed;
    private int next;

    MapResults(List<? extends Future<R>> futures, long deadlineNanos, boolean timed) {
        this.futures = futures;
        this.deadline = deadlineNanos;
        this.timed = timed;
    }

    /** Whether a result remains to be read. */
    public boolean hasNext() {
        return next < futures.size();
    }

    /**
     * The next result in item order, waiting for it.
     *
     * @throws ExecutionException the task failed; its exception is the cause
     * @throws TimeoutException the map's timeout passed before this result was ready
     * @throws CancellationException the task was cancelled
     */
    public R next() throws InterruptedException, ExecutionException, TimeoutException {
        if (!hasNext()) {
            throw new NoSuchElementException("no more results");
        }
        Future<R> f = futures.get(next);
        boolean ok = false;
        try {
            R r = timed ? f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) : f.get();
            ok = true;
            return r;
        } finally {
            next++;
            if (!ok) {
                close();
            }
        }
    }

    /** Every remaining result, in item order (see {@link #next()} for the exceptions). */
    public List<R> toList() throws InterruptedException, ExecutionException, TimeoutException {
        List<R> all = new ArrayList<>();
        while (hasNext()) {
            all.add(next());
        }
        return all;
    }

    /** Cancels the tasks whose results were not read yet. */
    @Override
    public void close() {
        for (int i = next; i < futures.size(); i++) {
            futures.get(i).cancel(false);
        }
        next = futures.size();
    }
}
