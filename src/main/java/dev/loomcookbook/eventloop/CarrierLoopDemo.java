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
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The loop nobody manages: the virtual-thread scheduler, cut down to one carrier thread in a child
 * JVM, behaves like asyncio's single loop thread. Named {@code carrier-loop} because the carrier
 * thread is the exact counterpart of the loop thread: it is what a blocking call frees and what a
 * busy loop holds.
 */
@Command(name = "carrier-loop", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "One carrier thread is the event loop: blocking virtual threads interleave, a busy one starves the rest.",
            "Starts a child JVM with -Djdk.virtualThreadScheduler.parallelism=1 (and maxPoolSize=1), runs two "
                    + "phases inside a StructuredTaskScope (asyncio.run(main())) and renders what it recorded."
        })
public final class CarrierLoopDemo implements Demo {

    /** Two steps at least, so that the threads can take turns. */
    static final class Steps extends Bounds.Ints {
        Steps() {
            super(2, 50);
        }
    }

    /** Shorter steps and spins measure the timer, not the carrier. */
    static final class Step extends Bounds.Durations {
        Step() {
            super(Duration.ofMillis(1), Duration.ofSeconds(10));
        }
    }

    static final class Busy extends Bounds.Durations {
        Busy() {
            super(Duration.ofMillis(1), Duration.ofMinutes(1));
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--steps", converter = Steps.class, defaultValue = "5", paramLabel = "N",
            description = "Steps per virtual thread.")
    int steps;

    @Option(names = "--step", defaultValue = "100ms", converter = Step.class,
            paramLabel = "DURATION",
            description = "Thread.sleep between two steps (Python: await asyncio.sleep).")
    Duration step;

    @Option(names = "--busy", defaultValue = "500ms", converter = Busy.class,
            paramLabel = "DURATION",
            description = "How long the busy virtual thread spins without a blocking point.")
    Duration busy;

    public static void main(String[] args) {
        System.exit(Cli.run(new CarrierLoopDemo(), args));
    }

    @Override
    public String pythonConcept() {
        return "asyncio.run(main()) / one loop thread";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("--steps", "4", "--step", "40ms", "--busy", "200ms");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Table code = new Table("Python (asyncio)", "JDK 25 (virtual threads)");
        code.row("asyncio.run(main())", "try (var scope = StructuredTaskScope.open()) { ... }");
        code.row("tg.create_task(a()); tg.create_task(b())",
                "scope.fork(() -> a()); scope.fork(() -> b());");
        code.row("await asyncio.sleep(0.1)", "Thread.sleep(ofMillis(100))  // frees the carrier");
        code.row("time.sleep(0.1) or a long computation",
                "a loop with no blocking point  // holds the carrier");
        code.row("the loop thread", "the carrier thread (here: exactly one)");
        code.print(out);
        out.println();
        out.println("Starting a child JVM with one carrier: java --enable-preview");
        out.println(
                "    -Djdk.virtualThreadScheduler.parallelism=1 -Djdk.virtualThreadScheduler.maxPoolSize=1 ...");
        out.flush();

        OneCarrierJvm.Result result = OneCarrierJvm.launch(steps, step, busy);
        out.printf("The child ran and exited in %s; scheduler settings it saw:%n  %s;%n"
                + "carriers its virtual threads ran on: %s%n%n",
                Timing.format(result.startNanos()),
                result.settings().entrySet().stream()
                        .map(e -> e.getKey().replace("jdk.virtualThreadScheduler.", "") + "="
                                + e.getValue())
                        .collect(Collectors.joining(", ")),
                String.join(", ", result.carriers()));

        printBlockingPhase(out, result);
        printBusyPhase(out, result);

        Text.paragraph(out, "",
                "Python fact: time.sleep() inside a coroutine blocks the whole asyncio loop;"
                        + " only 'await' lets another coroutine run. JDK 25 fact: Thread.sleep() (and any blocking call"
                        + " that does not pin) in a virtual thread unmounts it and frees its carrier, so the code looks"
                        + " blocking and still interleaves. What stalls a carrier is code that never blocks, like C's"
                        + " spin, or a pinned block (native frame, class initializer). With the default scheduler (one"
                        + " carrier per core) a busy virtual thread takes one core, not the whole program.");
        out.flush();
        return 0;
    }

    private void printBlockingPhase(PrintWriter out, OneCarrierJvm.Result result) {
        List<OneCarrierJvm.Event> events = result.phase(OneCarrierJvm.BLOCKING);
        out.printf(
                "1) Two virtual threads, %d steps each, Thread.sleep(%s) between steps, on one carrier%n",
                steps, Timing.format(step));
        out.println(
                "   Python: two coroutines doing 'await asyncio.sleep(...)' between steps on one loop");
        out.println("   order:  "
                + events.stream().map(OneCarrierJvm.Event::label).collect(Collectors.joining(" ")));
        printEvents(out, events);
        long span = events.getLast().atNanos() - events.getFirst().atNanos();
        long alone = (steps - 1) * step.toNanos();
        Text.paragraph(out, "   ", String.format(
                "%s: %d of %d neighbouring events switch thread. First to"
                        + " last event: %s; each thread alone sleeps %s, A then B one after the other would"
                        + " sleep %s.",
                interleaved(events, "A", "B") ? "Interleaved" : "NOT interleaved",
                switches(events), events.size() - 1, Timing.format(span), Timing.format(alone),
                Timing.format(2 * alone)));
        out.println();
    }

    private void printBusyPhase(PrintWriter out, OneCarrierJvm.Result result) {
        List<OneCarrierJvm.Event> events = result.phase(OneCarrierJvm.BUSY);
        out.printf("2) D ticks every %s (Thread.sleep); after D's first tick,%n"
                + "   C spins for %s with no blocking point%n", Timing.format(step),
                Timing.format(busy));
        out.println(
                "   Python: a coroutine that computes (or calls time.sleep) without awaiting: the loop is stuck");
        out.println("   order:  " + events.stream().map(e -> e.label().replace(' ', '-'))
                .collect(Collectors.joining(" ")));
        printEvents(out, events);
        long ticksDuringSpin = ticksDuringSpin(events);
        long worstLag = events.stream().filter(e -> e.dueNanos() >= 0)
                .mapToLong(e -> e.atNanos() - e.dueNanos()).max().orElse(0);
        out.printf("   D ticked %d times while C spun (it wanted about %d); D's worst lag: %s.%n%n",
                ticksDuringSpin, Math.min(steps - 1, busy.toNanos() / step.toNanos()),
                Timing.format(worstLag));
    }

    private static void printEvents(PrintWriter out, List<OneCarrierJvm.Event> events) {
        Table table = new Table("at", "thread", "event", "due", "lag", "carrier");
        for (OneCarrierJvm.Event e : events) {
            boolean timed = e.dueNanos() >= 0;
            table.row(ms(e.atNanos()), e.thread(), e.label(), timed ? ms(e.dueNanos()) : "-",
                    timed ? Timing.format(Math.max(0, e.atNanos() - e.dueNanos())) : "-",
                    e.carrier());
        }
        table.lines().forEach(line -> out.println("  " + line));
    }

    /** Whether each thread recorded an event between the other's first and last: they took turns. */
    static boolean interleaved(List<OneCarrierJvm.Event> events, String a, String b) {
        List<String> order = events.stream().map(OneCarrierJvm.Event::thread).toList();
        return order.indexOf(b) < order.lastIndexOf(a) && order.indexOf(a) < order.lastIndexOf(b);
    }

    /** How many neighbouring events come from different threads. */
    static int switches(List<OneCarrierJvm.Event> events) {
        int n = 0;
        for (int i = 1; i < events.size(); i++) {
            n += events.get(i).thread().equals(events.get(i - 1).thread()) ? 0 : 1;
        }
        return n;
    }

    /** D's events recorded between "C start" and "C end". */
    static long ticksDuringSpin(List<OneCarrierJvm.Event> events) {
        List<String> labels = events.stream().map(OneCarrierJvm.Event::label).toList();
        int start = labels.indexOf("C start");
        int end = labels.indexOf("C end");
        return labels.subList(start + 1, end).stream().filter(l -> l.startsWith("D")).count();
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
