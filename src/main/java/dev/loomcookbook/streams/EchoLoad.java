package dev.loomcookbook.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.loomcookbook.common.ChildJvm;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Echo clients that load a line server: {@code connections} clients, all connected (and each
 * answered once) before any counted message, each then sending a {@code size}-byte line and waiting
 * for its echo, {@code messages} times (asyncio: {@code gather} of that many {@code
 * open_connection} clients). Every echo is checked byte for byte; each round trip's time goes into
 * a latency histogram.
 *
 * <p>With a measuring window ({@code measure} above zero) it is the benchmark's load generator:
 * round trips during the first {@code warmUp} are not counted, and the clients stop at the end of
 * the window or after {@code messages}, whichever comes first. The same program drives every server
 * kind, from its own process ({@link #main}), so only the server differs.
 */
public final class EchoLoad {

    /** Connection attempts in flight at once: a burst of 10,000 SYNs would overflow the backlog. */
    static final int CONNECTS_AT_ONCE = 256;

    /** However many messages are left, no client sends after this long. */
    static final Duration MAX_RUN = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to run.
     *
     * @param server where the echo server listens
     * @param connections clients, all open at once
     * @param messages round trips per client, at most
     * @param size bytes per message, its {@code '\n'} included (at least 2)
     * @param warmUp round trips started before this are not counted (zero: all count)
     * @param measure the counting window after the warm-up (zero: no window, run every message)
     * @param timeout the longest wait for one connect or one echo
     */
    public record Settings(
            InetSocketAddress server,
            int connections,
            int messages,
            int size,
            Duration warmUp,
            Duration measure,
            Duration timeout) {

        /** Checks every field. */
        public Settings {
            Objects.requireNonNull(server, "server");
            if (connections < 1 || messages < 1) {
                throw new IllegalArgumentException("connections and messages must be at least 1");
            }
            if (size < 2) {
                throw new IllegalArgumentException(
                        "size must be at least 2 (one byte and the newline), but was " + size);
            }
            if (warmUp.isNegative() || measure.isNegative() || timeout.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
        }

        /** Every message counted, no window: the demo's run. */
        public static Settings counted(
                InetSocketAddress server,
                int connections,
                int messages,
                int size,
                Duration timeout) {
            return new Settings(
                    server, connections, messages, size, Duration.ZERO, Duration.ZERO, timeout);
        }
    }

    /**
     * What happened.
     *
     * @param connected clients that connected
     * @param failed clients that could not connect, or whose exchange failed
     * @param messages round trips counted
     * @param nanos the time they were counted over
     * @param p50Nanos the median round trip of the counted messages
     * @param p99Nanos their 99th percentile
     * @param maxNanos the slowest
     * @param firstError the first failure, or empty
     */
    public record Result(
            int connected,
            int failed,
            long messages,
            long nanos,
            long p50Nanos,
            long p99Nanos,
            long maxNanos,
            String firstError) {

        /** Round trips per second. */
        public double messagesPerSecond() {
            return nanos == 0 ? 0 : messages * 1e9 / nanos;
        }
    }

    /** Live counters of a run, for a progress line. */
    public static final class Progress {
        private final AtomicInteger connected = new AtomicInteger();
        private final LongAdder messages = new LongAdder();

        /** Clients connected so far. */
        public int connected() {
            return connected.get();
        }

        /** Round trips finished so far (warm-up included). */
        public long messages() {
            return messages.sum();
        }
    }

    /** What runs once every client has connected, before any sends. */
    @FunctionalInterface
    public interface AllConnected {
        /** Runs in the thread that called {@link #run}; it may wait. */
        void run() throws InterruptedException;
    }

    private EchoLoad() {}

    /**
     * Runs the clients in this JVM, each on its own virtual thread, and returns when all have
     * ended. {@code allConnected} runs once every client has connected and been answered once (or
     * failed to), before any counted message: the server then holds them all open at once.
     */
    public static Result run(Settings s, Progress progress, AllConnected allConnected)
            throws InterruptedException {
        Histogram latencies = new ConcurrentHistogram(3);
        LongAdder counted = new LongAdder();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>("");
        CountDownLatch attempted = new CountDownLatch(s.connections());
        CountDownLatch go = new CountDownLatch(1);
        Semaphore connecting = new Semaphore(CONNECTS_AT_ONCE);
        long[] window = new long[3];
        Consumer<Exception> fail =
                e -> {
                    failed.incrementAndGet();
                    firstError.compareAndSet("", describe(e));
                };
        try (var scope =
                StructuredTaskScope.open(Joiner.awaitAll(), cf -> cf.withName("echo-load"))) {
            for (int c = 0; c < s.connections(); c++) {
                int client = c;
                scope.fork(
                        () -> {
                            StreamConnection connection;
                            try {
                                connection = connect(s, connecting);
                            } catch (IOException | RuntimeException e) {
                                fail.accept(e);
                                attempted.countDown();
                                return null;
                            }
                            try (connection) {
                                handshake(connection, s.size());
                                progress.connected.incrementAndGet();
                                attempted.countDown();
                                go.await();
                                exchange(
                                        s,
                                        client,
                                        connection,
                                        window,
                                        latencies,
                                        counted,
                                        progress);
                            } catch (IOException | RuntimeException e) {
                                fail.accept(e);
                            }
                            return null;
                        });
            }
            attempted.await();
            allConnected.run();
            long start = System.nanoTime();
            window[0] = start + s.warmUp().toNanos();
            window[1] = s.measure().isZero() ? Long.MAX_VALUE : window[0] + s.measure().toNanos();
            window[2] = start + MAX_RUN.toNanos();
            go.countDown();
            scope.join();
            long end = Math.min(System.nanoTime(), window[1]);
            boolean any = latencies.getTotalCount() > 0;
            return new Result(
                    progress.connected(),
                    failed.get(),
                    counted.sum(),
                    Math.max(0, end - window[0]),
                    any ? latencies.getValueAtPercentile(50) : 0,
                    any ? latencies.getValueAtPercentile(99) : 0,
                    any ? latencies.getMaxValue() : 0,
                    firstError.get());
        }
    }

    private static StreamConnection connect(Settings s, Semaphore connecting) throws IOException {
        connecting.acquireUninterruptibly();
        try {
            return StreamConnection.open(
                    s.server(), s.timeout(), s.timeout(), StreamReader.DEFAULT_LIMIT);
        } finally {
            connecting.release();
        }
    }

    /**
     * One uncounted round trip before the start: its echo proves the server has accepted this
     * connection, so when every client has shaken hands the server holds them all open at once.
     */
    private static void handshake(StreamConnection connection, int size) throws IOException {
        byte[] hello = new byte[size];
        Arrays.fill(hello, (byte) 'h');
        hello[size - 1] = '\n';
        connection.writer().write(hello);
        if (!Arrays.equals(connection.reader().readexactly(size), hello)) {
            throw new IOException("the first echo differs from what was sent");
        }
    }

    /** One client's round trips; a wrong echo is an error, not a count. */
    private static void exchange(
            Settings s,
            int client,
            StreamConnection connection,
            long[] window,
            Histogram latencies,
            LongAdder counted,
            Progress progress)
            throws IOException {
        byte[] message = new byte[s.size()];
        Arrays.fill(message, (byte) 'x');
        message[message.length - 1] = '\n';
        StreamReader reader = connection.reader();
        StreamWriter writer = connection.writer();
        for (int i = 0; i < s.messages(); i++) {
            stamp(message, client, i);
            long sent = System.nanoTime();
            if (sent >= window[1]) {
                return;
            }
            if (sent >= window[2]) {
                throw new IOException(
                        "stopped after " + MAX_RUN.toMinutes() + " minutes with messages left");
            }
            writer.write(message);
            byte[] echo = reader.readexactly(message.length);
            long received = System.nanoTime();
            if (!Arrays.equals(echo, message)) {
                throw new IOException(
                        "client "
                                + client
                                + " message "
                                + i
                                + ": the echo differs from what was sent");
            }
            progress.messages.increment();
            if (sent >= window[0] && received <= window[1]) {
                latencies.recordValue(received - sent);
                counted.increment();
            }
        }
    }

    /**
     * Writes the client and message numbers into the message (as far as it has room), so each echo
     * is unique.
     */
    private static void stamp(byte[] message, int client, int i) {
        long id = ((long) client << 32) | i;
        for (int k = Math.min(16, message.length - 1) - 1; k >= 0; k--) {
            message[k] = (byte) Character.forDigit((int) (id & 0xF), 16);
            id >>>= 4;
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    // ---- in its own process --------------------------------------------------------------------

    /** The command line of a load-generator process for {@code s}. */
    public static List<String> command(Settings s, List<String> jvmOptions) {
        return ChildJvm.command(
                jvmOptions,
                EchoLoad.class,
                List.of(
                        s.server().getHostString(),
                        String.valueOf(s.server().getPort()),
                        String.valueOf(s.connections()),
                        String.valueOf(s.messages()),
                        String.valueOf(s.size()),
                        String.valueOf(s.warmUp().toMillis()),
                        String.valueOf(s.measure().toMillis()),
                        String.valueOf(s.timeout().toMillis())));
    }

    /**
     * Runs the clients in a child JVM and waits (at most {@code limit}) for its result. Each
     * progress line it prints goes to {@code progress} as "connected messages"; anything else it
     * prints goes to {@code other}.
     */
    public static Result runInChildJvm(
            Settings s, Duration limit, Consumer<long[]> progress, Consumer<String> other)
            throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command(s, List.of())).redirectErrorStream(true);
        try (ChildJvm.Running running = ChildJvm.start(builder, "echo-load")) {
            Process child = running.process();
            AtomicReference<Result> result = new AtomicReference<>();
            Thread reader =
                    Thread.ofVirtual()
                            .name("echo-load-output")
                            .start(() -> relay(child, result, progress, other));
            boolean ended = child.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                child.destroyForcibly();
            }
            reader.join();
            if (!ended) {
                throw new IOException(
                        "the load generator did not finish within " + limit.toSeconds() + " s");
            }
            if (child.exitValue() != 0 || result.get() == null) {
                throw new IOException(
                        "the load generator failed (exit code " + child.exitValue() + ")");
            }
            return result.get();
        }
    }

    /**
     * Reads the child's output: progress and result lines to their places, the rest to {@code
     * other}.
     */
    private static void relay(
            Process child,
            AtomicReference<Result> result,
            Consumer<long[]> progress,
            Consumer<String> other) {
        try (BufferedReader lines = child.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                String[] f = line.split("\t", 2);
                switch (f[0]) {
                    case "progress" -> {
                        String[] counts = f[1].split("\t", -1);
                        progress.accept(
                                new long[] {Long.parseLong(counts[0]), Long.parseLong(counts[1])});
                    }
                    case "result" -> result.set(parse(JSON.readTree(f[1])));
                    default -> other.accept(line);
                }
            }
        } catch (IOException e) {
            other.accept("cannot read the load generator's output: " + e.getMessage());
        }
    }

    /** The result as one JSON object: what {@link #main} prints and the benchmark reads. */
    public static ObjectNode toJson(Result r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("connected", r.connected());
        o.put("failed", r.failed());
        o.put("messages", r.messages());
        o.put("seconds", r.nanos() / 1e9);
        o.put("msgs_per_s", r.messagesPerSecond());
        o.put("p50_us", r.p50Nanos() / 1e3);
        o.put("p99_us", r.p99Nanos() / 1e3);
        o.put("max_us", r.maxNanos() / 1e3);
        o.put("first_error", r.firstError());
        return o;
    }

    /** Reads {@link #toJson} back. */
    static Result parse(JsonNode o) {
        return new Result(
                o.get("connected").asInt(),
                o.get("failed").asInt(),
                o.get("messages").asLong(),
                Math.round(o.get("seconds").asDouble() * 1e9),
                micros(o, "p50_us"),
                micros(o, "p99_us"),
                micros(o, "max_us"),
                o.get("first_error").asText());
    }

    private static long micros(JsonNode o, String field) {
        return Math.round(o.get(field).asDouble() * 1e3);
    }

    /**
     * The load generator as a process: {@code HOST PORT CONNECTIONS MESSAGES SIZE WARMUP_MS
     * MEASURE_MS TIMEOUT_MS}. Prints "progress" lines once a second and one "result" JSON line. It
     * ends with its parent.
     */
    public static void main(String[] args) throws Exception {
        ChildJvm.exitWithParent();
        if (args.length != 8) {
            System.err.println(
                    "usage: EchoLoad HOST PORT CONNECTIONS MESSAGES SIZE WARMUP_MS MEASURE_MS"
                            + " TIMEOUT_MS");
            System.exit(2);
        }
        Settings s =
                new Settings(
                        new InetSocketAddress(args[0], Integer.parseInt(args[1])),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]),
                        Duration.ofMillis(Long.parseLong(args[5])),
                        Duration.ofMillis(Long.parseLong(args[6])),
                        Duration.ofMillis(Long.parseLong(args[7])));
        Progress progress = new Progress();
        Thread ticker =
                Thread.ofPlatform()
                        .daemon()
                        .name("echo-load-progress")
                        .start(
                                () -> {
                                    try {
                                        while (true) {
                                            Thread.sleep(1000);
                                            System.out.println(
                                                    "progress\t"
                                                            + progress.connected()
                                                            + "\t"
                                                            + progress.messages());
                                        }
                                    } catch (InterruptedException done) {
                                        // the run is over
                                    }
                                });
        Result r = run(s, progress, () -> {});
        ticker.interrupt();
        ticker.join();
        ObjectNode json = toJson(r);
        // This process's CPU over its whole life: what the load itself cost.
        ProcessHandle.current().info().totalCpuDuration()
                .ifPresent(cpu -> json.put("cpu_s", cpu.toMillis() / 1e3));
        System.out.println("result\t" + JSON.writeValueAsString(json));
        System.out.flush();
    }
}
