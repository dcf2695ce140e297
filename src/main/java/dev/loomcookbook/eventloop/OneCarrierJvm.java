package dev.loomcookbook.eventloop;

import dev.loomcookbook.common.ChildJvm;
import dev.loomcookbook.common.CpuWork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.TimeUnit;

/**
 * The virtual-thread scheduler limited to one carrier thread, in a child JVM: that one carrier is
 * what asyncio's loop thread is. {@link #launch} (the parent side) starts a JVM with
 * {@code -Djdk.virtualThreadScheduler.parallelism=1} and {@code maxPoolSize=1} running
 * {@link #main} (the child side), which records events in two phases and prints them:
 * <ol>
 * <li>{@code blocking}: virtual threads A and B each record a step, then {@code Thread.sleep};
 *     the sleep frees the carrier, so the other runs: they interleave like coroutines at
 *     {@code await asyncio.sleep()}.
 * <li>{@code busy}: D ticks with {@code Thread.sleep} between ticks; after D's first tick, C spins
 *     for a fixed time with no blocking point, holding the carrier, so D cannot tick until C
 *     ends, as a coroutine calling {@code time.sleep} stalls the whole loop. The spin is bounded,
 *     so the child always ends.
 * </ol>
 * Both phases are {@code asyncio.run(main())} written as a try-with-resources
 * {@link StructuredTaskScope}: every thread forked inside has ended when the block ends.
 */
public final class OneCarrierJvm {

    /** How long the parent waits for the child before destroying it. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String BLOCKING = "blocking";
    static final String BUSY = "busy";

    /**
     * One recorded event.
     *
     * @param phase   {@value #BLOCKING} or {@value #BUSY}
     * @param thread  the virtual thread's name: A, B, C or D
     * @param label   what happened: A1, B3, D2, "C start", "C end"
     * @param atNanos when, counted from the child's start
     * @param dueNanos when it wanted to happen (the end of the sleep before it), or -1
     * @param carrier the carrier thread it ran on
     */
    public record Event(String phase, String thread, String label, long atNanos, long dueNanos,
            String carrier) {}

    /**
     * What the child reported.
     *
     * @param events      every event, in the order they were recorded
     * @param phaseNanos  each phase's wall time in the child
     * @param settings    the scheduler properties the child saw
     * @param startNanos  from launch to the child's exit, in the parent
     */
    public record Result(List<Event> events, Map<String, Long> phaseNanos,
            Map<String, String> settings, long startNanos) {

        /** The events of one phase, in recorded order. */
        public List<Event> phase(String phase) {
            return events.stream().filter(e -> e.phase().equals(phase)).toList();
        }

        /** The distinct carrier threads the virtual threads ran on. */
        public List<String> carriers() {
            return events.stream().map(Event::carrier).distinct().toList();
        }
    }

    private OneCarrierJvm() {}

    // ---- parent side --------------------------------------------------------------------------

    /** The command line of the child JVM: the same java, class path and preview flag as this one. */
    static List<String> command(int steps, Duration step, Duration busy) {
        return ChildJvm.command(
                List.of("-Djdk.virtualThreadScheduler.parallelism=1",
                        "-Djdk.virtualThreadScheduler.maxPoolSize=1"),
                OneCarrierJvm.class,
                List.of(String.valueOf(steps), String.valueOf(step.toNanos()),
                        String.valueOf(busy.toNanos())));
    }

    /**
     * Runs the child and parses what it printed. The child's output goes to a temporary file, so
     * a stuck child cannot block the parent on a pipe; after {@link #TIMEOUT} it is destroyed.
     */
    public static Result launch(int steps, Duration step, Duration busy)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("one-carrier", ".txt");
        long start = System.nanoTime();
        // stdin stays a pipe we never write to: its EOF tells the child that we are gone.
        try (ChildJvm.Running running = ChildJvm.start(
                new ProcessBuilder(command(steps, step, busy))
                        .redirectErrorStream(true).redirectOutput(output.toFile()),
                "one-carrier-child")) {
            Process child = running.process();
            if (!child.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        "the child JVM did not finish within " + TIMEOUT.toSeconds()
                                + " s; it was destroyed");
            }
            long elapsed = System.nanoTime() - start;
            List<String> lines = Files.readAllLines(output);
            if (child.exitValue() != 0 || !lines.contains("done")) {
                throw new IllegalStateException("the child JVM failed (exit " + child.exitValue()
                        + "): "
                        + String.join(" | ",
                                lines.subList(Math.max(0, lines.size() - 5), lines.size())));
            }
            return parse(lines, elapsed);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static Result parse(List<String> lines, long elapsed) {
        List<Event> events = new ArrayList<>();
        Map<String, Long> phases = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "event" -> events.add(new Event(f[1], f[2], f[3], Long.parseLong(f[4]),
                        Long.parseLong(f[5]), f[6]));
                case "phase" -> phases.put(f[1], Long.parseLong(f[2]));
                case "setting" -> settings.put(f[1], f[2]);
                default -> {
                } // "done", or anything the JVM itself printed
            }
        }
        return new Result(List.copyOf(events), phases, settings, elapsed);
    }

    // ---- child side ---------------------------------------------------------------------------

    /** Arguments: steps, step nanos (the sleep), busy nanos (the spin). Prints tab-separated records. */
    public static void main(String[] args) throws Exception {
        ChildJvm.exitWithParent();
        int steps = Integer.parseInt(args[0]);
        long stepNanos = Long.parseLong(args[1]);
        long busyNanos = Long.parseLong(args[2]);
        Recorder recorder = new Recorder(System.nanoTime());
        for (String key : List.of("jdk.virtualThreadScheduler.parallelism",
                "jdk.virtualThreadScheduler.maxPoolSize")) {
            System.out.println("setting\t" + key + "\t" + System.getProperty(key, "(default)"));
        }

        long phaseStart = System.nanoTime();
        CountDownLatch go = new CountDownLatch(1);
        // asyncio.run(main()) with a TaskGroup: the scope ends only when both threads have.
        try (var scope = StructuredTaskScope.open(Joiner.<Object>awaitAllSuccessfulOrThrow(),
                cf -> cf.withName("blocking-phase"))) {
            scope.fork(() -> sleeper(recorder, "A", go, steps, stepNanos));
            scope.fork(() -> sleeper(recorder, "B", go, steps, stepNanos));
            go.countDown(); // both wait at the gate, so neither can finish before the other starts
            scope.join();
        }
        System.out.println("phase\t" + BLOCKING + "\t" + (System.nanoTime() - phaseStart));

        phaseStart = System.nanoTime();
        CountDownLatch ticked = new CountDownLatch(1);
        try (var scope = StructuredTaskScope.open(Joiner.<Object>awaitAllSuccessfulOrThrow(),
                cf -> cf.withName("busy-phase"))) {
            scope.fork(() -> ticker(recorder, ticked, steps, stepNanos));
            scope.fork(() -> spinner(recorder, ticked, busyNanos));
            scope.join();
        }
        System.out.println("phase\t" + BUSY + "\t" + (System.nanoTime() - phaseStart));

        for (String line : recorder.lines) {
            System.out.println(line);
        }
        System.out.println("done");
    }

    /** The exit status when the parent went away first. */
    static final int PARENT_GONE = ChildJvm.PARENT_GONE;

    /** A or B: a step, then Thread.sleep, which unmounts the thread and frees the carrier. */
    private static Void sleeper(Recorder recorder, String name, CountDownLatch go, int steps,
            long stepNanos)
            throws InterruptedException {
        go.await();
        long due = -1;
        for (int i = 1; i <= steps; i++) {
            recorder.record(BLOCKING, name, name + i, due);
            if (i < steps) {
                due = recorder.now() + stepNanos;
                Thread.sleep(Duration.ofNanos(stepNanos));
            }
        }
        return null;
    }

    /** D: ticks with a sleep between ticks; lets C start after its first tick. */
    private static Void ticker(Recorder recorder, CountDownLatch ticked, int steps, long stepNanos)
            throws InterruptedException {
        long due = -1;
        for (int i = 1; i <= steps; i++) {
            recorder.record(BUSY, "D", "D" + i, due);
            ticked.countDown();
            if (i < steps) {
                due = recorder.now() + stepNanos;
                Thread.sleep(Duration.ofNanos(stepNanos));
            }
        }
        return null;
    }

    /** C: spins for a fixed time with no blocking point, so it never gives up the carrier. */
    private static Long spinner(Recorder recorder, CountDownLatch ticked, long busyNanos)
            throws InterruptedException {
        ticked.await();
        recorder.record(BUSY, "C", "C start", -1);
        long start = System.nanoTime();
        long sink = 0;
        while (System.nanoTime() - start < busyNanos) {
            sink += CpuWork.count(sink, 10_000);
        }
        recorder.record(BUSY, "C", "C end", -1);
        return sink;
    }

    /** Records events with their time and carrier; printed at the end so printing cannot reorder them. */
    private record Recorder(long origin, Queue<String> lines) {
        Recorder(long origin) {
            this(origin, new ConcurrentLinkedQueue<>());
        }

        long now() {
            return System.nanoTime() - origin;
        }

        void record(String phase, String thread, String label, long due) {
            String self = Thread.currentThread().toString(); // VirtualThread[#22,A]/runnable@ForkJoinPool-1-worker-1
            String carrier = self.contains("@") ? self.substring(self.indexOf('@') + 1) : "(none)";
            lines.add(String.join("\t", "event", phase, thread, label, String.valueOf(now()),
                    String.valueOf(due), carrier));
        }
    }
}
