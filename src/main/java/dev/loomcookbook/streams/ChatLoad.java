package dev.loomcookbook.streams;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/**
 * Chat-room members for the demo: each joins, reads its welcome, and once all are in, sends its
 * lines while reading everyone else's. Checks that every line reached every other member exactly
 * once and in its sender's order, and never came back to its sender.
 */
final class ChatLoad {

    /**
     * What happened.
     *
     * @param members members who took part
     * @param sent lines sent, all members together
     * @param delivered lines received, all members together
     * @param expected lines that should have been received: sent x (members - 1)
     * @param problems what was wrong (lost, doubled, out of order, echoed back), or empty
     * @param nanos from the first line sent to the last received
     */
    record Result(
            int members,
            long sent,
            long delivered,
            long expected,
            List<String> problems,
            long nanos) {}

    private ChatLoad() {}

    /**
     * Runs {@code members} members sending {@code lines} lines each; {@code inRoom} waits until all
     * have joined.
     */
    static Result run(
            InetSocketAddress server,
            int members,
            int lines,
            Duration timeout,
            EchoLoad.AllConnected inRoom)
            throws IOException, InterruptedException {
        List<StreamConnection> clients = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (int m = 0; m < members; m++) {
                StreamConnection client =
                        StreamConnection.open(server, timeout, timeout, StreamReader.DEFAULT_LIMIT);
                clients.add(client);
                names.add(text(client.reader().readline()).replace("welcome ", ""));
            }
            inRoom.run();
            long start = System.nanoTime();
            List<Subtask<List<String>>> received = new ArrayList<>();
            try (var scope =
                    StructuredTaskScope.open(
                            Joiner.<List<String>>allSuccessfulOrThrow(),
                            cf -> cf.withName("chat-members"))) {
                for (StreamConnection client : clients) {
                    received.add(scope.fork(() -> readLines(client, (members - 1) * lines)));
                }
                for (int m = 0; m < members; m++) {
                    StreamConnection client = clients.get(m);
                    String name = names.get(m);
                    scope.fork(
                            () -> {
                                for (int i = 0; i < lines; i++) {
                                    client.writer()
                                            .write(
                                                    ("line " + i + " from " + name + "\n")
                                                            .getBytes(StandardCharsets.UTF_8));
                                }
                                return List.<String>of();
                            });
                }
                scope.join();
            } catch (StructuredTaskScope.FailedException e) {
                return new Result(
                        members,
                        0,
                        0,
                        (long) members * lines * (members - 1),
                        List.of("a member failed: " + e.getCause()),
                        System.nanoTime() - start);
            }
            long nanos = System.nanoTime() - start;
            List<String> problems = new ArrayList<>();
            long delivered = 0;
            for (int m = 0; m < members; m++) {
                List<String> got = received.get(m).get();
                delivered += got.size();
                problems.addAll(check(names.get(m), got, names, lines));
            }
            return new Result(
                    members,
                    (long) members * lines,
                    delivered,
                    (long) members * lines * (members - 1),
                    problems,
                    nanos);
        } finally {
            clients.forEach(StreamConnection::close);
        }
    }

    /** What {@code member} should have received: each other member's lines 0..lines-1, in order. */
    private static List<String> check(
            String member, List<String> got, List<String> names, int lines) {
        Map<String, Integer> next = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (String line : got) {
            int colon = line.indexOf(": ");
            String sender = colon < 0 ? "?" : line.substring(0, colon);
            if (sender.equals(member)) {
                problems.add(member + " got its own line back: " + line);
                continue;
            }
            int expected = next.merge(sender, 1, Integer::sum) - 1;
            if (!line.equals(sender + ": line " + expected + " from " + sender)) {
                problems.add(
                        member
                                + " expected line "
                                + expected
                                + " from "
                                + sender
                                + ", got: "
                                + line);
            }
        }
        for (String other : names) {
            if (!other.equals(member) && next.getOrDefault(other, 0) != lines) {
                problems.add(
                        member
                                + " got "
                                + next.getOrDefault(other, 0)
                                + " of "
                                + lines
                                + " lines from "
                                + other);
            }
        }
        return problems;
    }

    private static List<String> readLines(StreamConnection client, int count) throws IOException {
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(text(client.reader().readuntil(new byte[] {'\n'})));
        }
        return lines;
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8).strip();
    }
}
