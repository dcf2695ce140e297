package dev.loomcookbook.futures;

import dev.loomcookbook.cli.Bounds;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Text;
import dev.loomcookbook.common.Timing;
import dev.loomcookbook.pooling.ProcessPool;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A small service: each request waits for I/O on its virtual thread, then does CPU work, either
 * inline or offloaded with {@link Offload} ({@code loop.run_in_executor}). A heartbeat virtual
 * thread measures how responsive the process stays.
 */
@Command(name = "offload", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "CPU work inline on virtual threads vs offloaded to a pool (run_in_executor): heartbeat lag, throughput.",
            "",
            "Each request waits --latency (a network call, on its own virtual thread), then runs count(item) "
                    + "for --work iterations. A heartbeat virtual thread ticks every --heartbeat and records how "
                    + "late it wakes. Inline CPU work holds the carriers (one per core) until it is done; offloaded, "
                    + "the requests wait unmounted while pool threads compute, so the heartbeat stays on time.",
            "",
            "--requests x --work may be at most 10,000,000,000 (about 15 s of CPU per way).",
            ""
        })
public final class OffloadDemo implements Demo {

    static final class Requests extends Bounds.Ints {
        Requests() {
            super(1, 10_000);
        }
    }

    /** A billion iterations are about 1.5 s of CPU per request. */
    static final class Work extends Bounds.Ints {
        Work() {
            super(1, 1_000_000_000);
        }
    }

    /** All requests' CPU work together, per way: about 15 s of CPU. */
    static final long MAX_TOTAL_WORK = 10_000_000_000L;

    static final class Latency extends Bounds.Durations {
        Latency() {
            super(Duration.ZERO, Duration.ofMinutes(1));
        }
    }

    /** Shorter periods measure the timer, not the carriers (and 1 ns busy-loops). */
    static final class Period extends Bounds.Durations {
        Period() {
            super(Duration.ofMillis(1), Duration.ofSeconds(10));
        }
    }

    /** Each process-pool worker is a JVM: a few are plenty. */
    static final class Workers extends Bounds.Ints {
        Workers() {
            super(1, 16);
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--requests", converter = Requests.class, defaultValue = "32", paramLabel = "N",
            description = "Requests, all arriving at once.")
    int requests;

    @Option(names = "--work", converter = Work.class, defaultValue = "20_000_000", paramLabel = "N",
            description = "CPU work per request: iterations of count(item).")
    int work;

    @Option(names = "--latency", defaultValue = "50ms", paramLabel = "DURATION",
            converter = Latency.class,
            description = "I/O wait per request, before its CPU work.")
    Duration latency;

    @Option(names = "--heartbeat", defaultValue = "5ms", paramLabel = "DURATION",
            converter = Period.class,
            description = "Heartbeat period.")
    Duration heartbeat;

    @Option(names = "--workers", converter = Workers.class, paramLabel = "N",
            description = "Threads of the thread pool, and JVMs of the process pool."
                    + " Default: the number of cores.")
    Integer workers;

    @Override
    public String pythonConcept() {
        return "loop.run_in_executor(pool, fn)";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--requests", "16", "--work", "10_000_000", "--latency", "20ms");
    }

    /** How a request runs its CPU task. */
    @FunctionalInterface
    interface CpuRunner {
        long run(Callable<Long> task) throws Exception;
    }

    /** One way of running the service, measured. */
    record Result(String way, long nanos, int requests, Heartbeat.Lag lag, long expectedTicks,
            long countNanos,
            long modelNanos) {}

    /** Adds the wall time of each count() call, measured on the thread that runs it, to {@code total}. */
    record Timed(CpuTask task, LongAdder total) implements Callable<Long> {
        @Override
        public Long call() {
            long t0 = System.nanoTime();
            try {
                return task.call();
            } finally {
                total.add(System.nanoTime() - t0);
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        int poolSize = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        PrintWriter out = spec.commandLine().getOut();

        out.printf(Locale.ROOT,
                "loop.run_in_executor on JDK 25: %,d requests, each a %s wait (its \"network call\", on a%n",
                requests, Timing.format(latency));
        out.printf(Locale.ROOT,
                "virtual thread) then count(item) over %,d iterations of CPU work. A heartbeat virtual%n",
                work);
        out.printf(
                "thread ticks every %s meanwhile. %d carrier threads run all virtual threads (one per core).%n",
                Timing.format(heartbeat), carriers);
        out.println();
        new Table("way", "Python", "JDK 25")
                .row("inline", "count(item) inside the coroutine", "task.call()")
                .row("threads", "await loop.run_in_executor(thread_pool, count, item)",
                        "Offload.call(threadPool, task)")
                .row("processes", "await loop.run_in_executor(process_pool, count, item)",
                        "Offload.call(processPool, task)")
                .print(out);
        out.printf(
                "  inline: on the request's virtual thread; threadPool = Executors.newFixedThreadPool(%d);%n"
                        + "  processPool = new ProcessPool(%d)%n",
                poolSize, poolSize);
        out.println();
        out.flush();

        warmUp();
        List<Result> results = new ArrayList<>();
        results.add(measure(out, "inline", Callable::call, carriers));
        try (ExecutorService pool = Executors.newFixedThreadPool(poolSize,
                Thread.ofPlatform().name("cpu-", 1).factory())) {
            results.add(measure(out, "threads", task -> Offload.call(pool, task), poolSize));
        }
        long poolStart = System.nanoTime();
        try (ProcessPool pool = new ProcessPool(poolSize)) {
            pool.awaitWorkersStarted();
            List<Future<Long>> warmUps = new ArrayList<>();
            for (int i = 0; i < 2 * poolSize; i++) {
                warmUps.add(pool.submit(new CpuTask(i + 1, 1_000_000)));
            }
            checkResults("processes (warm-up)", warmUps, 1_000_000);
            out.printf("  %-9s %d child JVMs started and warmed up in %s (not counted below)%n",
                    "processes", poolSize, Timing.format(Timing.since(poolStart)));
            results.add(measure(out, "processes", task -> Offload.call(pool, task), 0));
        }

        out.println();
        Table table =
                new Table("way", "time", "requests/s", "count()", "model", "ticks", "~expected",
                        "max lag", "p99 lag");
        for (Result r : results) {
            boolean ticked = r.lag().ticks() > 0;
            table.row(r.way(), Timing.format(r.nanos()),
                    String.format(Locale.ROOT, "%.1f", r.requests() / (r.nanos() / 1e9)),
                    r.countNanos() < 0 ? "-" : Timing.format(r.countNanos()),
                    r.modelNanos() < 0 ? "-" : Timing.format(r.modelNanos()),
                    r.lag().ticks(), r.expectedTicks(),
                    ticked ? Timing.format(r.lag().maxNanos()) : "-",
                    ticked ? Timing.format(r.lag().p99Nanos()) : "-");
        }
        table.print(out);
        out.println();
        Text.paragraph(out, "",
                String.format(Locale.ROOT, "count(): the mean time of one count(item) call,"
                        + " timed on the thread that ran it; ticks: the heartbeat's. All requests wait at once, so time"
                        + " ~ model = latency + rounds x count(), rounds = ceil(requests / computing threads: %d"
                        + " carriers inline, %d pool threads): when one way takes longer, its count() calls took"
                        + " longer, while the I/O waits still overlapped (latency counts once). Processes: count() runs"
                        + " in the child JVMs, not timed.", carriers, poolSize));
        if (results.stream().anyMatch(r -> r.lag().ticks() == 0)) {
            out.println(
                    "A '-' lag: the heartbeat never ticked (its period is longer than the run).");
        }
        out.println();
        out.println(
                "inline     The CPU work runs on the virtual threads themselves. They are not time-sliced, so");
        out.println(
                "           while every carrier computes, the heartbeat waits: the Java form of a CPU loop");
        out.println("           blocking the asyncio event loop.");
        out.println(
                "threads    Each request waits unmounted in Offload.call while a platform pool computes. The OS");
        out.println(
                "           time-slices pool threads and carriers, so the heartbeat keeps its rhythm; and unlike");
        out.println(
                "           Python's threads (the GIL), they compute in parallel, up to one per core.");
        out.println(
                "processes  As responsive, plus the cost of sending each task to a child JVM and its result");
        out.println(
                "           back. In Python this is how CPU work uses more cores; in Java it buys isolation.");
        out.flush();
        return 0;
    }

    private void validate() {
        if ((long) requests * work > MAX_TOTAL_WORK) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.format(Locale.ROOT,
                    "--requests x --work must be at most %,d, but was %,d", MAX_TOTAL_WORK,
                    (long) requests * work));
        }
    }

    /** Compiles the CPU kernel first, so that the first way measured does not pay for the JIT. */
    private static void warmUp() {
        for (int i = 0; i < 5; i++) {
            new CpuTask(1, 1_000_000).call();
        }
    }

    /**
     * Runs every request through {@code runner}. With {@code computing > 0} (the threads that run
     * count() at once) each call is timed where it runs, and the result has a model of the time.
     */
    private Result measure(PrintWriter out, String way, CpuRunner runner, int computing)
            throws InterruptedException {
        boolean timed = computing > 0;
        LongAdder countTotal = new LongAdder();
        out.printf("  %-9s running...%n", way);
        out.flush();
        CountDownLatch finished = new CountDownLatch(requests);
        List<Future<Long>> responses = new ArrayList<>(requests);
        long start = System.nanoTime();
        long nanos;
        Heartbeat beat = Heartbeat.start(heartbeat);
        try (ExecutorService service = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 1; i <= requests; i++) {
                Callable<Long> task =
                        timed ? new Timed(new CpuTask(i, work), countTotal) : new CpuTask(i, work);
                responses.add(service.submit(() -> {
                    try {
                        Thread.sleep(latency);
                        return runner.run(task);
                    } finally {
                        finished.countDown();
                    }
                }));
            }
            while (!finished.await(2, TimeUnit.SECONDS)) {
                out.printf("  %-9s %,d of %,d requests done%n", way, requests - finished.getCount(),
                        requests);
                out.flush();
            }
            nanos = Timing.since(start);
        } finally {
            beat.close();
        }
        checkResults(way, responses, work);
        out.printf("  %-9s done in %s%n", way, Timing.format(nanos));
        out.flush();
        long countNanos = timed ? countTotal.sum() / requests : -1;
        long modelNanos = timed ? latency.toNanos() + rounds(requests, computing) * countNanos : -1;
        return new Result(way, nanos, requests, beat.lag(), nanos / heartbeat.toNanos(), countNanos,
                modelNanos);
    }

    /** How many times {@code threads} threads must each run count() for {@code requests} requests. */
    static long rounds(int requests, int threads) {
        return ((long) requests + threads - 1) / threads;
    }

    /** Checks that response i is the result of {@code new CpuTask(i + 1, iterations)}. */
    private static void checkResults(String way, List<Future<Long>> responses, long iterations)
            throws InterruptedException {
        for (int i = 0; i < responses.size(); i++) {
            long expected = new CpuTask(i + 1, iterations).expected();
            long actual;
            try {
                actual = responses.get(i).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(way + ": request " + (i + 1) + " failed: "
                        + Cli.describe(e.getCause(), "no reason given"), e.getCause());
            }
            if (actual != expected) {
                throw new IllegalStateException(way + ": request " + (i + 1) + " returned " + actual
                        + " instead of " + expected);
            }
        }
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new OffloadDemo(), args));
    }
}
