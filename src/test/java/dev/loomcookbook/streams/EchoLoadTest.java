package dev.loomcookbook.streams;

import static dev.loomcookbook.streams.Conditions.PATIENCE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

/** The load generator: its measuring window, its checks, its result line. */
class EchoLoadTest {

    /**
     * With a window, the clients stop at its end however many messages are left, and only it is
     * counted. The window must hold at least one whole round trip, so it is a second: far longer
     * than a loaded machine may keep the clients or the server from running.
     */
    @Test
    void aWindowBoundsTheRunAndTheCount() throws Exception {
        Duration window = Duration.ofSeconds(1);
        try (StreamServer server = StreamServer.start(new EchoHandler())) {
            EchoLoad.Settings settings = new EchoLoad.Settings(server.address(), 4,
                    Integer.MAX_VALUE, 64, Duration.ofMillis(50), window, PATIENCE);
            EchoLoad.Progress progress = new EchoLoad.Progress();
            EchoLoad.Result r = EchoLoad.run(settings, progress, () -> {});
            assertThat(r.failed()).as(r.firstError()).isZero();
            assertThat(r.nanos()).isEqualTo(window.toNanos());
            assertThat(r.messages()).isPositive().isLessThanOrEqualTo(progress.messages());
            assertThat(r.p50Nanos()).isPositive().isLessThanOrEqualTo(r.p99Nanos());
            assertThat(r.p99Nanos()).isLessThanOrEqualTo(r.maxNanos());
        }
    }

    /** A server that answers something else fails the client that got it, with the reason. */
    @Test
    void aWrongEchoIsAFailureNotACount() throws Exception {
        ConnectionHandler liar = connection -> {
            StreamReader reader = connection.reader();
            for (byte[] line = reader.readline(); line.length > 0; line = reader.readline()) {
                line[0] = (byte) (line[0] == 'h' ? 'h' : '!'); // the handshake comes back intact
                connection.writer().write(line);
            }
        };
        try (StreamServer server = StreamServer.start(liar)) {
            EchoLoad.Result r =
                    EchoLoad.run(EchoLoad.Settings.counted(server.address(), 3, 10, 32, PATIENCE),
                            new EchoLoad.Progress(), () -> {});
            assertThat(r.failed()).isEqualTo(3);
            assertThat(r.messages()).isZero();
            assertThat(r.firstError()).contains("the echo differs from what was sent");
        }
    }

    /** A refused connection counts as a failed client; the run still ends. */
    @Test
    void aRefusedConnectionIsAFailedClient() throws Exception {
        StreamServer closed = StreamServer.start(new EchoHandler());
        InetSocketAddress address = closed.address();
        closed.close();
        EchoLoad.Result r = EchoLoad.run(EchoLoad.Settings.counted(address, 2, 5, 16, PATIENCE),
                new EchoLoad.Progress(), () -> {});
        assertThat(r.connected()).isZero();
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.firstError()).startsWith("ConnectException");
    }

    /** The JSON line the child prints reads back as the same result. */
    @Test
    void resultSurvivesTheJsonLine() {
        EchoLoad.Result r =
                new EchoLoad.Result(10, 1, 500, 2_000_000_000L, 120_000, 900_000, 1_500_000, "x");
        assertThat(EchoLoad.parse(EchoLoad.toJson(r))).isEqualTo(r);
        assertThat(r.messagesPerSecond()).isEqualTo(250.0);
    }

    /** Settings that cannot make a run are refused. */
    @Test
    void rejectsBadSettings() {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        assertThatThrownBy(() -> EchoLoad.Settings.counted(a, 0, 1, 64, PATIENCE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EchoLoad.Settings.counted(a, 1, 1, 1, PATIENCE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
    }
}
