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
 * {@code Executor.map} yields them: {@link #next()} waits for the next result; an item's
 * exception is thrown when its result is reached (the results before it, in its chunk too, were
 * already delivered), and the timeout counts from the call to {@code map}, not from each
 * {@code next}. A worker that dies fails the items of the chunk it held: the exception is thrown
 * at the first of them not yet delivered. After an exception, a timeout or {@link #close()}, the
 * chunks not yet reached are cancelled (those not started never run; a running one finishes in
 * its worker and its results are dropped), as CPython does.
 */
public final class MapResults<R> implements AutoCloseable {

    private final List<? extends Future<MapChunk.Result>> chunks;
    private final int size;
    private final long deadline;
    private final boolean timed;
    private int chunk;
    private MapChunk.Result current;
    private int inChunk;
    private int delivered;
    private boolean closed;

    MapResults(List<? extends Future<MapChunk.Result>> chunks, int size, long deadlineNanos,
            boolean timed) {
        this.chunks = chunks;
        this.size = size;
        this.deadline = deadlineNanos;
        this.timed = timed;
    }

    /** Whether a result (or an exception) remains to be read. */
    public boolean hasNext() {
        return !closed && delivered < size;
    }

    /**
     * The next result in item order, waiting for it.
     *
     * @throws ExecutionException the item's function threw, or its worker died; the cause says
     * @throws TimeoutException the map's timeout passed before this result was ready
     * @throws CancellationException its chunk was cancelled
     */
    public R next() throws InterruptedException, ExecutionException, TimeoutException {
        if (!hasNext()) {
            throw new NoSuchElementException("no more results");
        }
        boolean ok = false;
        try {
            if (current == null) {
                Future<MapChunk.Result> f = chunks.get(chunk);
                current = timed
                        ? f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                        : f.get();
                inChunk = 0;
            }
            if (inChunk == current.values().length) {
                throw new ExecutionException(current.failure());
            }
            @SuppressWarnings("unchecked")
            R r = (R) current.values()[inChunk++];
            delivered++;
            if (inChunk == current.values().length && current.failure() == null) {
                chunk++;
                current = null;
            }
            ok = true;
            return r;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /** Every remaining result, in item order (see {@link #next()} for the exceptions). */
    public List<R> toList() throws InterruptedException, ExecutionException, TimeoutException {
        List<R> all = new ArrayList<>(size - delivered);
        while (hasNext()) {
            all.add(next());
        }
        return all;
    }

    /** Cancels the chunks whose results were not read yet. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (int i = chunk; i < chunks.size(); i++) {
                chunks.get(i).cancel(false);
            }
        }
    }
}
