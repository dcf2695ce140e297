package dev.loomcookbook.streams;

import static dev.loomcookbook.streams.Conditions.PATIENCE;

import static org.assertj.core.api.Assertions.assertThat;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.loomcookbook.streams.ConnectionClosed.Reason;

import java.net.InetAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clients and servers nobody here wrote: CPython's asyncio streams against this package's server
 * and client. Skipped, with a message, where {@code python3} is not on the PATH.
 */
class PythonInteropTest {

    @BeforeAll
    static void needsPython() {
        Assumptions.assumeTrue(pythonPresent(),
                "python3 is not on the PATH: the asyncio tests are skipped");
    }

    /** An asyncio open_connection client gets every line back from the Java echo server. */
    @Test
    void asyncioClientTalksToTheJavaServer() throws Exception {
        Conditions.Closes closes = new Conditions.Closes();
        try (StreamServer server =
                StreamServer.builder(new EchoHandler()).onClose(closes).start()) {
            Process python = python("echo_client.py", String.valueOf(server.port()), "200");
            try {
                assertThat(python.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
                String output = new String(python.getInputStream().readAllBytes(), UTF_8);
                assertThat(python.exitValue()).as(output).isZero();
                assertThat(output.strip()).isEqualTo("ok 200");
            } finally {
                python.destroyForcibly().waitFor();
            }
            assertThat(closes.next().reason()).isEqualTo(Reason.FINISHED);
            assertThat(server.acceptedConnections()).isEqualTo(1);
        }
    }

    /**
     * The Python file the demo prints runs: its asyncio echo server answers this package's client.
     */
    @Test
    void javaClientTalksToThePythonEchoServer() throws Exception {
        Process python = python("echo_server.py", "0");
        try (BufferedReader lines = python.inputReader(UTF_8)) {
            String banner = lines.readLine();
            Matcher port = Pattern.compile("echo server on \\('127\\.0\\.0\\.1', (\\d+)\\)")
                    .matcher(String.valueOf(banner));
            assertThat(port.find()).as(banner).isTrue();
            InetSocketAddress address =
                    new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"),
                            Integer.parseInt(port.group(1)));
            try (StreamConnection client = StreamConnection.open(address, PATIENCE, PATIENCE,
                    StreamReader.DEFAULT_LIMIT)) {
                for (String line : List.of("hello\n", "from java\n")) {
                    client.writer().write(line.getBytes(UTF_8));
                    assertThat(new String(client.reader().readline(), UTF_8)).isEqualTo(line);
                }
            }
        } finally {
            python.destroyForcibly().waitFor();
        }
    }

    private static Process python(String file, String... args) throws IOException {
        List<String> command =
                new java.util.ArrayList<>(List.of("python3", "python/streams/" + file));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static boolean pythonPresent() {
        try {
            Process p =
                    new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
