package dev.loomcookbook.pooling;

import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * One chunk of {@link ProcessPool#map}: the function and the items that travel together as one
 * message and run in one call in a worker. As a {@link Callable} it runs the same loop here (what
 * running a task that {@link ProcessPool#shutdownNow()} returned does).
 */
// Never compared or hashed: the arrays are the chunk's items and results as they travel.
@SuppressWarnings("ArrayRecordComponent")
record MapChunk<T, R>(Function<? super T, ? extends R> fn,
        Object[] items) implements Callable<MapChunk.Result> {

    /** The results of the first items, and the exception of the next one if it threw (then the rest did not run). */
    @SuppressWarnings("ArrayRecordComponent") // as above
    record Result(Object[] values, Throwable failure) {}

    @Override
    public Result call() {
        Object[] values = new Object[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                @SuppressWarnings("unchecked")
                T item = (T) items[i];
                values[i] = fn.apply(item);
            } catch (RuntimeException | Error e) {
                return new Result(java.util.Arrays.copyOf(values, i), e);
            }
        }
        return new Result(values, null);
    }
}
