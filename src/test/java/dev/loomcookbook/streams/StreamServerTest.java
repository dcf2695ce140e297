package dev.loomcookbook.streams;

import static dev.loomcookbook.streams.Conditions.PATIENCE;
import static dev.loomcookbook.streams.Conditions.awaitUntil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.loomcookbook.streams.ConnectionClosed.Reason;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** StreamServer: concurrency, delivery, closing, and one connection's trouble staying its own. */
class StreamServerTest {

    private static final String BOTH = "dev.loomcookbook.testing.ThreadFactories#both";

    /**
     * 1,000 connections are open at once: a barrier in the handlers trips only if all 1,000 wait in
     * it together.
     */
    @Test
    void thousandConnectionsAreServedAtOnce() throws Exception {
        int n = 1000;
        CyclicBarrier allInside = new CyclicBarrier(n);
        ConnectionHandler handler = connection -> {
            byte[] line = connection.reader().readline();
            allInside.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            connection.writer().write(line);
        };
        try (StreamServer server = StreamServer.builder(handler).backlog(n).start();
                var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow())) {
            for (int i = 0; i < n; i++) {
                String line = "client " + i + "\n";
                scope.fork(() -> exchange(server, line));
            }
            List<String> echoes = scope.join().map(Subtask::get).toList();
            assertThat(echoes).hasSize(n).doesNotHaveDuplicates();
            assertThat(server.peakConnections()).isEqualTo(n);
        }
    }

    /**
     * Many clients at once each get every line back exactly once and in order, on either kind of
     * thread.
     */
    @ParameterizedTest
    @MethodSource(BOTH)
    void echoReturnsEveryLineOnceAndInOrder(ThreadFactory threads) throws Exception {
        try (StreamServer server =
                StreamServer.builder(new EchoHandler()).threads(threads).start()) {
            EchoLoad.Result result =
                    EchoLoad.run(EchoLoad.Settings.counted(server.address(), 20, 200, 40, PATIENCE),
                            new EchoLoad.Progress(),
                            () -> assertThat(server.openConnections()).isEqualTo(20));
            // Each echo is compared with the numbered message just sent: a loss, a duplicate or a
            // reordering would fail that client.
            assertThat(result.failed()).as(result.firstError()).isZero();
            assertThat(result.messages()).isEqualTo(20 * 200);
            assertThat(server.peakConnections()).isEqualTo(20);
        }
    }

    /** Lines of different lengths, sent in one write, come back as the same lines. */
    @Test
    void echoKeepsLineBoundaries() throws Exception {
        try (StreamServer server = StreamServer.start(new EchoHandler());
                StreamConnection client = open(server)) {
            client.writer().write("a\nbb\n\nccc\n".getBytes(UTF_8));
            for (String expected : List.of("a\n", "bb\n", "\n", "ccc\n")) {
                assertThat(new String(client.reader().readline(), UTF_8)).isEqualTo(expected);
            }
        }
    }

    /**
     * In the chat room each line reaches every other member exactly once, in its sender's order,
     * and never its sender.
     */
    @Test
    void chatLineReachesEveryOtherMemberOnce() throws Exception {
        int members = 4;
        int lines = 25;
        ChatRoom room = new ChatRoom();
        try (StreamServer server = StreamServer.start(room)) {
            List<StreamConnection> clients = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try {
                for (int m = 0; m < members; m++) {
                    StreamConnection client = open(server);
                    clients.add(client);
                    names.add(new String(client.reader().readline(), UTF_8).strip()
                            .replace("welcome ", ""));
                }
                awaitUntil(() -> room.members() == members, "every member in the room");
                try (var scope =
                        StructuredTaskScope.open(Joiner.<List<String>>allSuccessfulOrThrow())) {
                    List<Subtask<List<String>>> received = new ArrayList<>();
                    for (StreamConnection client : clients) {
                        received.add(scope.fork(() -> readLines(client, (members - 1) * lines)));
                    }
                    for (int m = 0; m < members; m++) {
                        StreamConnection client = clients.get(m);
                        int sender = m;
                        scope.fork(() -> {
                            for (int i = 0; i < lines; i++) {
                                client.writer()
                                        .write(("line " + sender + "." + i + "\n").getBytes(UTF_8));
                            }
                            return List.<String>of();
                        });
                    }
                    scope.join();
                    for (int m = 0; m < members; m++) {
                        List<String> got = received.get(m).get();
                        for (int other = 0; other < members; other++) {
                            String prefix = names.get(other) + ": ";
                            List<String> fromOther =
                                    got.stream().filter(l -> l.startsWith(prefix)).toList();
                            if (other == m) {
                                assertThat(fromOther).as("a member never gets its own lines")
                                        .isEmpty();
                            } else {
                                List<String> expected = new ArrayList<>();
                                for (int i = 0; i < lines; i++) {
                                    expected.add(prefix + "line " + other + "." + i);
                                }
                                assertThat(fromOther).containsExactlyElementsOf(expected);
                            }
                        }
                    }
                }
                // A sender's thread counts a delivery after its write returns, which may be after
                // the receiver has read the line: wait for the count, then check it exactly.
                long deliveries = (long) members * (members - 1) * lines;
                awaitUntil(() -> room.delivered() >= deliveries, "every delivery counted");
                assertThat(room.delivered()).isEqualTo(deliveries);
            } finally {
                clients.forEach(StreamConnection::close);
            }
        }
    }

    /**
     * A graceful close refuses new connections, lets an exchange in flight finish, then ends the
     * connection.
     */
    @Test
    void gracefulCloseFinishesTheExchangeInFlightAndRefusesNewConnections() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch reply = new CountDownLatch(1);
        Conditions.Closes closes = new Conditions.Closes();
        ConnectionHandler slowEcho = connection -> {
            StreamReader reader = connection.reader();
            for (byte[] line = reader.readline(); line.length > 0; line = reader.readline()) {
                received.countDown();
                reply.await();
                connection.writer().write(line);
            }
        };
        StreamServer server = StreamServer.builder(slowEcho).onClose(closes).start();
        try (server;
                StreamConnection client = open(server);
                var scope =
                        StructuredTaskScope.open(Joiner.<Boolean>anySuccessfulResultOrThrow())) {
            client.writer().write("in flight\n".getBytes(UTF_8));
            received.await();
            Subtask<Boolean> graceful = scope.fork(() -> server.shutdown(PATIENCE));
            awaitUntil(() -> !server.isServing(), "the server stops accepting"); // its accept loop has ended
            assertThatThrownBy(() -> open(server)).isInstanceOf(ConnectException.class);
            reply.countDown();
            assertThat(new String(client.reader().readline(), UTF_8)).isEqualTo("in flight\n");
            assertThat(client.reader().readline()).as("then the end of the stream").isEmpty();
            assertThat(scope.join()).as("every handler ended within the grace period").isTrue();
            assertThat(graceful.get()).isTrue();
        }
        assertThat(closes.next().reason()).isEqualTo(Reason.FINISHED);
        assertThat(server.openConnections()).isZero();
    }

    /**
     * abortClients (the forced half of a close) ends handlers blocked reading, waiting on a latch
     * and sleeping, and their clients see the connection end.
     */
    @ParameterizedTest
    @MethodSource(BOTH)
    void abortEndsEveryHandlerWhereverItBlocks(ThreadFactory threads) throws Exception {
        CountDownLatch entered = new CountDownLatch(3);
        CountDownLatch never = new CountDownLatch(1);
        Conditions.Closes closes = new Conditions.Closes();
        ConnectionHandler blocker = connection -> {
            String how = new String(connection.reader().readline(), UTF_8).strip();
            entered.countDown();
            switch (how) {
                case "read" -> connection.reader().readline();
                case "latch" -> never.await();
                default -> Thread.sleep(Duration.ofDays(1));
            }
        };
        StreamServer server =
                StreamServer.builder(blocker).threads(threads).onClose(closes).start();
        List<StreamConnection> clients = new ArrayList<>();
        try (server) {
            for (String how : List.of("read", "latch", "sleep")) {
                StreamConnection client = open(server);
                clients.add(client);
                client.writer().write((how + "\n").getBytes(UTF_8));
            }
            entered.await();
            server.stopAccepting();
            server.abortClients();
            assertThat(server.awaitClosed(PATIENCE)).isTrue();
            for (int i = 0; i < 3; i++) {
                assertThat(closes.next().reason()).isEqualTo(Reason.ABORTED);
            }
            assertThat(server.openConnections()).isZero();
            for (StreamConnection client : clients) {
                assertThat(endOfStreamOrReset(client)).isTrue();
            }
        } finally {
            clients.forEach(StreamConnection::close);
        }
    }

    /** Past the grace period, shutdown aborts the handlers that have not ended and says so. */
    @Test
    void shutdownAbortsWhatOutlastsTheGracePeriod() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Conditions.Closes closes = new Conditions.Closes();
        ConnectionHandler stuck = connection -> {
            entered.countDown();
            never.await();
        };
        try (StreamServer server = StreamServer.builder(stuck).onClose(closes).start();
                StreamConnection client = open(server)) {
            entered.await();
            assertThat(server.shutdown(Duration.ofMillis(1))).isFalse();
            assertThat(closes.next().reason()).isEqualTo(Reason.ABORTED);
            assertThat(endOfStreamOrReset(client)).isTrue();
        }
    }

    /**
     * An idle connection is closed after the idle timeout, while one busy in an exchange is not.
     */
    @Test
    void idleTimeoutClosesOnlyTheIdleConnection() throws Exception {
        CountDownLatch heldSent = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        Conditions.Closes closes = new Conditions.Closes();
        ConnectionHandler handler = connection -> {
            if (handled.incrementAndGet() == 1) {
                heldSent.await(); // its line is in the socket before the first read: no
                // idle wait
            }
            StreamReader reader = connection.reader();
            for (byte[] line = reader.readline(); line.length > 0; line = reader.readline()) {
                if (new String(line, UTF_8).equals("hold\n")) {
                    holding.countDown();
                    release.await(); // not reading, so not idle
                }
                connection.writer().write(line);
            }
        };
        try (StreamServer server = StreamServer.builder(handler).idleTimeout(Duration.ofMillis(100))
                .onClose(closes).start(); StreamConnection busy = open(server)) {
            busy.writer().write("hold\n".getBytes(UTF_8));
            heldSent.countDown();
            holding.await();
            try (StreamConnection idle = open(server)) {
                ConnectionClosed closed = closes.next();
                assertThat(closed.reason()).isEqualTo(Reason.IDLE_TIMEOUT);
                assertThat(closed.peer()).isEqualTo(idle.local());
                assertThat(idle.reader().readline()).isEmpty();
            }
            release.countDown();
            assertThat(new String(busy.reader().readline(), UTF_8)).isEqualTo("hold\n");
        }
    }

    /**
     * A client that vanishes in the middle of a line is closed with that reason; the others go on.
     */
    @Test
    void clientVanishingMidLineClosesOnlyItsConnection() throws Exception {
        Conditions.Closes closes = new Conditions.Closes();
        try (StreamServer server = StreamServer.builder(new EchoHandler()).onClose(closes).start();
                StreamConnection other = open(server)) {
            assertThat(echo(other, "before\n")).isEqualTo("before\n");
            try (StreamConnection vanishing = open(server)) {
                vanishing.writer().write("half a li".getBytes(UTF_8));
                vanishing.writer().writeEof();
                ConnectionClosed closed = closes.next();
                assertThat(closed.reason()).isEqualTo(Reason.INCOMPLETE_MESSAGE);
                assertThat(closed.peer()).isEqualTo(vanishing.local());
                assertThat(closed.detail()).contains("9 bytes");
            }
            assertThat(echo(other, "after\n")).isEqualTo("after\n");
            assertThat(server.openConnections()).isEqualTo(1);
        }
    }

    /** A line over the server's limit closes that connection with that reason; the others go on. */
    @Test
    void overLongLineClosesOnlyItsConnection() throws Exception {
        Conditions.Closes closes = new Conditions.Closes();
        try (StreamServer server =
                StreamServer.builder(new EchoHandler()).limit(64).onClose(closes).start();
                StreamConnection other = open(server)) {
            assertThat(echo(other, "x".repeat(64) + "\n")).as("a line of exactly the limit is fine")
                    .hasSize(65);
            try (StreamConnection longLine = open(server)) {
                longLine.writer().write(("y".repeat(200) + "\n").getBytes(UTF_8));
                ConnectionClosed closed = closes.next();
                assertThat(closed.reason()).isEqualTo(Reason.LINE_TOO_LONG);
                assertThat(closed.peer()).isEqualTo(longLine.local());
                assertThat(endOfStreamOrReset(longLine)).isTrue();
            }
            assertThat(echo(other, "still here\n")).isEqualTo("still here\n");
        }
    }

    /**
     * A handler that throws closes its own connection with HANDLER_FAILED; the server and the
     * others go on.
     */
    @Test
    void handlerFailureClosesOnlyItsConnection() throws Exception {
        Conditions.Closes closes = new Conditions.Closes();
        ConnectionHandler fragile = connection -> {
            StreamReader reader = connection.reader();
            for (byte[] line = reader.readline(); line.length > 0; line = reader.readline()) {
                if (new String(line, UTF_8).equals("boom\n")) {
                    throw new IllegalStateException("boom");
                }
                connection.writer().write(line);
            }
        };
        try (StreamServer server = StreamServer.builder(fragile).onClose(closes).start();
                StreamConnection other = open(server)) {
            try (StreamConnection failing = open(server)) {
                failing.writer().write("boom\n".getBytes(UTF_8));
                ConnectionClosed closed = closes.next();
                assertThat(closed.reason()).isEqualTo(Reason.HANDLER_FAILED);
                assertThat(closed.detail()).isEqualTo("IllegalStateException: boom");
            }
            assertThat(echo(other, "fine\n")).isEqualTo("fine\n");
        }
    }

    /**
     * Back-pressure: a client that stops reading makes the server's writing virtual thread block in
     * its write (parked, WAITING) after a bounded amount, not buffer without end; when the client
     * reads again, the writer goes on.
     */
    @Test
    void slowReaderBlocksTheWritingThread() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        long cap = 1L << 30; // the handler's loop is bounded even if back-pressure failed
        AtomicLong written = new AtomicLong();
        AtomicReference<Thread> writerThread = new AtomicReference<>();
        AtomicInteger inWrite = new AtomicInteger();
        ConnectionHandler firehose = connection -> {
            writerThread.set(Thread.currentThread());
            while (written.get() < cap) {
                inWrite.set(1);
                connection.writer().write(chunk);
                inWrite.set(0);
                written.addAndGet(chunk.length);
            }
        };
        try (StreamServer server = StreamServer.start(firehose);
                StreamConnection client = open(server)) {
            awaitUntil(
                    () -> writerThread.get() != null && inWrite.get() == 1
                            && writerThread.get().getState() == Thread.State.WAITING,
                    "the writer blocks in write");
            long stalledAt = written.get();
            assertThat(stalledAt).as("bytes taken before blocking: the socket buffers, no more")
                    .isLessThan(64L << 20);
            client.reader().readexactly((int) Math.min(stalledAt + 4L * chunk.length, 32L << 20));
            awaitUntil(() -> written.get() > stalledAt, "the writer goes on once the client reads");
        }
    }

    /** A client's read timeout ends a read that waits too long. */
    @Test
    void clientReadTimeoutEndsAWaitingRead() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (StreamServer server = StreamServer.start(connection -> never.await());
                StreamConnection client = StreamConnection.open(server.address(), PATIENCE,
                        Duration.ofMillis(50), StreamReader.DEFAULT_LIMIT)) {
            assertThatThrownBy(() -> client.reader().readline())
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    /**
     * serveForever blocks until interrupted, and the interrupt closes the server, as cancelling
     * serve_forever does.
     */
    @Test
    void interruptingServeForeverClosesTheServer() throws Exception {
        StreamServer server = StreamServer.start(new EchoHandler());
        try (server; StreamConnection client = open(server)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread serving = Thread.ofVirtual().start(() -> {
                try {
                    server.serveForever();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            awaitUntil(() -> serving.getState() == Thread.State.WAITING, "serveForever is waiting");
            assertThat(server.isServing()).isTrue();
            serving.interrupt();
            serving.join();
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            assertThat(server.isServing()).isFalse();
            assertThat(server.awaitClosed(Duration.ZERO)).isTrue();
            assertThat(endOfStreamOrReset(client)).isTrue();
        }
    }

    /** Bad settings are refused when given, with the reason. */
    @Test
    void rejectsBadSettings() {
        StreamServer.Builder builder = StreamServer.builder(new EchoHandler());
        assertThatThrownBy(() -> builder.port(70_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> builder.limit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.idleTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.backlog(0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----------------------------------------------------------------------------

    static StreamConnection open(StreamServer server) throws IOException {
        return StreamConnection.open(server.address(), PATIENCE, PATIENCE,
                StreamReader.DEFAULT_LIMIT);
    }

    private static String exchange(StreamServer server, String line) throws IOException {
        try (StreamConnection client = open(server)) {
            return echo(client, line);
        }
    }

    private static String echo(StreamConnection client, String line) throws IOException {
        client.writer().write(line.getBytes(UTF_8));
        return new String(client.reader().readline(), UTF_8);
    }

    private static List<String> readLines(StreamConnection client, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(new String(client.reader().readuntil("\n".getBytes(UTF_8)), UTF_8).strip());
        }
        return lines;
    }

    /**
     * Whether the server's end of the connection is gone: a read sees the end of the stream or a
     * reset.
     */
    private static boolean endOfStreamOrReset(StreamConnection client) {
        try {
            return client.reader().read(-1) != null;
        } catch (IOException reset) {
            return true;
        }
    }
}
