package dev.loomcookbook.streams;

import com.sun.management.UnixOperatingSystemMXBean;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.PositiveInt;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import dev.loomcookbook.recipes.SourceText;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** {@code streams}: asyncio's echo server and chat room, one virtual thread per connection. */
@Command(
        name = "streams",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "An echo server and a chat room on 127.0.0.1, a virtual thread per connection.",
            "Starts the servers on 127.0.0.1 (ephemeral ports) and drives them with its own"
                    + " clients: no network needed.",
            "--serve PORT runs one server alone, to talk to with: nc 127.0.0.1 PORT (Ctrl-C stops"
                    + " it)."
        })
public final class StreamsDemo implements Demo {

    static final int MAX_CONNECTIONS = 10_000;
    static final int MAX_MESSAGES = 100_000;
    static final long MAX_TOTAL_MESSAGES = 10_000_000;

    /**
     * Chat sends every line to every other member: n members make n x (n - 1) deliveries per line.
     */
    static final int MAX_CHAT_MEMBERS = 50;

    static final int MAX_CHAT_LINES = 20;

    /** Descriptors a JVM needs besides the sockets: its jars, pipes, epoll, with room to spare. */
    static final int SPARE_DESCRIPTORS = 200;

    /** The longest the clients' child JVM may take; the run is bounded well below it. */
    static final Duration CHILD_LIMIT = Duration.ofMinutes(15);

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Where the load clients run. */
    enum Clients {
        AUTO,
        IN_PROCESS,
        CHILD
    }

    /** Which server {@code --serve} runs. */
    enum Handler {
        ECHO,
        CHAT
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--connections",
            paramLabel = "N",
            converter = PositiveInt.class,
            defaultValue = "100",
            description = "Echo clients, all connected at once, N <= 10,000 (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = "--messages",
            paramLabel = "M",
            converter = PositiveInt.class,
            defaultValue = "100",
            description = "Round trips per echo client, M <= 100,000 and N x M <= 10,000,000 (default:"
                    + " ${DEFAULT-VALUE}).")
    int messages;

    @Option(
            names = "--size",
            paramLabel = "BYTES",
            converter = PositiveInt.class,
            defaultValue = "64",
            description = "Bytes per message, its newline included, 2 to 65,536 (default:"
                    + " ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--clients",
            paramLabel = "WHERE",
            defaultValue = "auto",
            description = "Where the echo clients run: in-process, child (a child JVM), or auto: in this"
                    + " JVM when the open-file limit has room for both ends of every connection"
                    + " (default: ${DEFAULT-VALUE}).",
            converter = ClientsConverter.class)
    Clients clients;

    @Option(
            names = "--serve",
            paramLabel = "PORT",
            description = "Only run a server on 127.0.0.1:PORT (0: an ephemeral one) until Ctrl-C; try:"
                    + " nc 127.0.0.1 PORT.")
    Integer serve;

    @Option(
            names = "--handler",
            paramLabel = "KIND",
            defaultValue = "echo",
            description = "With --serve: echo or chat (default: ${DEFAULT-VALUE}).")
    Handler handler;

    @Option(
            names = "--idle-timeout",
            paramLabel = "DURATION",
            defaultValue = "0s",
            description = "Close a connection that sends nothing for this long; 0s never does (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--no-code", description = "Do not print the Python and Java code.")
    boolean noCode;

    /** The process's open-file limit, or -1 where the platform does not say (replaced in tests). */
    LongSupplier openFileLimit = StreamsDemo::maxFileDescriptors;

    /** Descriptors this process has open now (replaced in tests). */
    LongSupplier openFiles = StreamsDemo::openFileDescriptors;

    /** Told about the server of {@code --serve} once it listens (tests use it to talk to it). */
    Consumer<StreamServer> serving = s -> {};

    /** Accepts "in-process" and "child" as well as the enum names. */
    static final class ClientsConverter implements CommandLine.ITypeConverter<Clients> {
        @Override
        public Clients convert(String value) {
            try {
                return Clients.valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not one of auto, in-process, child");
            }
        }
    }

    @Override
    public String pythonConcept() {
        return "asyncio.start_server / open_connection";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--connections", "200", "--messages", "50");
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new StreamsDemo(), args));
    }

    @Override
    public Integer call() throws Exception {
        checkBounds();
        PrintWriter out = spec.commandLine().getOut();
        if (serve != null) {
            requireDescriptors(1, "--serve");
            return serveAlone(out);
        }
        boolean inProcess = chooseClients();
        out.println("Streams: asyncio's start_server and open_connection on virtual threads");
        out.println(
                "  Python:  server = await asyncio.start_server(handle, \"127.0.0.1\", 0)   # a"
                        + " coroutine per client");
        out.println(
                "  Java:    StreamServer.builder(handler).start()   // a virtual thread per client,"
                        + " in one scope");
        out.println();
        if (!noCode) {
            printCode(out);
        }
        echo(out, inProcess);
        chat(out);
        printDifferences(out);
        out.flush();
        return 0;
    }

    private void checkBounds() {
        if (connections > MAX_CONNECTIONS) {
            throw usage(
                    String.format(
                            Locale.ROOT,
                            "--connections must be at most %,d, but was %,d",
                            MAX_CONNECTIONS,
                            connections));
        }
        if (messages > MAX_MESSAGES || (long) connections * messages > MAX_TOTAL_MESSAGES) {
            throw usage(
                    String.format(
                            Locale.ROOT,
                            "--messages must be at most %,d and --connections x --messages"
                                    + " at most %,d, but they were %,d and %,d",
                            MAX_MESSAGES,
                            MAX_TOTAL_MESSAGES,
                            messages,
                            (long) connections * messages));
        }
        if (size < 2 || size > StreamReader.DEFAULT_LIMIT) {
            throw usage(
                    String.format(
                            Locale.ROOT,
                            "--size must be from 2 to %,d bytes, but was %,d",
                            StreamReader.DEFAULT_LIMIT,
                            size));
        }
        if (serve != null && (serve < 0 || serve > 65_535)) {
            throw usage("--serve must be a port from 0 to 65535, but was " + serve);
        }
        if (serve == null && spec.commandLine().getParseResult().hasMatchedOption("--handler")) {
            throw usage("--handler applies only to --serve");
        }
    }

    /**
     * In this JVM or a child, by the open-file limit; exit 2 (before anything opens) when neither
     * fits.
     */
    private boolean chooseClients() {
        int chat = Math.min(connections, MAX_CHAT_MEMBERS);
        return switch (clients) {
            case IN_PROCESS -> {
                requireDescriptors(2L * Math.max(connections, chat), "--clients in-process");
                yield true;
            }
            case CHILD -> {
                requireDescriptors(Math.max(connections, 2 * chat), "--clients child");
                yield false;
            }
            case AUTO -> {
                if (fits(2L * Math.max(connections, chat))) {
                    yield true;
                }
                requireDescriptors(
                        Math.max(connections, 2 * chat), "the echo clients in a child JVM");
                yield false;
            }
        };
    }

    private boolean fits(long sockets) {
        long limit = openFileLimit.getAsLong();
        return limit < 0 || sockets + openFiles.getAsLong() + SPARE_DESCRIPTORS <= limit;
    }

    private void requireDescriptors(long sockets, String how) {
        if (!fits(sockets)) {
            long needed = sockets + openFiles.getAsLong() + SPARE_DESCRIPTORS;
            throw usage(
                    String.format(
                            Locale.ROOT,
                            "%,d connections with %s need about %,d open files in this process, but"
                                    + " its limit is %,d: raise it (ulimit -n %d) or use fewer"
                                    + " --connections",
                            connections,
                            how,
                            needed,
                            openFileLimit.getAsLong(),
                            roundUp(needed)));
        }
    }

    private static long roundUp(long n) {
        return (n + 999) / 1000 * 1000;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    // ---- the echo run -------------------------------------------------------------------------

    private void echo(PrintWriter out, boolean inProcess) throws Exception {
        Map<ConnectionClosed.Reason, Integer> reasons =
                new EnumMap<>(ConnectionClosed.Reason.class);
        StreamServer server =
                StreamServer.builder(new EchoHandler())
                        .name("echo-server")
                        .backlog(4096)
                        .idleTimeout(idleTimeout)
                        .onClose(c -> count(reasons, c))
                        .start();
        try (server) {
            out.printf(
                    Locale.ROOT,
                    "1) Echo server on 127.0.0.1:%d (StreamServer + EchoHandler), virtual"
                            + " threads%n",
                    server.port());
            out.printf(
                    Locale.ROOT,
                    "   %,d clients %s;%n   each sends %,d messages of %,d bytes, waiting for each"
                            + " echo%n",
                    connections,
                    inProcess
                            ? "in this JVM (virtual threads)"
                            : "in a child JVM (EchoLoad, a virtual thread per client)",
                    messages,
                    size);
            out.flush();
            EchoLoad.Settings settings =
                    EchoLoad.Settings.counted(
                            server.address(), connections, messages, size, TIMEOUT);
            long start = System.nanoTime();
            EchoLoad.Result r =
                    inProcess ? echoInProcess(out, settings, server) : echoInChild(out, settings);
            long wall = Timing.since(start);
            server.shutdown(TIMEOUT);
            Table table =
                    new Table(
                            "connections",
                            "peak open",
                            "messages",
                            "failed clients",
                            "time",
                            "msgs/s",
                            "p50",
                            "p99");
            table.row(
                    thousands(r.connected()),
                    thousands(server.peakConnections()),
                    thousands(r.messages()),
                    thousands(r.failed()),
                    Timing.format(r.nanos()),
                    thousands(Math.round(r.messagesPerSecond())),
                    Timing.format(r.p50Nanos()),
                    Timing.format(r.p99Nanos()));
            out.println();
            table.lines().forEach(l -> out.println("  " + l));
            out.printf(
                    Locale.ROOT,
                    "   peak open: the most connections the server held at once (%s in all, with "
                            + "connecting).%n",
                    Timing.format(wall));
            if (r.failed() > 0) {
                out.println("   first failure: " + r.firstError());
            }
            out.println("   closed by the server: " + describe(reasons));
            out.println();
            out.flush();
        }
    }

    private EchoLoad.Result echoInProcess(
            PrintWriter out, EchoLoad.Settings settings, StreamServer server)
            throws InterruptedException {
        EchoLoad.Progress progress = new EchoLoad.Progress();
        long total = (long) connections * messages;
        AtomicBoolean done = new AtomicBoolean();
        Thread ticker =
                Thread.ofVirtual()
                        .name("streams-progress")
                        .start(
                                () -> {
                                    try {
                                        while (!done.get()) {
                                            Thread.sleep(1000);
                                            out.printf(
                                                    Locale.ROOT,
                                                    "   ... %,d of %,d connected, %,d of %,d"
                                                            + " messages%n",
                                                    progress.connected(),
                                                    connections,
                                                    progress.messages(),
                                                    total);
                                            out.flush();
                                        }
                                    } catch (InterruptedException finished) {
                                        // the run is over
                                    }
                                });
        try {
            return EchoLoad.run(
                    settings,
                    progress,
                    () -> {
                        out.printf(
                                Locale.ROOT,
                                "   all %,d clients connected and answered once: the server holds"
                                        + " %,d open%n",
                                progress.connected(),
                                server.openConnections());
                        out.flush();
                    });
        } finally {
            done.set(true);
            ticker.interrupt();
            ticker.join();
        }
    }

    private EchoLoad.Result echoInChild(PrintWriter out, EchoLoad.Settings settings)
            throws Exception {
        long total = (long) connections * messages;
        return EchoLoad.runInChildJvm(
                settings,
                CHILD_LIMIT,
                p -> {
                    out.printf(
                            Locale.ROOT,
                            "   ... %,d of %,d connected, %,d of %,d messages%n",
                            p[0],
                            connections,
                            p[1],
                            total);
                    out.flush();
                },
                line -> {
                    out.println("   [clients] " + line);
                    out.flush();
                });
    }

    // ---- the chat run -------------------------------------------------------------------------

    private void chat(PrintWriter out) throws Exception {
        int members = Math.min(connections, MAX_CHAT_MEMBERS);
        int lines = Math.min(messages, MAX_CHAT_LINES);
        if (members < 2) {
            out.println("2) Chat room: skipped, it needs --connections 2 or more.");
            out.println();
            return;
        }
        ChatRoom room = new ChatRoom();
        Map<ConnectionClosed.Reason, Integer> reasons =
                new EnumMap<>(ConnectionClosed.Reason.class);
        StreamServer server =
                StreamServer.builder(room)
                        .name("chat-server")
                        .idleTimeout(idleTimeout)
                        .onClose(c -> count(reasons, c))
                        .start();
        try (server) {
            out.printf(
                    Locale.ROOT,
                    "2) Chat room on 127.0.0.1:%d (StreamServer + ChatRoom): %d members in this"
                            + " JVM, %d lines each%n",
                    server.port(),
                    members,
                    lines);
            out.printf(
                    Locale.ROOT,
                    "   every line goes to the %d others (at most %d members and %d lines:%n"
                            + "   deliveries grow as the square of the members)%n",
                    members - 1,
                    MAX_CHAT_MEMBERS,
                    MAX_CHAT_LINES);
            out.flush();
            ChatLoad.Result r =
                    ChatLoad.run(
                            server.address(),
                            members,
                            lines,
                            TIMEOUT,
                            () -> awaitMembers(room, members));
            server.shutdown(TIMEOUT);
            Table table =
                    new Table(
                            "members",
                            "lines sent",
                            "delivered",
                            "expected",
                            "time",
                            "deliveries/s");
            table.row(
                    r.members(),
                    thousands(r.sent()),
                    thousands(r.delivered()),
                    thousands(r.expected()),
                    Timing.format(r.nanos()),
                    thousands(Math.round(r.delivered() * 1e9 / Math.max(1, r.nanos()))));
            table.lines().forEach(l -> out.println("  " + l));
            if (r.problems().isEmpty()) {
                out.println(
                        "   every line reached every other member exactly once, in its sender's"
                                + " order.");
            } else {
                out.printf(
                        "   %d problems, the first: %s%n",
                        r.problems().size(), r.problems().getFirst());
            }
            out.println("   closed by the server: " + describe(reasons));
            out.println();
            out.flush();
        }
    }

    private static void awaitMembers(ChatRoom room, int members) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (room.members() < members && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    // ---- --serve ------------------------------------------------------------------------------

    private int serveAlone(PrintWriter out) throws InterruptedException {
        ConnectionHandler chosen = handler == Handler.ECHO ? new EchoHandler() : new ChatRoom();
        StreamServer server;
        try {
            server =
                    StreamServer.builder(chosen)
                            .name(handler.name().toLowerCase(Locale.ROOT) + "-server")
                            .port(serve)
                            .idleTimeout(idleTimeout)
                            .onClose(
                                    c -> {
                                        out.println("  " + c.describe());
                                        out.flush();
                                    })
                            .start();
        } catch (java.io.UncheckedIOException e) {
            throw usage(e.getMessage());
        }
        Thread stopOnExit = new Thread(() -> server.close(), "streams-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try (server) {
            out.printf(
                    Locale.ROOT,
                    "%s server on 127.0.0.1:%d, a virtual thread per connection. Talk to it"
                            + " with:%n",
                    handler == Handler.ECHO ? "Echo" : "Chat",
                    server.port());
            out.printf(
                    Locale.ROOT,
                    "    nc 127.0.0.1 %d%s%n",
                    server.port(),
                    handler == Handler.CHAT ? "        (in two or more terminals)" : "");
            out.println(
                    "Ctrl-C stops it (Python: await server.serve_forever(), cancelled by Ctrl-C).");
            out.flush();
            serving.accept(server);
            server.serveForever();
            return 0;
        } catch (InterruptedException e) {
            out.printf(
                    Locale.ROOT,
                    "Stopped: %,d connections served.%n",
                    server.acceptedConnections());
            out.flush();
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: it closed the server
            }
        }
    }

    // ---- code and differences -----------------------------------------------------------------

    private static void printCode(PrintWriter out) {
        out.println("The Python it mirrors (python/streams/echo_server.py, then chat_server.py):");
        for (String file : List.of("echo_server.py", "chat_server.py")) {
            out.println("  --- " + file);
            SourceText.python("python/streams/" + file)
                    .lines()
                    .forEach(l -> out.println("    " + l));
        }
        out.println();
        out.println("The Java that runs below, cut from its sources:");
        printRegion(out, EchoHandler.class, "echo");
        printRegion(out, ChatRoom.class, "chat");
        printRegion(out, StreamServer.class, "accept-loop");
        out.println();
        out.flush();
    }

    private static void printRegion(PrintWriter out, Class<?> source, String region) {
        out.println("  --- " + source.getSimpleName() + ".java (" + region + ")");
        region(source, region).forEach(l -> out.println("    " + l));
    }

    /** The lines of region {@code name} in {@code source}'s Java file, as the build copied it. */
    static List<String> region(Class<?> source, String name) {
        return SourceText.regions(SourceText.java(source)).stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no region " + name + " in " + source))
                .lines();
    }

    private static void printDifferences(PrintWriter out) {
        out.println("What differs from asyncio:");
        out.println(
                "  - a handler is a thread: it may block anywhere (a lock, a sleep, a slow call)"
                        + " without");
        out.println("    stalling the others, and handlers run in parallel on every core;");
        out.println(
                "  - there is no drain(): StreamWriter.write returns once the kernel took the"
                        + " bytes, so a");
        out.println(
                "    slow reader blocks the writing thread (the back-pressure) instead of filling a"
                        + " buffer;");
        out.println(
                "  - close_clients() / abort_clients() (3.13) are the two halves of"
                        + " StreamServer.shutdown:");
        out.println(
                "    stop reading and let exchanges finish, then past the deadline reset and"
                        + " interrupt;");
        out.println(
                "  - every handler thread lives in the server's StructuredTaskScope: none outlives"
                        + " close().");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static synchronized void count(
            Map<ConnectionClosed.Reason, Integer> reasons, ConnectionClosed c) {
        reasons.merge(c.reason(), 1, Integer::sum);
    }

    private static synchronized String describe(Map<ConnectionClosed.Reason, Integer> reasons) {
        if (reasons.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        reasons.forEach(
                (reason, n) -> sb.append(sb.isEmpty() ? "" : ", ")
                        .append(
                                String.format(
                                        Locale.ROOT,
                                        "%,d %s",
                                        n,
                                        reason.name().toLowerCase(Locale.ROOT))));
        return sb.toString();
    }

    private static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * The open-file limit (the JVM raises its soft limit to the hard one at start), or -1 if
     * unknown.
     */
    static long maxFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : 0;
    }
}
