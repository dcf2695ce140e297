package dev.loomcookbook.streams;

import static dev.loomcookbook.streams.Conditions.PATIENCE;

import static org.assertj.core.api.Assertions.assertThat;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.testing.CliRun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** The streams demo, run in-process with small settings. */
class StreamsDemoTest {

    /** A run prints both tables, every connection open at once, and the code it runs, exit 0. */
    @Test
    void runPrintsEchoAndChatResultsAndTheCode() throws Exception {
        CliRun run =
                CliRun.of(
                        new StreamsDemo(),
                        "--connections",
                        "20",
                        "--messages",
                        "10",
                        "--clients",
                        "in-process");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("all 20 clients connected and answered once: the server holds 20 open")
                .contains("msgs/s", "p50", "p99", "closed by the server: 20 finished")
                .contains("every line reached every other member exactly once");
        for (String file : List.of("echo_server.py", "chat_server.py")) {
            for (String line : Files.readAllLines(Path.of("python/streams", file))) {
                assertThat(run.out()).as("prints %s as committed", file).contains(line.strip());
            }
        }
        String server =
                Files.readString(
                        Path.of("src/main/java/dev/loomcookbook/streams/StreamServer.java"));
        for (String line : StreamsDemo.region(StreamServer.class, "accept-loop")) {
            assertThat(server).as("the region is cut from the source").contains(line.strip());
            assertThat(run.out()).contains(line.strip());
        }
        assertThat(run.out().lines())
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
    }

    /**
     * An open-file limit too low for --connections is one line with the fix and exit 2, before
     * anything opens.
     */
    @Test
    void openFileLimitTooLowIsAUsageErrorBeforeAnythingOpens() {
        StreamsDemo demo = new StreamsDemo();
        demo.openFileLimit = () -> 1024;
        demo.openFiles = () -> 40;
        CliRun run = CliRun.of(demo, "--connections", "5000");
        assertThat(run.exitCode()).isEqualTo(Cli.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().findFirst().orElseThrow())
                .contains("5,000 connections")
                .contains("need about 5,240 open files")
                .contains("limit is 1,024")
                .contains("ulimit -n 6000");
    }

    /**
     * With room for one end of each connection but not both, the clients go to a child JVM; the
     * server still counts them all open at once.
     */
    @Test
    void autoPutsTheClientsInAChildJvmWhenBothEndsDoNotFit() {
        StreamsDemo demo = new StreamsDemo();
        demo.openFileLimit = () -> 300 + 40 + StreamsDemo.SPARE_DESCRIPTORS;
        demo.openFiles = () -> 40;
        CliRun run = CliRun.of(demo, "--connections", "300", "--messages", "2", "--no-code");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("300 clients in a child JVM")
                .contains("closed by the server: 300 finished");
        assertThat(run.out().lines().filter(l -> l.matches("\\s+300\\s+300\\s+600\\s+0 .*")))
                .hasSize(1);
    }

    /** Values beyond the bounds are one-line usage errors. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--connections 10001 | --connections must be at most 10,000",
                "--connections 10000 --messages 1001 | at most 10,000,000",
                "--size 1 | --size must be from 2 to 65,536",
                "--handler chat | --handler applies only to --serve",
                "--serve 70000 | --serve must be a port from 0 to 65535",
                "--clients somewhere | is not one of auto, in-process, child"
            })
    void boundsAreUsageErrors(String args, String message) {
        CliRun run = CliRun.of(new StreamsDemo(), args.split(" "));
        assertThat(run.exitCode()).isEqualTo(Cli.USAGE);
        assertThat(run.err().lines().findFirst().orElseThrow()).contains(message);
        assertThat(run.out()).isEmpty();
    }

    /**
     * --serve runs the server alone (here on an ephemeral port) until interrupted, as Ctrl-C ends
     * serve_forever.
     */
    @ParameterizedTest
    @CsvSource({"echo, hello, hello", "chat, hello, SENDER: hello"})
    void serveRunsTheServerAloneUntilInterrupted(String handler, String sent, String seen)
            throws Exception {
        StreamsDemo demo = new StreamsDemo();
        CompletableFuture<StreamServer> listening = new CompletableFuture<>();
        demo.serving = listening::complete;
        AtomicReference<CliRun> run = new AtomicReference<>();
        Thread demoThread =
                Thread.ofVirtual()
                        .start(
                                () -> run.set(
                                        CliRun.of(
                                                demo,
                                                "--serve",
                                                "0",
                                                "--handler",
                                                handler)));
        try {
            StreamServer server = listening.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            try (StreamConnection first = StreamServerTest.open(server);
                    StreamConnection second = StreamServerTest.open(server)) {
                // Both must be accepted before the interrupt, or the count could be 1.
                Conditions.awaitUntil(() -> server.acceptedConnections() == 2, "both accepted");
                StreamConnection reader = handler.equals("chat") ? second : first;
                String expected = seen;
                if (handler.equals("chat")) {
                    // A name goes by the order the handler threads run in, which need not be the
                    // order of connecting: the sender's name is the one its welcome gave.
                    expected = seen.replace("SENDER", welcomedName(first));
                    welcomedName(second);
                    Conditions.awaitUntil(() -> server.openConnections() == 2, "both in the room");
                }
                first.writer().write((sent + "\n").getBytes(UTF_8));
                assertThat(new String(reader.reader().readline(), UTF_8))
                        .isEqualTo(expected + "\n");
            }
        } finally {
            demoThread.interrupt();
            demoThread.join();
        }
        assertThat(run.get().exitCode()).isZero();
        assertThat(run.get().out())
                .contains("nc 127.0.0.1 ")
                .contains("Stopped: 2 connections served.");
    }

    /** The name a chat room's welcome line ("welcome user-2") gave this member. */
    private static String welcomedName(StreamConnection member) throws IOException {
        String welcome = new String(member.reader().readline(), UTF_8).strip();
        assertThat(welcome).startsWith("welcome ");
        return welcome.substring("welcome ".length());
    }
}
