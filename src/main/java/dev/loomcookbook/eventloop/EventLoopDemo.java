package dev.loomcookbook.eventloop;

import dev.loomcookbook.cli.Bounds;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Text;
import dev.loomcookbook.common.Timing;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The book's event-loop script on {@link EventLoop}: {@code task_A -> task_B -> task_C -> task_A}
 * with {@code call_later(1, ...)}, each blocking a random 0-5 s, until 60 s have passed. A
 * heartbeat callback that asks to run at a steady pace shows the teaching point: while one
 * callback blocks, no other callback runs.
 */
@Command(name = "event-loop", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "The book's A -> B -> C call_later chain on an asyncio-style loop: a blocking callback delays all others.",
            "Each call prints its time, when it was due and its lag; a heartbeat callback shows the lag"
                    + " that the blocking causes everyone else."
        })
public final class EventLoopDemo implements Demo {

    private static final String[] NAMES = {"task_A", "task_B", "task_C"};

    /** Shorter delays and periods turn the loop into a busy loop that prints without end. */
    static final Duration MIN_PERIOD = Duration.ofMillis(1);

    static final class RunTime extends Bounds.Durations {
        RunTime() {
            super(MIN_PERIOD, Duration.ofMinutes(10));
        }
    }

    static final class Delay extends Bounds.Durations {
        Delay() {
            super(MIN_PERIOD, Duration.ofMinutes(1));
        }
    }

    static final class Block extends Bounds.Durations {
        Block() {
            super(Duration.ZERO, Duration.ofMinutes(1));
        }
    }

    static final class Period extends Bounds.Durations {
        Period() {
            super(MIN_PERIOD, Duration.ofSeconds(10));
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", defaultValue = "60s", paramLabel = "DURATION",
            converter = RunTime.class,
            description = "Run the chain until this much time has passed (the original: 60 s).")
    Duration duration;

    @Option(names = "--delay", defaultValue = "1s", paramLabel = "DURATION",
            converter = Delay.class,
            description = "call_later delay between two calls of the chain (the original: 1 s).")
    Duration delay;

    @Option(names = "--max-block", defaultValue = "5s", paramLabel = "DURATION",
            converter = Block.class,
            description = "Longest block: each call blocks k/5 of it, k = randint(0, 5), as the"
                    + " original's time.sleep(randint(0, 5)).")
    Duration maxBlock;

    @Option(names = "--heartbeat", defaultValue = "250ms", paramLabel = "DURATION",
            converter = Period.class,
            description = "Period of the heartbeat callback that measures the lag.")
    Duration heartbeat;

    @Option(names = "--seed", paramLabel = "SEED",
            description = "Seed for the random blocks. Default: a random one, printed.")
    Long seed;

    public static void main(String[] args) {
        System.exit(Cli.run(new EventLoopDemo(), args));
    }

    @Override
    public String pythonConcept() {
        return "loop.call_soon / call_later / run_forever";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--duration", "2s", "--delay", "200ms", "--max-block", "500ms",
                "--heartbeat", "50ms", "--seed", "7");
    }

    /** One call of the chain: when it was due, when it ran, how long it blocked. */
    record Call(String name, double due, double ran, double blockEnd) {}

    /** One heartbeat: when it was due, when it ran. */
    record Beat(double due, double ran, Call heldUpBy) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long usedSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000);
        printHeader(out, usedSeed);

        Run run;
        Throwable[] failure = {null};
        try (EventLoop loop = new EventLoop()) {
            // A failing callback (say, an interrupted block) ends the demo instead of leaving the
            // heartbeat running alone forever.
            loop.setExceptionHandler((l, context) -> {
                failure[0] = context.exception();
                l.stop();
            });
            run = new Run(loop, out, new Random(usedSeed));
            run.start();
            loop.runForever();
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        } else if (failure[0] != null) {
            throw new IllegalStateException("a callback failed: "
                    + Cli.describe(failure[0], "no reason given"), failure[0]);
        }
        printSummary(out, run);
        return 0;
    }

    /** The chain and the heartbeat, running on one loop. */
    private final class Run {
        final EventLoop loop;
        final PrintWriter out;
        final Random random;
        final double end;
        final List<Call> calls = new ArrayList<>();
        final List<Beat> beats = new ArrayList<>();
        double endedAt;

        Run(EventLoop loop, PrintWriter out, Random random) {
            this.loop = loop;
            this.out = out;
            this.random = random;
            this.end = loop.time() + seconds(duration);
        }

        void start() {
            double now = loop.time();
            loop.callSoon(() -> task(0, now));
            scheduleBeat();
        }

        /** task_A, task_B or task_C: print, block, then schedule the next or stop. */
        void task(int index, double due) {
            double ran = loop.time();
            Duration block = maxBlock.multipliedBy(random.nextInt(6)).dividedBy(5);
            out.printf(Locale.ROOT, "  %8.3f s  %s called   due %8.3f s, lag %-9s  blocks %s%n",
                    ran, NAMES[index], due, Timing.format(nanos(ran - due)), Timing.format(block));
            out.flush();
            sleep(block); // the original's time.sleep(randint(0, 5)): it holds the loop thread
            calls.add(new Call(NAMES[index], due, ran, loop.time()));
            if (loop.time() + seconds(delay) < end) {
                double nextDue = loop.time() + seconds(delay);
                loop.callLater(delay, () -> task((index + 1) % NAMES.length, nextDue));
            } else {
                endedAt = loop.time();
                loop.stop();
            }
        }

        /** The heartbeat: asks to run every --heartbeat, records its lag, prints it when a block held it up. */
        void scheduleBeat() {
            double due = loop.time() + seconds(heartbeat);
            loop.callLater(heartbeat, () -> {
                double ran = loop.time();
                Call last = calls.isEmpty() ? null : calls.getLast();
                // Held up: it fell due while the last chain call was still blocking the loop.
                Call heldUpBy = last != null && due < last.blockEnd() && ran >= last.blockEnd()
                        ? last : null;
                beats.add(new Beat(due, ran, heldUpBy));
                if (heldUpBy != null) {
                    out.printf(Locale.ROOT,
                            "  %8.3f s    heartbeat  due %8.3f s, lag %-9s  <- held up by %s%n",
                            ran, due, Timing.format(nanos(ran - due)), heldUpBy.name());
                    out.flush();
                }
                scheduleBeat();
            });
        }
    }

    private void printHeader(PrintWriter out, long usedSeed) {
        out.println("The book's event-loop script, callback for callback:");
        Table code = new Table("Python (asyncio)", "JDK 25 (dev.loomcookbook.eventloop.EventLoop)");
        code.row("loop = asyncio.get_event_loop()", "try (EventLoop loop = new EventLoop()) {");
        code.row("loop.call_soon(task_A, end_loop, loop)", "loop.callSoon(() -> taskA(end));");
        code.row("time.sleep(random.randint(0, 5))",
                "Thread.sleep(...)  // blocks the loop, as in Python");
        code.row("loop.call_later(1, task_B, end_time, loop)",
                "loop.callLater(ofSeconds(1), () -> taskB(end));");
        code.row("loop.stop()", "loop.stop();");
        code.row("loop.run_forever(); loop.close()",
                "loop.runForever(); }  // try-with-resources closes it");
        code.print(out);
        out.println();
        out.printf("Settings: duration %s, delay %s, max block %s, heartbeat %s, seed %d%n",
                Timing.format(duration), Timing.format(delay), Timing.format(maxBlock),
                Timing.format(heartbeat), usedSeed);
        out.println("(the original: 60 s, 1 s, blocks of 0-5 s).");
        out.println("A heartbeat callback asks to run every " + Timing.format(heartbeat)
                + "; it is printed when a blocking call held it up.");
        out.println();
        out.flush();
    }

    private void printSummary(PrintWriter out, Run run) {
        out.println();
        Text.paragraph(out, "",
                String.format(Locale.ROOT, "The loop stopped at %.3f s: the last call saw"
                        + " time() + %s >= the end (%.3f s) and called stop().", run.endedAt,
                        Timing.format(delay), run.end));
        out.println();
        List<Beat> heldUp = run.beats.stream().filter(b -> b.heldUpBy() != null).toList();
        List<Beat> free = run.beats.stream().filter(b -> b.heldUpBy() == null).toList();
        Table table = new Table("callbacks", "count", "mean lag", "max lag");
        table.row("chain calls (call_soon / call_later)", run.calls.size(),
                meanLag(run.calls.stream().map(c -> c.ran() - c.due()).toList()),
                maxLag(run.calls.stream().map(c -> c.ran() - c.due()).toList()));
        table.row("heartbeats due while the loop was free", free.size(),
                meanLag(free.stream().map(b -> b.ran() - b.due()).toList()),
                maxLag(free.stream().map(b -> b.ran() - b.due()).toList()));
        table.row("heartbeats due during a blocking call", heldUp.size(),
                meanLag(heldUp.stream().map(b -> b.ran() - b.due()).toList()),
                maxLag(heldUp.stream().map(b -> b.ran() - b.due()).toList()));
        table.print(out);
        double blocked = run.calls.stream().mapToDouble(c -> c.blockEnd() - c.ran()).sum();
        double longest =
                run.calls.stream().mapToDouble(c -> c.blockEnd() - c.ran()).max().orElse(0);
        out.printf(Locale.ROOT, "%nThe chain blocked the loop for %s in all (longest block %s);%n"
                + "the heartbeat ran %d times where a free loop would run it about %d times.%n",
                Timing.format(nanos(blocked)), Timing.format(nanos(longest)), run.beats.size(),
                Math.round(Math.floor(run.endedAt / seconds(heartbeat))));
        out.println();
        Text.paragraph(out, "",
                "Teaching point: a callback that blocks (time.sleep in Python, Thread.sleep"
                        + " here) holds the loop's one thread, so every other callback waits: the heartbeat's lag grows"
                        + " to the length of the block. The chain itself looks punctual only because each call"
                        + " schedules the next after its own block. In asyncio, write 'await asyncio.sleep(...)' in a"
                        + " coroutine instead; on JDK 25, give each task a virtual thread, whose Thread.sleep frees the"
                        + " carrier (see the carrier-loop demo).");
        out.flush();
    }

    private static String meanLag(List<Double> lags) {
        return lags.isEmpty() ? "-" : Timing
                .format(nanos(lags.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
    }

    private static String maxLag(List<Double> lags) {
        return lags.isEmpty() ? "-" : Timing
                .format(nanos(lags.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static long nanos(double seconds) {
        return Math.max(0, Math.round(seconds * 1e9));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while blocking", e);
        }
    }
}
