package dev.loomcookbook.streams;

import static org.assertj.core.api.Assertions.fail;

import dev.loomcookbook.testing.Latches;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Waiting for conditions in tests: a state that must come, never a guessed sleep. */
final class Conditions {

    /** Long enough for any loaded machine; reached only when the awaited thing never happens. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private Conditions() {}

    /** Waits until {@code condition} holds, failing with {@code what} after {@link #PATIENCE}. */
    static void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        Latches.awaitUntil(what, PATIENCE, condition);
    }

    /** A server listener that queues every closed connection, to await them one by one. */
    static final class Closes implements Consumer<ConnectionClosed> {
        private final BlockingQueue<ConnectionClosed> queue = new LinkedBlockingQueue<>();

        @Override
        public void accept(ConnectionClosed closed) {
            queue.add(closed);
        }

        /** The next connection to close. */
        ConnectionClosed next() throws InterruptedException {
            ConnectionClosed closed = queue.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            if (closed == null) {
                fail("no connection closed within " + PATIENCE.toSeconds() + " s");
            }
            return closed;
        }

        /** Whether no close is waiting to be taken. */
        boolean isEmpty() {
            return queue.isEmpty();
        }
    }
}
