package dev.loomcookbook.futures;

import dev.loomcookbook.cli.Bounds;
import dev.loomcookbook.cli.Cli;
import dev.loomcookbook.cli.Demo;
import dev.loomcookbook.cli.VersionProvider;
import dev.loomcookbook.common.Table;
import dev.loomcookbook.common.Timing;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The book's asyncio-and-futures script: two tasks, each completing its own future, and a
 * done-callback on each future that prints its result.
 */
@Command(name = "futures", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Two virtual threads each complete a CompletableFuture; done-callbacks print the results.",
            "",
            "The book's asyncio.Future / set_result / add_done_callback script: the first task sums "
                    + "1..N1, the second computes N2! exactly (a BigInteger). Example: futures 50 50.",
            "",
            "Each takes about a second at most: N1 additions; N2 - 1 BigInteger multiplications, whose "
                    + "time grows with the square of N2 (1,000,000! would take hours).",
            ""
        })
public final class FuturesDemo implements Demo {

    /** Largest N1: the summing loop stays well under a second, and the sum fits in a long. */
    static final class N1 extends Bounds.Longs {
        N1() {
            super(0, 1_000_000_000L);
        }
    }

    /** Largest N2: about a second of BigInteger multiplications on a laptop core. */
    static final class N2 extends Bounds.Longs {
        N2() {
            super(0, 50_000L);
        }
    }
    /** Longer results are shortened unless --full is given, so that the line fits in 100 columns. */
    static final int SHOWN_DIGITS = 60;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "N1", converter = N1.class,
            description = "Sum the integers 1..N1.")
    long n1;

    @Parameters(index = "1", paramLabel = "N2", converter = N2.class, description = "Compute N2!.")
    long n2;

    @Option(names = "--full",
            description = "Print every digit of a long result (by default results "
                    + "longer than " + SHOWN_DIGITS + " digits are shortened).")
    boolean full;

    @Override
    public String pythonConcept() {
        return "asyncio.Future, set_result, add_done_callback";
    }

    @Override
    public List<String> tourArgs() {
        return List.of("50", "50");
    }

    /** The first coroutine's work: the sum of 1..n, by the loop the book uses. */
    static long sumOfInts(long n) {
        long count = 0;
        for (long i = 1; i <= n; i++) {
            count += i;
        }
        return count;
    }

    /** The second coroutine's work: n!, exactly, by the book's loop. */
    static BigInteger factorial(long n) {
        BigInteger count = BigInteger.ONE;
        for (long i = 2; i <= n; i++) {
            count = count.multiply(BigInteger.valueOf(i));
        }
        return count;
    }

    /** The book's first result line. */
    static String firstLine(long n1, Object result) {
        return "First coroutine (sum of " + n1 + " ints) result = " + result;
    }

    /** The book's second result line. */
    static String secondLine(Object result) {
        return "Second coroutine (factorial) result = " + result;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();

        out.println(
                "asyncio.Future on JDK 25: each task completes its own CompletableFuture on a virtual thread,");
        out.println("and a callback registered on each future prints the result when it is done.");
        out.println();
        new Table("Python (asyncio)", "JDK 25")
                .row("future1 = asyncio.Future()", "var future1 = new CompletableFuture<Long>()")
                .row("future1.add_done_callback(got_result)", "future1.whenComplete(gotResult)")
                .row("first_coroutine(future1, N1)",
                        "Completer.start(virtualThreads, future1, task1)")
                .row("future.set_result(count)", "future1.complete(count)   (inside Completer)")
                .row("loop.run_until_complete(asyncio.wait(tasks))",
                        "CompletableFuture.allOf(future1, future2).join()")
                .print(out);
        out.println();
        out.flush();

        ThreadFactory virtualThreads = Thread.ofVirtual().name("coroutine-", 1).factory();
        CompletableFuture<Long> future1 = new CompletableFuture<>();
        CompletableFuture<BigInteger> future2 = new CompletableFuture<>();
        TaskLog first = new TaskLog();
        TaskLog second = new TaskLog();

        // Callbacks first, as the script does; each prints the book's line when its future is done.
        CompletableFuture<Long> printed1 = future1.whenComplete((sum, error) -> {
            first.callbackThread.set(describe(Thread.currentThread()));
            printResult(out,
                    error == null ? firstLine(n1, sum) : "First coroutine failed: " + error);
        });
        CompletableFuture<BigInteger> printed2 = future2.whenComplete((product, error) -> {
            second.callbackThread.set(describe(Thread.currentThread()));
            printResult(out, error == null ? secondLine(shorten(product))
                    : "Second coroutine failed: " + error);
        });

        long start = System.nanoTime();
        Callable<Long> task1 = () -> first.timed(() -> sumOfInts(n1));
        Thread t1 = Completer.start(virtualThreads, future1, task1);
        Thread t2 =
                Completer.start(virtualThreads, future2, () -> second.timed(() -> factorial(n2)));
        // Wait for the callbacks, not just the futures: a future runs its dependents newest first.
        CompletableFuture.allOf(printed1, printed2).handle((ignored, error) -> null).join();
        long elapsed = Timing.since(start);
        t1.join();
        t2.join();

        out.println();
        new Table("future", "computed on", "took", "callback ran on")
                .row("future1 (sum)", first.workThread.get(), Timing.format(first.nanos),
                        first.callbackThread.get())
                .row("future2 (factorial)", second.workThread.get(), Timing.format(second.nanos),
                        second.callbackThread.get())
                .print(out);
        out.println();
        out.printf(
                "Both futures and their callbacks done in %s (wall time from starting the tasks).%n",
                Timing.format(elapsed));
        out.println(
                "Differences from asyncio: the two tasks may run in parallel, on different carriers; each callback");
        out.println(
                "runs on the thread that completed its future (asyncio runs callbacks on the event loop, via");
        out.println(
                "call_soon); a callback added to a future that is already done runs at once, on the adding thread.");
        out.flush();
        return future1.isCompletedExceptionally() || future2.isCompletedExceptionally() ? 1 : 0;
    }

    private static void printResult(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private String shorten(BigInteger value) {
        String digits = value.toString();
        if (full || digits.length() <= SHOWN_DIGITS) {
            return digits;
        }
        return digits.substring(0, 10) + "..." + digits.substring(digits.length() - 10)
                + String.format(Locale.ROOT, " (%,d digits; --full prints all)", digits.length());
    }

    private static String describe(Thread t) {
        return (t.isVirtual() ? "virtual" : "platform") + " thread '" + t.getName() + "'";
    }

    /** What one task did: where it ran and how long it took. */
    private static final class TaskLog {
        final AtomicReference<String> workThread = new AtomicReference<>("-");
        final AtomicReference<String> callbackThread = new AtomicReference<>("-");
        volatile long nanos;

        <T> T timed(java.util.function.Supplier<T> work) {
            workThread.set(describe(Thread.currentThread()));
            long start = System.nanoTime();
            try {
                return work.get();
            } finally {
                nanos = Timing.since(start);
            }
        }
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new FuturesDemo(), args));
    }
}
