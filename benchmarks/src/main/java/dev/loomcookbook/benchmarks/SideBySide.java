package dev.loomcookbook.benchmarks;

import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.pooling.ProcessPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Java side of the CPython comparison: the same cases, arguments and JSON line as the programs
 * in {@code benchmarks/python/}, timed the same simple way (warm-up, then rounds timed with
 * {@code System.nanoTime}), one fresh process per case so each has its own peak RSS.
 *
 * <p>JMH measures the Java side more carefully (the other classes here); this program exists
 * because CPython has no JMH, and a ratio is only fair when both sides are timed alike.
 * {@link Comparison} runs it and the Python programs alternately.
 *
 * <p>usage: {@code SideBySide CASE ARGS...}, the cases of {@link Comparison}.
 */
public final class SideBySide {

    static final long ANSWER = 42;
    static volatile long answer = ANSWER;

    private SideBySide() {}

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        List<Double> values = new ArrayList<>();
        String unit;
        switch (kind) {
            case "cpu-sequential", "cpu-threads5", "cpu-processes5", "cpu-processes-cores" -> {
                unit = "s";
                int tasks = Integer.parseInt(args[1]);
                long n = Long.parseLong(args[2]);
                int rounds = Integer.parseInt(args[3]);
                try (ExecutorService executor = cpuExecutor(kind)) {
                    for (int i = 0; i < 3; i++) {
                        cpuBatch(executor, tasks, n); // warm-up: JIT, pool threads or workers
                    }
                    for (int i = 0; i < rounds; i++) {
                        long start = System.nanoTime();
                        long result = cpuBatch(executor, tasks, n);
                        values.add((System.nanoTime() - start) / 1e9);
                        check(result == n * tasks * (tasks + 1) / 2);
                    }
                }
            }
            case "overhead-thread-pool", "overhead-process-pool" -> {
                unit = "us";
                int ops = Integer.parseInt(args[1]);
                int rounds = Integer.parseInt(args[2]);
                try (ExecutorService executor = roundTripExecutor(kind)) {
                    if (kind.equals("overhead-process-pool")) {
                        warmUp(() -> roundTrips(executor, ops)); // the workers' JIT needs more than a round
                    } else {
                        roundTrips(executor, ops); // warm-up: one round
                    }
                    for (int i = 0; i < rounds; i++) {
                        values.add(roundTrips(executor, ops));
                    }
                }
            }
            case "map" -> {
                unit = "us";
                int chunksize = Integer.parseInt(args[1]);
                int n = Integer.parseInt(args[2]);
                int rounds = Integer.parseInt(args[3]);
                List<Integer> items = ProcessPools.items(n);
                try (ProcessPool pool =
                        ProcessPools.create(Runtime.getRuntime().availableProcessors())) {
                    warmUp(() -> ProcessPools.mapSum(pool, items, chunksize));
                    for (int i = 0; i < rounds; i++) {
                        long start = System.nanoTime();
                        ProcessPools.mapSum(pool, items, chunksize);
                        values.add((System.nanoTime() - start) / 1e3 / n);
                    }
                }
                kind = "map-" + chunksize;
            }
            case "overhead-task" -> {
                unit = "us";
                int ops = Integer.parseInt(args[1]);
                int rounds = Integer.parseInt(args[2]);
                virtualThreadRoundTrips(ops); // warm-up: one round
                for (int i = 0; i < rounds; i++) {
                    values.add(virtualThreadRoundTrips(ops));
                }
            }
            case "overhead-group" -> {
                unit = "us";
                int ops = Integer.parseInt(args[1]);
                int rounds = Integer.parseInt(args[2]);
                int group = args.length > 3 ? Integer.parseInt(args[3]) : 10;
                scopeGroups(ops, group); // warm-up: one round
                for (int i = 0; i < rounds; i++) {
                    values.add(scopeGroups(ops, group));
                }
            }
            case "sleepers" -> {
                unit = "s";
                int n = Integer.parseInt(args[1]);
                long sleepMs = Long.parseLong(args[2]);
                sleepers(Math.max(n / 10, 1000), sleepMs);
                values.add(sleepers(n, sleepMs));
                kind = "sleepers-" + n;
            }
            case "callsoon" -> {
                unit = "ns";
                int n = Integer.parseInt(args[1]);
                int rounds = Integer.parseInt(args[2]);
                EventLoopBridge.callSoonRound(Math.max(n / 10, 1000));
                for (int i = 0; i < rounds; i++) {
                    values.add(EventLoopBridge.callSoonRound(n));
                }
            }
            default -> throw new IllegalArgumentException("unknown case: " + kind);
        }
        System.out.println(json(kind, unit, values));
    }

    /** Untimed warm-up, as {@code common.warm_up} on the Python side. */
    static final long WARM_UP_NANOS = 5_000_000_000L;

    /**
     * Runs {@code once} until {@link #WARM_UP_NANOS} have passed (at least once): a process
     * pool's worker JVMs compile their code only after some thousands of tasks. The Python side
     * of the same case warms up by the same rule.
     */
    static void warmUp(Callable<?> once) throws Exception {
        long start = System.nanoTime();
        do {
            once.call();
        } while (System.nanoTime() - start < WARM_UP_NANOS);
    }

    /** A pool for a cpu-* case; null for sequential. */
    static ExecutorService cpuExecutor(String kind) {
        int cores = Runtime.getRuntime().availableProcessors();
        return switch (kind) {
            case "cpu-threads5" -> Executors.newFixedThreadPool(5);
            case "cpu-processes5" -> ProcessPools.create(5);
            case "cpu-processes-cores" -> ProcessPools.create(cores);
            default -> null;
        };
    }

    static ExecutorService roundTripExecutor(String kind) {
        int cores = Runtime.getRuntime().availableProcessors();
        return kind.equals("overhead-thread-pool") ? Executors.newFixedThreadPool(cores)
                : ProcessPools.create(cores);
    }

    static long cpuBatch(ExecutorService executor, int tasks, long n) throws Exception {
        long sum = 0;
        if (executor == null) {
            for (int item = 1; item <= tasks; item++) {
                sum += CpuWork.count(item, n);
            }
            return sum;
        }
        List<Future<Long>> futures = new ArrayList<>();
        for (int item = 1; item <= tasks; item++) {
            futures.add(executor.submit(ProcessPools.countTask(item, n)));
        }
        for (Future<Long> f : futures) {
            sum += f.get();
        }
        return sum;
    }

    /** Microseconds per submit(trivial).get(). */
    static double roundTrips(ExecutorService executor, int ops) throws Exception {
        Callable<Long> trivial = ProcessPools.trivialTask();
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            check(executor.submit(trivial).get() == ANSWER);
        }
        return (System.nanoTime() - start) / 1e3 / ops;
    }

    /**
     * Microseconds per virtual thread started and joined: asyncio's create_task + await. The
     * caller is itself a virtual thread, as the awaiting coroutine runs inside asyncio.run: joined
     * from a platform thread, the cost would be mostly waking that platform thread.
     */
    static double virtualThreadRoundTrips(int ops) throws InterruptedException {
        return inVirtualThread(() -> {
            long[] box = new long[1];
            long start = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                Thread.ofVirtual().start(() -> box[0] = answer).join();
                check(box[0] == ANSWER);
            }
            return (System.nanoTime() - start) / 1e3 / ops;
        });
    }

    /** Runs {@code body} on a virtual thread and returns its result: Java's asyncio.run(main()). */
    static double inVirtualThread(java.util.concurrent.Callable<Double> body)
            throws InterruptedException {
        double[] result = new double[1];
        Throwable[] failure = new Throwable[1];
        Thread.ofVirtual().start(() -> {
            try {
                result[0] = body.call();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }).join();
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        return result[0];
    }

    /**
     * Microseconds per StructuredTaskScope of {@code group} trivial subtasks: asyncio's TaskGroup,
     * opened in a virtual thread as the TaskGroup is inside asyncio.run.
     */
    static double scopeGroups(int ops, int group) throws InterruptedException {
        return inVirtualThread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                try (var scope = StructuredTaskScope
                        .open(StructuredTaskScope.Joiner.<Long>allSuccessfulOrThrow())) {
                    for (int j = 0; j < group; j++) {
                        scope.fork(() -> answer);
                    }
                    check(scope.join().mapToLong(StructuredTaskScope.Subtask::get).sum()
                            == ANSWER * group);
                }
            }
            return (System.nanoTime() - start) / 1e3 / ops;
        });
    }

    /** Seconds for n virtual threads, each in its own Thread.sleep(sleepMs), to all end. */
    static double sleepers(int n, long sleepMs) {
        LongAdder finished = new LongAdder();
        long start = System.nanoTime();
        try (ExecutorService perTask = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                perTask.execute(() -> {
                    ManyWaiters.sleep(sleepMs);
                    finished.increment();
                });
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check(finished.sum() == n);
        return seconds;
    }

    static void check(boolean ok) {
        if (!ok) {
            throw new AssertionError("wrong result");
        }
    }

    /** VmHWM of this process in kB, or -1 where /proc is missing. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    static String json(String kind, String unit, List<Double> values) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"case\": \"").append(kind).append("\", \"impl\": \"java ")
                .append(Runtime.version()).append("\", \"unit\": \"").append(unit)
                .append("\", \"values\": [");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", values.get(i)));
        }
        long rss = peakRssKb();
        sb.append("], \"peak_rss_kb\": ").append(rss < 0 ? "null" : Long.toString(rss)).append('}');
        return sb.toString();
    }
}
