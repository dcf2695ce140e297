package dev.loomcookbook.pooling;

import dev.loomcookbook.cli.Bounds;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Text;
import dev.loomcookbook.common.Timing;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The book's pooling script: the same CPU-bound items run sequentially, on a thread pool and on a
 * process pool, then a table of times. In CPython the GIL makes the thread pool no faster than
 * sequential and only processes help; in Java threads already run in parallel on every core, and
 * processes add start-up and serialization on top.
 */
@Command(name = "pooling", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "CPU-bound work: sequential, a platform pool, a ForkJoinPool, virtual threads and child JVMs.",
            "Each item k computes count(k), which returns iterations x k after that many steps of real work.",
            "With --crash, instead: a task kills its worker JVM, and only that task fails."
        })
public final class PoolingDemo implements Demo {

    /** The ways to run the items, in the order they run. */
    enum Strategy {
        sequential("for item in items: count(item)", "a plain loop"),
        threads("ThreadPoolExecutor(max_workers=W)", "Executors.newFixedThreadPool(W)"),
        forkjoin("(none: the GIL)", "new ForkJoinPool()  // one thread per core"),
        virtual("(asyncio: one loop thread)", "Executors.newVirtualThreadPerTaskExecutor()"),
        processes("ProcessPoolExecutor(max_workers=W)", "new ProcessPool(W)  // W child JVMs");

        final String python;
        final String java;

        Strategy(String python, String java) {
            this.python = python;
            this.java = java;
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--items", converter = ItemsConverter.class, defaultValue = "10",
            paramLabel = "N",
            description = "Items 1..N to compute (the book: 10).")
    int items;

    @Option(names = "--iterations", converter = IterationsConverter.class,
            defaultValue = "10000000",
            paramLabel = "N",
            description = "Steps of work per item; the result is N x item (the book: 10000000).")
    long iterations;

    @Option(names = "--workers", converter = WorkersConverter.class, defaultValue = "5",
            paramLabel = "N",
            description = "Threads of the fixed pool and JVMs of the process pool.")
    int workers;

    @Option(names = "--strategy", split = ",", paramLabel = "STRATEGY",
            description = "What to run, repeatable or comma-separated, each once: ${COMPLETION-CANDIDATES}."
                    + " Default: all.")
    List<Strategy> strategies = new ArrayList<>();

    @Option(names = "--crash",
            description = "Instead of the timings: a task calls System.exit in its worker JVM; only that task fails,"
                    + " and the next one runs on a new worker (Python: BrokenProcessPool).")
    boolean crash;

    static final class ItemsConverter extends Bounds.Ints {
        ItemsConverter() {
            super(1, 10_000);
        }
    }

    static final class IterationsConverter extends Bounds.Longs {
        IterationsConverter() {
            super(1, 10_000_000_000L);
        }
    }

    /** Each worker of the process pool is a JVM, all started at once: a few are plenty. */
    static final class WorkersConverter extends Bounds.Ints {
        WorkersConverter() {
            super(1, 64);
        }
    }

    @Override
    public String pythonConcept() {
        return "ThreadPoolExecutor vs ProcessPoolExecutor";
    }

    @Override
    public List<String> tourArgs() {
        // 20M steps per item: long enough phases for the speed-ups to mean something. One worker per
        // core (at most the book's 5): more process workers would only add JVM start-ups to the tour.
        int workers = Math.min(5, Runtime.getRuntime().availableProcessors());
        return List.of("--iterations", "20000000", "--workers", String.valueOf(workers));
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new PoolingDemo(), args));
    }

    /** One strategy's outcome. */
    @SuppressWarnings("ArrayRecordComponent") // read for the table, never compared or hashed
    private record Outcome(Strategy strategy, long nanos, long[] results, String note) {}

    @Override
    public Integer call() throws Exception {
        Cli.rejectIgnored(spec, "--crash", "runs only the crash demo (one worker, two tasks)",
                "--items", "--iterations", "--workers", "--strategy");
        Cli.requireDistinct(spec, "--strategy", strategies);
        PrintWriter out = spec.commandLine().getOut();
        if (crash) {
            return crashDemo(out);
        }
        Set<Strategy> chosen =
                strategies.isEmpty() ? EnumSet.allOf(Strategy.class) : EnumSet.copyOf(strategies);
        int cores = Runtime.getRuntime().availableProcessors();
        // Measured before the first phase, so that it says nothing about this demo's own work.
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.printf("Items 1..%d, each count(k) = %,d steps of work returning %,d x k.%n", items,
                iterations, iterations);
        out.printf("%d cores, %s before the first phase.%n", cores, describeLoad(load));
        out.flush();

        // Untimed warm-up, so that the first phase does not pay alone for compiling count().
        CpuWork.count(1, Math.min(iterations, 2_000_000));

        Map<Strategy, Outcome> outcomes = new LinkedHashMap<>();
        for (Strategy s : chosen) {
            out.println();
            out.printf("== %s%n   Java:   %s%n   Python: %s%n", s,
                    s.java.replace("W", String.valueOf(workers)),
                    s.python.replace("W", String.valueOf(workers)));
            out.flush();
            outcomes.put(s, run(s, out));
        }

        long[] expected = new long[items];
        for (int k = 1; k <= items; k++) {
            expected[k - 1] = iterations * k;
        }
        List<String> wrong = outcomes.values().stream()
                .filter(o -> !Arrays.equals(o.results(), expected)).map(o -> o.strategy().name())
                .toList();

        out.println();
        out.printf("== Summary (%d items x %,d steps, %d cores, %s before)%n", items, iterations,
                cores, describeLoad(load));
        Outcome sequential = outcomes.get(Strategy.sequential);
        Table table = new Table("strategy", "Java", "time", "speed-up vs sequential");
        Map<Strategy, Long> times = new LinkedHashMap<>();
        for (Outcome o : outcomes.values()) {
            times.put(o.strategy(), o.nanos());
            String speedUp =
                    sequential == null ? "n/a" : format(speedUp(sequential.nanos(), o.nanos()));
            table.row(o.strategy(), o.strategy().java.replace("W", String.valueOf(workers)),
                    Timing.format(o.nanos()), speedUp);
        }
        table.print(out);
        for (Outcome o : outcomes.values()) {
            if (o.note() != null) {
                out.println("  " + o.strategy() + ": " + o.note());
            }
        }
        out.println();
        out.println("What it shows:");
        conclusion(times, cores, load).forEach(sentence -> Text.paragraph(out, "  ", sentence));
        out.println("  (The book, CPython on 4 cores: sequential 6.81 s, thread pool 6.81 s,");
        out.println("  process pool 4.17 s: the GIL.)");
        out.println(
                "  Processes are for isolation in Java: a crash, System.exit or OOM kills one worker");
        out.println("  (pooling --crash).");
        if (!wrong.isEmpty()) {
            spec.commandLine().getErr()
                    .println("error: wrong results from " + String.join(", ", wrong));
            spec.commandLine().getErr().flush();
            out.flush();
            return 1;
        }
        out.println("All strategies computed the same results.");
        out.flush();
        if (chosen.contains(Strategy.processes)) {
            return chunksDemo(out);
        }
        return 0;
    }

    // ---- map and chunks ----------------------------------------------------------------------

    /** Trivial items for the chunks section: their cost is the message, not the work. */
    static final int CHUNK_DEMO_ITEMS = 1_000;

    /**
     * When chunks matter: the same map of trivial items with one, 100 and 1000 items to a message.
     * Each message is a round trip; the phases above send one item a message, which is fine only
     * because each item computes for milliseconds.
     */
    private int chunksDemo(PrintWriter out) throws InterruptedException, ExecutionException {
        out.println();
        out.printf("== map and chunks: %,d trivial items (x -> x + 1) on %d worker JVMs%n",
                CHUNK_DEMO_ITEMS, workers);
        out.println("   Java:   pool.map(x -> x + 1, items, chunksize).toList()");
        out.println("   Python: list(pool.map(plus_one, items, chunksize=N))");
        out.flush();
        List<Integer> items =
                java.util.stream.IntStream.range(0, CHUNK_DEMO_ITEMS).boxed().toList();
        Table table = new Table("chunksize", "messages", "time", "per item");
        try (ProcessPool pool = new ProcessPool(workers)) {
            pool.awaitWorkersStarted();
            for (int chunksize : new int[] {1, 100, 1000}) {
                long start = System.nanoTime();
                List<Integer> results;
                try {
                    results = pool.map((Integer x) -> x + 1, items, chunksize).toList();
                } catch (java.util.concurrent.TimeoutException impossible) {
                    throw new AssertionError(impossible);
                }
                long nanos = System.nanoTime() - start;
                if (!results.equals(items.stream().map(x -> x + 1).toList())) {
                    spec.commandLine().getErr()
                            .println("error: wrong results from map at chunksize " + chunksize);
                    return 1;
                }
                int messages = (CHUNK_DEMO_ITEMS + chunksize - 1) / chunksize;
                table.row(chunksize, String.format(Locale.ROOT, "%,d", messages),
                        Timing.format(nanos),
                        Timing.format(nanos / CHUNK_DEMO_ITEMS));
            }
        }
        table.print(out);
        out.println(
                "  Each message is a round trip of tens of µs (more here: a new pool's JIT is still cold), so");
        out.println(
                "  trivial items need chunks of 100 or more; items that compute for milliseconds, as above, need");
        out.println(
                "  none. (CPython's ProcessPoolExecutor.map, warm, on this machine: about 150 µs per item at");
        out.println(
                "  chunksize 1, 1.5 µs at 100, 0.4 µs at 1000; the Java pool's, warm: 40, 0.7 and 0.04 µs.)");
        out.flush();
        return 0;
    }

    private static String describeLoad(double load) {
        return load < 0 ? "load average unknown"
                : String.format(Locale.ROOT, "load average %.2f", load);
    }

    private static double speedUp(long sequentialNanos, long nanos) {
        return (double) sequentialNanos / Math.max(1, nanos);
    }

    private static String format(double speedUp) {
        return String.format(Locale.ROOT, "%.2fx", speedUp);
    }

    /** A phase shorter than this is mostly timer noise, JIT and scheduling: its speed-up says little. */
    static final long SHORT_PHASE_NANOS = 300_000_000L;

    /** The machine counts as busy before the run when its load average is at least this share of the cores. */
    static final double BUSY_SHARE = 0.5;

    /**
     * What the measured times show, one sentence per finding, derived from those times
     * alone: a speed-up above the core count is called noise (real work cannot beat the cores),
     * a short sequential phase is called too short, and every other sentence quotes the speed-up it
     * rests on. The load average, read before the first phase, is only reported, never used to
     * explain a number away.
     *
     * @param load the one-minute load average before the first phase, negative if unknown
     */
    static List<String> conclusion(Map<Strategy, Long> nanos, int cores, double load) {
        List<String> lines = new ArrayList<>();
        Long sequential = nanos.get(Strategy.sequential);
        if (sequential == null) {
            lines.add(
                    "No sequential run to compare with: add sequential to --strategy to see speed-ups.");
            return lines;
        }
        Map<Strategy, Double> speedUps = new LinkedHashMap<>();
        nanos.forEach((s, t) -> {
            if (s != Strategy.sequential) {
                speedUps.put(s, speedUp(sequential, t));
            }
        });
        if (speedUps.isEmpty()) {
            lines.add("Only the sequential run: add other strategies to compare.");
            return lines;
        }
        List<String> noise = speedUps.entrySet().stream()
                .filter(e -> e.getValue() > cores)
                .map(e -> e.getKey() + " at " + format(e.getValue())).toList();
        if (!noise.isEmpty()) {
            lines.add(String.join(", ", noise) + " beats " + cores
                    + (cores == 1 ? " core" : " cores")
                    + ", which real work cannot: that is noise (too little work per phase, or load that came"
                    + " and went); raise --iterations.");
        }
        if (sequential < SHORT_PHASE_NANOS) {
            lines.add("The sequential phase took only " + Timing.format(sequential)
                    + ": too short for steady numbers (try --iterations 100000000).");
        }
        if (load >= cores * BUSY_SHARE) {
            lines.add(String.format(Locale.ROOT, "Other processes were busy before the first phase"
                    + " (load average %.2f on %d cores): the times may vary.", load, cores));
        }
        // With noise in this run, no sentence about the pools rests on their numbers.
        double bestThreads =
                noise.isEmpty() ? best(speedUps, cores, Strategy.threads, Strategy.forkjoin) : -1;
        if (cores == 1) {
            lines.add(
                    "With 1 core no pool can beat sequential: threads compute in parallel only with more cores.");
        } else if (bestThreads >= 0.75 * cores) {
            lines.add("Java threads ran on all " + cores
                    + " cores at once (there is no GIL): the best pool"
                    + " reached " + format(bestThreads) + " of a possible " + cores + "x.");
        } else if (bestThreads >= 1.2) {
            lines.add(
                    "Java threads ran in parallel (there is no GIL), but the best pool reached only "
                            + format(bestThreads) + " of a possible " + cores + "x.");
        } else if (bestThreads >= 0) {
            lines.add("The pools were no faster than sequential here (best " + format(bestThreads)
                    + "): not a GIL; the work was too short or the cores were busy.");
        }
        Double virtual = speedUps.get(Strategy.virtual);
        if (virtual != null && virtual <= cores) {
            lines.add("Virtual threads (" + format(virtual)
                    + ") are no faster than the cores: CPU work"
                    + " never blocks, they share " + cores + " carriers.");
        }
        Long processes = nanos.get(Strategy.processes);
        Long threads = nanos.get(Strategy.threads);
        if (processes != null && threads != null) {
            if (processes > threads) {
                lines.add("Processes took " + Timing.format(processes - threads)
                        + " longer than threads:"
                        + " JVM start-ups, serialization and a cold JIT in each worker.");
            } else {
                lines.add("Processes kept up with threads here: with this much work per item their"
                        + " start-up cost is small, but they add nothing.");
            }
        }
        return lines;
    }

    /** The best speed-up among {@code among} that is not noise (at most {@code cores}), or -1. */
    private static double best(Map<Strategy, Double> speedUps, int cores, Strategy... among) {
        double best = -1;
        for (Strategy s : among) {
            Double v = speedUps.get(s);
            if (v != null && v <= cores) {
                best = Math.max(best, v);
            }
        }
        return best;
    }

    // ---- --crash: a worker dies alone -------------------------------------------------------

    /** Returns the worker's process id. */
    record WorkerPid() implements ProcessPool.Task<Long> {
        @Override
        public Long call() {
            return ProcessHandle.current().pid();
        }
    }

    /** Ends the worker JVM, as a crash would: the task never answers. */
    record ExitWorker(int status) implements ProcessPool.Task<Long> {
        @Override
        public Long call() {
            System.exit(status);
            return -1L;
        }
    }

    private int crashDemo(PrintWriter out) throws InterruptedException, ExecutionException {
        out.println("== A worker dies: only its task fails");
        out.println("   Java:   new ProcessPool(1); a task calls System.exit(7)");
        out.println("   Python: ProcessPoolExecutor(1); a task calls os._exit(7)");
        out.println("   starting 1 worker JVM ...");
        out.flush();
        try (ProcessPool pool = ProcessPool.builder().workers(1).workerOutput(line -> {
            out.println("   " + line);
            out.flush();
        }).build()) {
            long first = pool.submit(new WorkerPid()).get();
            out.printf("task 1: ProcessHandle.current().pid()  -> %d%n", first);
            out.flush();
            Future<Long> exiting = pool.submit(new ExitWorker(7));
            try {
                exiting.get();
                out.println("task 2: System.exit(7)  -> returned?! (the worker should have ended)");
                return 1;
            } catch (ExecutionException e) {
                out.printf("task 2: System.exit(7)                 -> failed alone, with %s:%n",
                        e.getCause().getClass().getSimpleName());
                out.println("        " + e.getCause().getMessage());
            }
            out.flush();
            long second = pool.submit(new WorkerPid()).get();
            out.printf("task 3: ProcessHandle.current().pid()  -> %d: %s%n", second, second != first
                    ? "a new worker: the pool replaced the dead one"
                    : "the same pid?! (the worker should have been replaced)");
            out.println();
            out.println(
                    """
                            What it shows: in Java a worker's death fails only the task it was running; the pool starts a new
                            worker. In CPython the same os._exit(7) in a ProcessPoolExecutor worker raises BrokenProcessPool
                            ("A process in the process pool was terminated abruptly...") for that task and every pending one,
                            and the pool refuses new work: you must build a new one. (sys.exit in a Python task only raises
                            SystemExit, returned like any exception; System.exit in Java really ends the worker JVM.)""");
            out.flush();
            return second != first ? 0 : 1;
        }
    }

    private Outcome run(Strategy s, PrintWriter out)
            throws InterruptedException, ExecutionException {
        long[] results = new long[items];
        long start = System.nanoTime();
        String note = null;
        switch (s) {
            case sequential -> {
                for (int k = 1; k <= items; k++) {
                    results[k - 1] = CpuWork.count(k, iterations);
                    printItem(out, k, results[k - 1]);
                }
            }
            case threads -> {
                try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
                    collect(submitAll(pool), results, out);
                }
            }
            case forkjoin -> {
                try (ForkJoinPool pool = new ForkJoinPool()) {
                    collect(submitAll(pool), results, out);
                    note = "ForkJoinPool parallelism " + pool.getParallelism()
                            + " (one thread per core)";
                }
            }
            case virtual -> {
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    collect(submitAll(pool), results, out);
                }
                note = items + " virtual threads on " + Runtime.getRuntime().availableProcessors()
                        + " carriers (one per core); CPU work never blocks to let another run";
            }
            case processes -> {
                out.printf("   starting %d worker JVMs ...%n", workers);
                out.flush();
                try (ProcessPool pool = new ProcessPool(workers)) {
                    pool.awaitWorkersStarted();
                    long startUp = System.nanoTime() - start;
                    out.printf("   started in %s (pids %s)%n", Timing.format(startUp),
                            pool.workerPids());
                    out.flush();
                    List<Future<Long>> futures = new ArrayList<>();
                    for (int k = 1; k <= items; k++) {
                        futures.add(pool.submit(new CountTask(k, iterations)));
                    }
                    collect(futures, results, out);
                    note = "the time includes starting " + workers + " JVMs ("
                            + Timing.format(startUp)
                            + ") and stopping them";
                }
            }
        }
        long nanos = System.nanoTime() - start;
        out.printf("   time: %s%n", Timing.format(nanos));
        out.flush();
        return new Outcome(s, nanos, results, note);
    }

    /** The work of one item, sent to a worker JVM: serializable, a record of plain values. */
    record CountTask(long item, long iterations) implements ProcessPool.Task<Long> {
        @Override
        public Long call() {
            return CpuWork.count(item, iterations);
        }
    }

    private List<Future<Long>> submitAll(ExecutorService pool) {
        List<Future<Long>> futures = new ArrayList<>();
        for (int k = 1; k <= items; k++) {
            futures.add(pool.submit(new CountTask(k, iterations)));
        }
        return futures;
    }

    /** Waits for each result in item order, printing each as it is reached: the progress of the phase. */
    private static void collect(List<Future<Long>> futures, long[] results, PrintWriter out)
            throws InterruptedException, ExecutionException {
        for (int i = 0; i < futures.size(); i++) {
            results[i] = futures.get(i).get();
            printItem(out, i + 1, results[i]);
        }
    }

    private static void printItem(PrintWriter out, int k, long result) {
        out.printf("Item %d, result %d%n", k, result);
        out.flush();
    }
}
