package dev.loomcookbook.pooling;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ProcessPool#map} with chunks, as CPython's {@code Executor.map(fn, items, chunksize=N)}. */
class ProcessPoolMapTest {

    /** Two workers for the tests that leave them as they found them (no deaths, no kills). */
    private static ProcessPool shared;

    @BeforeAll
    static void startPool() throws InterruptedException {
        shared = ProcessPoolTest.pool(2).build();
        shared.awaitWorkersStarted();
    }

    @AfterAll
    static void closePool() {
        shared.close();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** Results come back in item order, for every chunk size, the last chunk short. */
    @Test
    void resultsComeBackInItemOrder() throws Exception {
        for (int chunksize : new int[] {1, 3, 10, 100}) {
            assertThat(shared.map((Integer k) -> k * k, range(10), chunksize).toList())
                    .as("chunksize " + chunksize)
                    .containsExactlyElementsOf(range(10).stream().map(k -> k * k).toList());
        }
    }

    /**
     * A chunk travels as one message and runs in one call in a worker: every item of a chunk
     * sees the same deserialized function, called once per item in turn, and no other chunk does.
     */
    @Test
    void aChunkRunsInOneWorkerCall() throws Exception {
        List<String> calls = shared.map(new CallCounter(), range(12), 4).toList();
        List<String> instances = calls.stream().map(c -> c.substring(0, c.indexOf('#'))).toList();
        assertThat(instances.stream().distinct()).hasSize(3);
        for (int chunk = 0; chunk < 3; chunk++) {
            List<String> mine = calls.subList(chunk * 4, chunk * 4 + 4);
            String instance = instances.get(chunk * 4);
            assertThat(mine).containsExactly(instance + "#1", instance + "#2", instance + "#3",
                    instance + "#4");
        }
    }

    /** A function whose every copy counts its own calls: a copy is made per message. */
    static final class CallCounter implements ProcessPool.TaskFunction<Integer, String> {
        private static final long serialVersionUID = 1L;
        private transient int calls;

        @Override
        public String apply(Integer item) {
            return ProcessHandle.current().pid() + "/" + System.identityHashCode(this) + "#"
                    + ++calls;
        }
    }

    /** An item's exception is raised at its position, after the results before it in its own chunk. */
    @Test
    void anExceptionIsRaisedAtItsItem() throws Exception {
        MapResults<Integer> results = shared.map((Integer k) -> 12 / (k - 3), range(10), 5);
        List<Integer> before = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            before.add(results.next());
        }
        assertThat(before).containsExactly(-4, -6, -12);
        assertThatThrownBy(results::next).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ArithmeticException.class).hasMessage("/ by zero");
        assertThat(results.hasNext()).isFalse();
    }

    /** A worker that dies fails the items of its chunk only: the items before them arrive, and the pool goes on. */
    @Test
    void aWorkerDeathFailsOnlyItsChunk() throws Exception {
        try (ProcessPool p = ProcessPoolTest.pool(2).build()) {
            MapResults<Integer> results = p.map((Integer k) -> {
                if (k == 4) {
                    Runtime.getRuntime().halt(9);
                }
                return k;
            }, range(9), 3);
            assertThat(List.of(results.next(), results.next(), results.next())).containsExactly(0,
                    1, 2);
            assertThatThrownBy(results::next).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("exited with code 9");
            assertThat(results.hasNext()).isFalse();
            assertThat(p.map((Integer k) -> k + 1, range(6), 2).toList()).containsExactly(1, 2, 3,
                    4, 5, 6);
        }
    }

    /** The timeout counts from the call: a chunk that is late raises TimeoutException. */
    @Test
    void aLateChunkRaisesTimeoutException() throws Exception {
        try (Gate gate = new Gate()) {
            int port = gate.port();
            MapResults<Long> results =
                    shared.map((Integer k) -> ProcessPoolTest.arriveAt(port), range(4), 2,
                            Duration.ofMillis(200));
            gate.awaitArrival();
            assertThatThrownBy(results::next).isInstanceOf(TimeoutException.class);
            assertThat(results.hasNext()).isFalse();
        }
    }

    /** Numbers and strings travel compactly, records serialized; all come back equal. */
    @Test
    void itemsOfEveryKindTravel() throws Exception {
        List<Object> items = List.of(1L, 2L);
        assertThat(shared.map((Object o) -> o, items, 2).toList()).containsExactly(1L, 2L);
        assertThat(shared.map((String s) -> s + "!", List.of("a", "é"), 2).toList())
                .containsExactly("a!", "é!");
        assertThat(shared.map((Double d) -> d / 2, List.of(1.0, 3.0), 2).toList())
                .containsExactly(0.5, 1.5);
        List<Point> points = List.of(new Point(1, 2), new Point(3, 4));
        assertThat(shared.map((Point q) -> new Point(q.y(), q.x()), points, 2).toList())
                .containsExactly(new Point(2, 1), new Point(4, 3));
        assertThat(shared
                .map((Object o) -> o == null ? "null" : o, java.util.Arrays.asList(null, 5), 2)
                .toList())
                .containsExactly("null", 5);
    }

    record Point(int x, int y) implements Serializable {}

    /** No items, no results. */
    @Test
    void noItemsNoResults() throws Exception {
        assertThat(shared.map((Integer k) -> k, List.of(), 10).toList()).isEmpty();
    }

    /** A chunk size below 1 is refused, as CPython's "chunksize must be >= 1". */
    @Test
    void chunksizeMustBePositive() {
        assertThatThrownBy(() -> shared.map((Integer k) -> k, range(3), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunksize must be at least 1, but was 0");
    }

    /** An item a worker would not accept is refused at the call, and nothing is sent. */
    @Test
    void anItemWorkersDoNotAcceptIsRefusedAtTheCall() throws Exception {
        URL url = URI.create("http://example.com/").toURL();
        assertThatThrownBy(() -> shared.map((Object o) -> o.toString(), List.of(1, url), 2))
                .isInstanceOf(TaskNotSerializableException.class)
                .hasMessageContaining("java.net.URL");
    }

    /** map runs its chunks at the same time on different workers: both are at the gate before either is released. */
    @Test
    void chunksRunInParallel() throws Exception {
        try (Gate gate = new Gate()) {
            int port = gate.port();
            MapResults<Long> results =
                    shared.map((Integer k) -> ProcessPoolTest.arriveAt(port), range(2), 1,
                            Duration.ofSeconds(30));
            Gate.Arrival a = gate.awaitArrival();
            Gate.Arrival b = gate.awaitArrival();
            assertThat(a.pid()).isNotEqualTo(b.pid());
            gate.release(a);
            gate.release(b);
            assertThat(results.toList()).containsExactlyInAnyOrder(a.pid(), b.pid());
        }
    }

    /** Results are read as they are reached: next() gives the first chunk's results while a later one still runs. */
    @Test
    void resultsArriveBeforeTheWholeMapIsDone() throws Exception {
        try (Gate gate = new Gate()) {
            int port = gate.port();
            MapResults<Long> results =
                    shared.map((Integer k) -> k == 0 ? (long) k : ProcessPoolTest.arriveAt(port),
                            range(2), 1, Duration.ofSeconds(30));
            Gate.Arrival late = gate.awaitArrival();
            assertThat(results.next()).isZero();
            gate.release(late);
            assertThat(results.next()).isEqualTo(late.pid());
        }
    }

    /** Closed, the map cancels what it has not reached, and the pool goes on. */
    @Test
    void closingCancelsTheChunksNotReached() throws Exception {
        MapResults<Integer> results = shared.map((Integer k) -> k, range(4), 1);
        results.close();
        assertThat(results.hasNext()).isFalse();
        assertThat(shared.submit(() -> "still serving").get(30, SECONDS))
                .isEqualTo("still serving");
    }
}
