package dev.loomcookbook.sync;

import dev.loomcookbook.common.ChildJvm;
import dev.loomcookbook.common.CpuWork;
import dev.loomcookbook.futures.Offload;
import dev.loomcookbook.testing.RecipeRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child JVM whose virtual-thread scheduler has one carrier, as asyncio has one loop thread.
 * Claims about what frees a carrier are deterministic only there: with several carriers another
 * one runs the other virtual thread anyway. The parent side, {@link #results()}, starts the child
 * once per test JVM; the child, {@link #main}, runs each scenario and prints its answer.
 *
 * <p>Each scenario starts a virtual thread "other" from a busy virtual thread: from a carrier, a
 * new virtual thread is queued on that carrier, so it runs only when the busy one gives the
 * carrier up. Whether "other" ran while the busy thread was still busy is the answer.
 */
final class OneCarrier {

    /** The scheduler of the child: one carrier, and no extra carrier to compensate. */
    static final List<String> ONE_CARRIER = List.of("-Djdk.virtualThreadScheduler.parallelism=1",
            "-Djdk.virtualThreadScheduler.maxPoolSize=1");

    /** How many chunks of CPU work the loop without a yield does: bounded, so it always ends. */
    private static final int BUSY_CHUNKS = 20_000;

    private static Map<String, String> results;

    private OneCarrier() {}

    /** What each scenario answered in the one-carrier child, run the first time this is called. */
    static synchronized Map<String, String> results() throws IOException, InterruptedException {
        if (results == null) {
            results = launch();
        }
        return results;
    }

    private static Map<String, String> launch() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(ONE_CARRIER, OneCarrier.class,
                List.of())).redirectErrorStream(true);
        // stdin stays a pipe nobody writes to: its EOF tells the child that the parent is gone.
        try (ChildJvm.Running running = ChildJvm.start(builder, "one-carrier-sync")) {
            Process child = running.process();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
                throw new AssertionError("the one-carrier child failed: " + out);
            }
            Map<String, String> answers = new LinkedHashMap<>();
            out.lines().filter(line -> line.contains("\t")).forEach(line -> answers.put(
                    line.substring(0, line.indexOf('\t')), line.substring(line.indexOf('\t') + 1)));
            if (!"1".equals(answers.get("parallelism"))) {
                throw new AssertionError("the child's scheduler did not have one carrier: " + out);
            }
            return answers;
        }
    }

    // ---- the child ----------------------------------------------------------------------------

    /** Runs every scenario on the one carrier and prints {@code name<TAB>answer} for each. */
    public static void main(String[] args) throws Exception {
        ChildJvm.exitWithParent();
        Map<String, Callable<String>> scenarios = new LinkedHashMap<>();
        scenarios.put("parallelism", () -> System.getProperty(
                "jdk.virtualThreadScheduler.parallelism"));
        scenarios.put("yielding", () -> otherRanDuring(other -> YieldToOthers.compute(other::get)));
        scenarios.put("sleeping-zero", () -> otherRanDuring(other -> {
            long sum = 0;
            for (int chunk = 0; chunk < BUSY_CHUNKS && !other.get(); chunk++) {
                sum += CpuWork.count(chunk, 1_000);
                Thread.sleep(0);
            }
            return sum;
        }));
        scenarios.put("not-yielding", () -> otherRanDuring(other -> {
            long sum = 0;
            for (int chunk = 0; chunk < BUSY_CHUNKS; chunk++) {
                sum += CpuWork.count(chunk, 1_000);                 // no yield, no blocking call
            }
            return sum;
        }));
        scenarios.put("offloaded", () -> {
            try (ExecutorService pool = Executors.newFixedThreadPool(1)) {
                return otherRanDuring(other -> Offload.call(pool, () -> spinUntil(other)));
            }
        });
        scenarios.put("sleep-zero", () -> String.join("|", RecipeRun.lines(YieldToOthers.RECIPE)));
        scenarios.put("to-thread", () -> String.join("|", RecipeRun.lines(BlockingCalls.RECIPE)));
        for (Map.Entry<String, Callable<String>> scenario : scenarios.entrySet()) {
            System.out.println(scenario.getKey() + "\t" + scenario.getValue().call());
        }
    }

    /** Busy work for a virtual thread, told whether "other" has run yet. */
    @FunctionalInterface
    interface Busy {
        long work(AtomicBoolean otherRan) throws Exception;
    }

    /**
     * Runs {@code busy} in a virtual thread that first starts "other"; answers whether other ran
     * before busy returned, and that it ran in the end: {@code during=... after=...}.
     */
    static String otherRanDuring(Busy busy) throws Exception {
        AtomicBoolean otherRan = new AtomicBoolean();
        AtomicBoolean during = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread[] other = new Thread[1];
        Thread busyThread = Thread.ofVirtual().start(() -> {
            other[0] = Thread.ofVirtual().start(() -> otherRan.set(true));
            try {
                busy.work(otherRan);
                during.set(otherRan.get());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        busyThread.join();
        other[0].join();
        if (failure.get() != null) {
            return "the busy work failed: " + failure.get();
        }
        return "during=" + during.get() + " after=" + otherRan.get();
    }

    /** CPU work that goes on until "other" has run (at most 30 s, a safety net). */
    private static long spinUntil(AtomicBoolean otherRan) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long sum = 0;
        while (!otherRan.get() && System.nanoTime() - deadline < 0) {
            sum += CpuWork.count(sum, 1_000);
        }
        return sum;
    }
}
