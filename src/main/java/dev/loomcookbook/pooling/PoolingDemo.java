package dev.loomcookbook.pooling;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.PositiveInt;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import java.io.PrintWriter;
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
            "CPU-bound work: sequential, a platform pool, a ForkJoinPool, virtual threads and a pool of child JVMs.",
            "Each item k computes count(k), which returns iterations x k after that many steps of real work."
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

    @Option(names = "--items", converter = PositiveInt.class, defaultValue = "10",
            description = "Items 1..N to compute (default: ${DEFAULT-VALUE}, as in the book).")
    int items;

    @Option(names = "--iterations", converter = PositiveInt.class, defaultValue = "10000000",
            description = "Steps of work per item; the result is iterations x item (default: ${DEFAULT-VALUE}, the book's).")
    int iterations;

    @Option(names = "--workers", converter = PositiveInt.class, defaultValue = "5",
            description = "Threads of the fixed pool and processes of the process pool (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--strategy", split = ",", paramLabel = "STRATEGY",
            description = "What to run, repeatable or comma-separated: ${COMPLETION-CANDIDATES} (default: all).")
    List<Strategy> strategies = new ArrayList<>();

    @Override
    public String pythonConcept() {
        return "ThreadPoolExecutor vs ProcessPoolExecutor";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--iterations", "2000000");
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new PoolingDemo(), args));
    }

    /** One strategy's outcome. */
    private record Outcome(Strategy strategy, long nanos, long[] results, String note) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Set<Strategy> chosen = strategies.isEmpty() ? EnumSet.allOf(Strategy.class) : EnumSet.copyOf(strategies);
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf("Items 1..%d, each count(k) = %,d steps of work returning %,d x k; %d cores.%n",
                items, (long) iterations, (long) iterations, cores);
        out.flush();

        // Untimed warm-up, so that the first phase does not pay alone for compiling count().
        CpuWork.count(1, Math.min(iterations, 2_000_000));

        Map<Strategy, Outcome> outcomes = new LinkedHashMap<>();
        for (Strategy s : chosen) {
            out.println();
            out.printf("== %s%n   Java:   %s%n   Python: %s%n", s, s.java.replace("W", String.valueOf(workers)),
                    s.python.replace("W", String.valueOf(workers)));
            out.flush();
            outcomes.put(s, run(s, out));
        }

        long[] expected = new long[items];
        for (int k = 1; k <= items; k++) {
            expected[k - 1] = (long) iterations * k;
        }
        List<String> wrong = outcomes.values().stream()
                .filter(o -> !Arrays.equals(o.results(), expected)).map(o -> o.strategy().name()).toList();

        out.println();
        out.printf("== Summary (%d items x %,d steps, %d cores)%n", items, (long) iterations, cores);
        Outcome sequential = outcomes.get(Strategy.sequential);
        Table table = new Table("strategy", "Java", "time", "speed-up vs sequential");
        for (Outcome o : outcomes.values()) {
            String speedUp = sequential == null ? "n/a"
                    : String.format(Locale.ROOT, "%.2fx", (double) sequential.nanos() / Math.max(1, o.nanos()));
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
        out.printf("""
                What it shows: Java threads run on all %d cores at once (there is no GIL), so with enough work per
                item (and idle cores) the platform pool and the ForkJoinPool approach a %dx speed-up. Processes add
                nothing but costs: starting JVMs, serializing tasks and results, and each worker compiling count()
                again. (The book, CPython on 4 cores: sequential 6.81 s, thread pool 6.81 s, process pool 4.17 s.)
                Processes are for isolation in Java (a crash, System.exit or OOM in a task kills only a worker).
                """, cores, cores);
        if (!wrong.isEmpty()) {
            spec.commandLine().getErr().println("error: wrong results from " + String.join(", ", wrong));
            spec.commandLine().getErr().flush();
            out.flush();
            return 1;
        }
        out.println("All strategies computed the same results.");
        out.flush();
        return 0;
    }

    private Outcome run(Strategy s, PrintWriter out) throws InterruptedException, ExecutionException {
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
                    note = "ForkJoinPool parallelism " + pool.getParallelism() + " (one thread per core)";
                }
            }
            case virtual -> {
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    collect(submitAll(pool), results, out);
                }
                note = items + " virtual threads run on " + Runtime.getRuntime().availableProcessors()
                        + " carrier threads (one per core) and CPU work never blocks to let another run: no faster"
                        + " than the cores";
            }
            case processes -> {
                out.printf("   starting %d worker JVMs ...%n", workers);
                out.flush();
                try (ProcessPool pool = new ProcessPool(workers)) {
                    pool.awaitWorkersStarted();
                    long startUp = System.nanoTime() - start;
                    out.printf("   started in %s (pids %s)%n", Timing.format(startUp), pool.workerPids());
                    out.flush();
                    List<Future<Long>> futures = new ArrayList<>();
                    for (int k = 1; k <= items; k++) {
                        futures.add(pool.submit(new CountTask(k, iterations)));
                    }
                    collect(futures, results, out);
                    note = "the time includes starting " + workers + " JVMs (" + Timing.format(startUp)
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
