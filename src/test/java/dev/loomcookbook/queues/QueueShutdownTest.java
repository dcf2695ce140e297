package dev.loomcookbook.queues;

import static dev.loomcookbook.testing.Blocked.awaitIn;
import static dev.loomcookbook.testing.Blocked.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.Blocked.Started;
import dev.loomcookbook.testing.RecipeRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link QueueShutdown}: consumers end on a shut-down, empty queue; no marker item needed. */
class QueueShutdownTest {

    /** A consumer waiting on the empty queue takes what is put, then ends when it is shut down. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void aWaitingConsumerEndsWhenTheQueueIsShutDown(ThreadFactory factory) throws Exception {
        JoinableQueue<Integer> q = JoinableQueue.fifo(10);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Started<Void> consumer = start(factory, () -> QueueShutdown.consume(out, q));
        q.put(1);
        q.join();                                   // taken and done: the consumer waits again
        awaitIn(consumer.thread(), JoinableQueue.class, "take");
        q.shutdown(false);
        consumer.result().get(30, TimeUnit.SECONDS);
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("got 1", "consumer ends: the queue is shut down and empty");
    }

    /** The recipe's run: graceful shutdown lets the items out; immediate drops the backlog. */
    @Test
    void gracefulLetsTheItemsOutImmediateDropsThem() {
        assertThat(RecipeRun.lines(QueueShutdown.RECIPE)).containsExactly(
                "got 1", "got 2", "got 3",
                "consumer ends: the queue is shut down and empty",
                "put(4): the queue is shut down",
                "left after shutdown(immediate=true): 0",
                "one more: the queue is shut down",
                "done with 1",
                "join() returned");
    }
}
