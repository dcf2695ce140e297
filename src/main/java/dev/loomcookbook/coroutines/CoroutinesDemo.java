package dev.loomcookbook.coroutines;

import dev.loomcookbook.cli.Bounds;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import dev.loomcookbook.coroutines.StateMachine.Hop;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coroutines}: the book's finite-state machine, its states plain methods on a virtual thread. */
@Command(name = "coroutines", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A state machine whose states are plain methods on a virtual thread; then N machines at once.",
            "Each 'await' is an ordinary blocking call; one coroutine awaiting another is a method call.",
            "With --machines N, N machines then run at once, one virtual thread each."
        })
public final class CoroutinesDemo implements Demo {

    /** Above this many machines, only the summary is printed, not one line per machine. */
    static final int MAX_LISTED = 10;

    /** Output lines stay within this many columns. */
    static final int WIDTH = Cli.WIDTH;

    /** More machines than 1,000,000 take minutes and gigabytes (that many took ~36 s and 4.5 GB). */
    static final class Machines extends Bounds.Ints {
        Machines() {
            super(1, 1_000_000);
        }
    }

    /** A pause per state longer than a minute makes a wait rather than a demo. */
    static final class Pause extends Bounds.Durations {
        Pause() {
            super(Duration.ZERO, Duration.ofMinutes(1));
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "SEED",
            description = "Seed for the 0/1 draws, so the transitions repeat."
                    + " Default: a random seed, printed.")
    Long seed;

    @Option(names = "--pause", paramLabel = "DURATION", defaultValue = "1s",
            converter = Pause.class,
            description = "Pause per state, Python's 'await asyncio.sleep(1)'.")
    Duration pause;

    @Option(names = "--machines", paramLabel = "N", converter = Machines.class, defaultValue = "1",
            description = "After the first machine tells its story, run N machines at once.")
    int machines;

    @Override
    public String pythonConcept() {
        return "async def / await";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--seed", "7", "--pause", "20ms", "--machines", "10000");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long firstSeed = seed != null ? seed : new SplittableRandom().nextLong(1, 1_000_000);

        out.println("Finite State Machine simulation with Asyncio Coroutine");
        out.println(
                "  Python:  async def state1(v): ...; await asyncio.sleep(1); result = await state3(value)");
        out.println(
                "  Java:    List<Hop> state1() { ...; Thread.sleep(pause); return state3(); }  // a virtual thread");
        out.printf("  seed %d (--seed %d replays these transitions), pause %s per state%n%n",
                firstSeed, firstSeed, Timing.format(pause));
        out.flush();

        // asyncio.run(start_state()): one machine on one virtual thread, its lines printed as they happen.
        AtomicReference<List<Hop>> story = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        Thread machine = Thread.ofVirtual().name("state-machine").start(() -> {
            try {
                story.set(StateMachine.run(StateMachine.randomFor(firstSeed), pause, line -> {
                    out.println(line);
                    out.flush();
                }));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            machine.join();
        } finally {
            machine.interrupt();
            machine.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the state machine failed: "
                    + Cli.describe(failure.get(), "no reason given"), failure.get());
        }
        long elapsed = Timing.since(start);
        List<Hop> hops = story.get();
        out.println();
        out.println("Resume of the Transition :");
        hops.forEach(h -> out.println(h.line()));
        out.printf(
                "%n%d hops in %s on one virtual thread (%d pauses of %s: the pauses are the time)%n",
                hops.size(), Timing.format(elapsed), hops.size(), Timing.format(pause));
        out.flush();

        if (machines > 1) {
            runMany(out, firstSeed);
        }
        return 0;
    }

    /** Many machines at once: a virtual thread each costs little, so they all pause together. */
    private void runMany(PrintWriter out, long firstSeed) throws InterruptedException {
        out.println();
        out.printf(Locale.ROOT,
                "%,d machines at once, one virtual thread each, in a StructuredTaskScope%n",
                machines);
        out.println("  Python:  await asyncio.gather(*(start_state() for _ in range(n)))");
        out.println(
                "  Java:    try (var scope = StructuredTaskScope.open(allSuccessfulOrThrow())) { fork each; join(); }");
        out.printf(Locale.ROOT, "  machine i uses seed %d + i, pause %s per state%n", firstSeed,
                Timing.format(pause));
        out.flush();

        AtomicInteger finished = new AtomicInteger();
        long start = System.nanoTime();
        List<List<Hop>> results;
        Thread progress =
                Thread.ofVirtual().name("progress").start(() -> reportProgress(out, finished));
        try {
            results = StateMachine.runConcurrently(machines, firstSeed, pause, finished);
        } finally {
            progress.interrupt();
            progress.join();
        }
        long wall = Timing.since(start);

        if (results.size() <= MAX_LISTED) {
            out.println();
            for (int i = 0; i < results.size(); i++) {
                out.println(wrap("  machine " + i + ": ", path(results.get(i)), WIDTH));
            }
        }
        IntSummaryStatistics stats = results.stream().mapToInt(List::size).summaryStatistics();
        long sumOfPauses = pause.toNanos() * stats.getSum();
        out.println();
        new Table("machines", "hops", "shortest", "longest", "mean", "sum of pauses", "wall time")
                .row(String.format(Locale.ROOT, "%,d", results.size()),
                        String.format(Locale.ROOT, "%,d", stats.getSum()),
                        stats.getMin(), stats.getMax(),
                        String.format(Locale.ROOT, "%.2f", stats.getAverage()),
                        Timing.format(sumOfPauses), Timing.format(wall))
                .print(out);
        out.println();
        long chainNanos = pause.toNanos() * stats.getMax();
        out.printf(Locale.ROOT,
                "%,d machines finished in %s; the longest chain paused %d times, %s in all.%n",
                results.size(), Timing.format(wall), stats.getMax(), Timing.format(chainNanos));
        out.println(verdict(wall, chainNanos, results.size()));
        out.println("Unlike the book's script, whose time.sleep(1) blocks the whole event loop,");
        out.println("Thread.sleep on a virtual thread frees its carrier for the other machines.");
        out.flush();
    }

    /** Prints how many machines have finished, once a second, until interrupted. */
    private void reportProgress(PrintWriter out, AtomicInteger finished) {
        try {
            while (true) {
                Thread.sleep(1000);
                out.printf(Locale.ROOT, "  ... %,d of %,d machines finished%n", finished.get(),
                        machines);
                out.flush();
            }
        } catch (InterruptedException done) {
            // the machines have all ended
        }
    }

    /**
     * Which part of the wall time dominated: the longest chain's pauses (the machines really
     * paused together) or the cost of creating and scheduling the threads. The pauses dominate
     * when they are at least half the wall time.
     */
    static String verdict(long wallNanos, long chainNanos, int machines) {
        long overhead = Math.max(0, wallNanos - chainNanos);
        if (chainNanos > 0 && chainNanos * 2 >= wallNanos) {
            return String.format(Locale.ROOT,
                    "The pauses dominated: the longest chain's pauses set the wall time"
                            + " (%s of overhead on top),%nnot the sum of all pauses.",
                    Timing.format(overhead));
        }
        return String.format(Locale.ROOT,
                "Overhead dominated: %s of the wall time went to creating, scheduling"
                        + " and collecting%n%,d virtual threads, more than the longest chain's pauses (%s).%n"
                        + "Try a longer --pause or fewer --machines.",
                Timing.format(overhead), machines,
                Timing.format(chainNanos));
    }

    /** {@code prefix + path}, broken after an arrow into lines of at most {@code width}, indented under the path. */
    static String wrap(String prefix, String path, int width) {
        StringBuilder all = new StringBuilder();
        StringBuilder line = new StringBuilder(prefix);
        String indent = " ".repeat(prefix.length());
        String[] parts = path.split(" -> ", -1);
        for (int i = 0; i < parts.length; i++) {
            String piece = parts[i] + (i < parts.length - 1 ? " ->" : "");
            boolean fresh = line.length() == prefix.length();
            if (!fresh && line.length() + 1 + piece.length() > width) {
                all.append(line).append(System.lineSeparator());
                line = new StringBuilder(indent);
                fresh = true;
            }
            line.append(fresh ? "" : " ").append(piece);
        }
        return all.append(line).toString();
    }

    /** A machine's chain in short: {@code Start -> State 2 -> State 3 -> End (3 hops)}. */
    static String path(List<Hop> hops) {
        StringBuilder sb = new StringBuilder(StateMachine.State.START.label());
        for (Hop h : hops) {
            sb.append(" -> ").append(h.to().label());
        }
        return sb.append(" (").append(hops.size()).append(hops.size() == 1 ? " hop)" : " hops)")
                .toString();
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new CoroutinesDemo(), args));
    }
}
