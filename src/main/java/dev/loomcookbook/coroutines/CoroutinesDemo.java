package dev.loomcookbook.coroutines;

import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.DurationConverter;
import dev.loomcookbook.cli.PositiveInt;
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
@Command(name = "coroutines", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "async def / await: a state machine whose states are plain methods on a virtual thread.",
            "Each 'await' is an ordinary blocking call; one coroutine awaiting another is a method call.",
            "With --machines N, N machines then run at once, one virtual thread each."
        })
public final class CoroutinesDemo implements Demo {

    /** Above this many machines, only the summary is printed, not one line per machine. */
    static final int MAX_LISTED = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "SEED",
            description = "Seed for the 0/1 draws, so the transitions repeat (default: a random seed, printed).")
    Long seed;

    @Option(names = "--pause", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "1s",
            description = "Pause per state, Python's 'await asyncio.sleep(1)' (default: ${DEFAULT-VALUE}).")
    Duration pause;

    @Option(names = "--machines", paramLabel = "N", converter = PositiveInt.class, defaultValue = "1",
            description = "After the first machine tells its story, run N machines at once (default: ${DEFAULT-VALUE}).")
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
        out.println("  Python:  async def state1(v): ...; await asyncio.sleep(1); result = await state3(value)");
        out.println("  Java:    List<Hop> state1() { ...; Thread.sleep(pause); return state3(); }  // on a virtual thread");
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
            throw new IllegalStateException("the state machine failed: " + failure.get(), failure.get());
        }
        long elapsed = Timing.since(start);
        List<Hop> hops = story.get();
        out.println();
        out.println("Resume of the Transition :");
        hops.forEach(h -> out.println(h.line()));
        out.printf("%n%d hops in %s on one virtual thread (%d pauses of %s: the pauses are the time)%n",
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
        out.printf(Locale.ROOT, "%,d machines at once, one virtual thread each, in a StructuredTaskScope%n", machines);
        out.println("  Python:  await asyncio.gather(*(start_state() for _ in range(n)))");
        out.println("  Java:    try (var scope = StructuredTaskScope.open(Joiner.allSuccessfulOrThrow())) { fork each; join(); }");
        out.printf(Locale.ROOT, "  machine i uses seed %d + i, pause %s per state%n", firstSeed, Timing.format(pause));
        out.flush();

        AtomicInteger finished = new AtomicInteger();
        long start = System.nanoTime();
        List<List<Hop>> results;
        Thread progress = Thread.ofVirtual().name("progress").start(() -> reportProgress(out, finished));
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
                out.printf("  machine %d: %s%n", i, path(results.get(i)));
            }
        }
        IntSummaryStatistics stats = results.stream().mapToInt(List::size).summaryStatistics();
        long sumOfPauses = pause.toNanos() * stats.getSum();
        out.println();
        new Table("machines", "hops", "shortest", "longest", "mean", "sum of pauses", "wall time")
                .row(String.format(Locale.ROOT, "%,d", results.size()), String.format(Locale.ROOT, "%,d", stats.getSum()),
                        stats.getMin(), stats.getMax(), String.format(Locale.ROOT, "%.2f", stats.getAverage()),
                        Timing.format(sumOfPauses), Timing.format(wall))
                .print(out);
        out.println();
        out.printf(Locale.ROOT, "%,d machines finished in %s: the longest chain (%d pauses) sets the wall time,"
                + " not the sum of all pauses.%n", results.size(), Timing.format(wall), stats.getMax());
        out.println("Unlike the book's script, whose time.sleep(1) blocks the whole event loop, Thread.sleep on a"
                + " virtual thread frees its carrier for the other machines.");
        out.flush();
    }

    /** Prints how many machines have finished, once a second, until interrupted. */
    private void reportProgress(PrintWriter out, AtomicInteger finished) {
        try {
            while (true) {
                Thread.sleep(1000);
                out.printf(Locale.ROOT, "  ... %,d of %,d machines finished%n", finished.get(), machines);
                out.flush();
            }
        } catch (InterruptedException done) {
            // the machines have all ended
        }
    }

    /** A machine's chain in short: {@code Start -> State 2 -> State 3 -> End (3 hops)}. */
    static String path(List<Hop> hops) {
        StringBuilder sb = new StringBuilder(StateMachine.State.START.label());
        for (Hop h : hops) {
            sb.append(" -> ").append(h.to().label());
        }
        return sb.append(" (").append(hops.size()).append(hops.size() == 1 ? " hop)" : " hops)").toString();
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new CoroutinesDemo(), args));
    }
}
