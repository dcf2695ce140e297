package dev.loomcookbook.tasks;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One small runnable example per asyncio task operation. Each shows the Python lines, the Java 25
 * lines that do the same, then runs the Java and prints what happened and the result.
 *
 * <p>The "slow" tasks sleep for a day: they can only end by being interrupted, so what each
 * example prints about cancellation does not depend on timing.
 */
public final class TaskExamples {

    /** One step of simulated I/O (an {@code await asyncio.sleep(0.1)}). */
    static final Duration STEP = Duration.ofMillis(100);

    private TaskExamples() {}

    /** What an example's body prints to: timestamped lines, then the result. */
    public static final class Log {
        private final PrintWriter out;
        private final long start = System.nanoTime();

        Log(PrintWriter out) {
            this.out = out;
        }

        /** A line about something that happened, with the time since the example started. */
        public void say(String format, Object... args) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            out.printf(Locale.ROOT, "    [%5d ms] %s%n", ms, String.format(Locale.ROOT, format, args));
            out.flush();
        }

        /** The example's claim, the line a reader (and the tests) should look at. */
        public void result(String format, Object... args) {
            out.printf(Locale.ROOT, "  => %s%n", String.format(Locale.ROOT, format, args));
            out.flush();
        }
    }

    /** An example's code: runs the Java side and prints through {@link Log}. */
    @FunctionalInterface
    public interface Body {
        void run(Log log) throws Exception;
    }

    /** One example: its name for {@code --example}, the Python it maps, both codes, and the code itself. */
    public record Example(String name, String python, String pythonCode, String javaCode, String note, Body body) {

        /** Prints the header and both codes, runs the example, and prints what it printed. */
        public void run(PrintWriter out) throws Exception {
            out.printf("--- %s: %s ---%n", name, python);
            out.println("  Python:");
            pythonCode.lines().forEach(l -> out.println("    " + l));
            out.println("  Java 25:");
            javaCode.lines().forEach(l -> out.println("    " + l));
            out.println("  Run:");
            out.flush();
            body.run(new Log(out));
            if (!note.isEmpty()) {
                note.lines().forEach(l -> out.println("  " + l));
            }
            out.flush();
        }
    }

    /** Every example, in the order {@code --example list} shows them. */
    public static List<Example> all() {
        return EXAMPLES;
    }

    /** The example called {@code name}, if there is one. */
    public static Optional<Example> named(String name) {
        return EXAMPLES.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    // ---- shared little tasks ----------------------------------------------------------------

    static void sleepSteps(int steps) throws InterruptedException {
        Thread.sleep(STEP.multipliedBy(steps));
    }

    /** Sleeps for a day unless interrupted; records the interruption, then rethrows it. */
    static String sleepUntilInterrupted(AtomicBoolean interrupted) throws InterruptedException {
        try {
            Thread.sleep(Duration.ofDays(1));
            return "slept a whole day";
        } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
        }
    }

    // ---- the examples ---------------------------------------------------------------------

    private static final List<Example> EXAMPLES = List.of(
            new Example("create-task", "asyncio.create_task(coro) / await task",
                    """
                    task = asyncio.create_task(compute(21))
                    print("main goes on while the task runs")
                    print(await task)""",
                    """
                    try (var scope = StructuredTaskScope.open()) {
                        Subtask<Integer> task = scope.fork(() -> compute(21));
                        out.println("main goes on while the task runs");
                        scope.join();                   // await: blocks this thread only
                        out.println(task.get());
                    }""",
                    "A subtask starts at fork, on its own virtual thread; join() is the await.",
                    TaskExamples::createTask),
            new Example("gather", "asyncio.gather(*aws): results in the order given",
                    """
                    results = await asyncio.gather(fetch("a", 3), fetch("b", 1), fetch("c", 2))""",
                    """
                    try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow())) {
                        scope.fork(() -> fetch("a", 3));
                        scope.fork(() -> fetch("b", 1));
                        scope.fork(() -> fetch("c", 2));
                        List<String> results = scope.join().map(Subtask::get).toList();
                    }""",
                    "Differs on failure: gather raises the first exception and lets the others run on; this joiner cancels them.",
                    TaskExamples::gather),
            new Example("gather-return-exceptions", "asyncio.gather(*aws, return_exceptions=True)",
                    """
                    results = await asyncio.gather(ok(1), fail("boom"), ok(3), return_exceptions=True)
                    # [1, ValueError('boom'), 3]""",
                    """
                    try (var scope = StructuredTaskScope.open(Joiner.<Integer>awaitAll())) {
                        var tasks = List.of(scope.fork(() -> ok(1)), scope.fork(() -> fail("boom")),
                                scope.fork(() -> ok(3)));
                        scope.join();                   // awaitAll never cancels: all run to the end
                        for (var t : tasks) {
                            switch (t.state()) { case SUCCESS -> t.get(); case FAILED -> t.exception(); ... }
                        }
                    }""",
                    "awaitAll() returns nothing itself: keep the Subtask handles and read each state.",
                    TaskExamples::gatherReturnExceptions),
            new Example("wait-first-completed", "asyncio.wait(aws, return_when=FIRST_COMPLETED)",
                    """
                    done, pending = await asyncio.wait({slow, fast}, return_when=asyncio.FIRST_COMPLETED)
                    # pending tasks keep running until you cancel them""",
                    """
                    try (var scope = StructuredTaskScope.open(Joiner.<String>allUntil(t -> true))) {
                        scope.fork(() -> slow());        // sleeps for a day
                        scope.fork(() -> fast());
                        List<Subtask<String>> all = scope.join().toList();
                        // done: state SUCCESS or FAILED; pending: UNAVAILABLE (cancelled)
                    }""",
                    """
                    Differs: a scope cancels the pending ones (interrupts their threads); nothing outlives the block.
                    For "first *successful* result" use Joiner.anySuccessfulResultOrThrow().""",
                    TaskExamples::waitFirstCompleted),
            new Example("wait-all-completed", "asyncio.wait(aws) (return_when=ALL_COMPLETED)",
                    """
                    done, pending = await asyncio.wait({a, b, c})   # b raises; a and c still finish""",
                    """
                    try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll())) {
                        var tasks = List.of(scope.fork(() -> work("a", 1)),
                                scope.fork(() -> fail("b")), scope.fork(() -> work("c", 2)));
                        scope.join();                   // waits for every subtask, failed or not
                    }""",
                    "open() alone (awaitAllSuccessfulOrThrow) would instead cancel a and c when b fails.",
                    TaskExamples::waitAllCompleted),
            new Example("wait-for", "asyncio.wait_for(aw, timeout) / async with asyncio.timeout(t)",
                    """
                    try:
                        await asyncio.wait_for(slow(), timeout=0.2)   # or: async with asyncio.timeout(0.2)
                    except TimeoutError:
                        print("timed out; slow() was cancelled")""",
                    """
                    try (var scope = StructuredTaskScope.open(Joiner.<String>anySuccessfulResultOrThrow(),
                            cf -> cf.withTimeout(Duration.ofMillis(200)))) {
                        scope.fork(() -> slow());
                        scope.join();
                    } catch (StructuredTaskScope.TimeoutException e) {
                        out.println("timed out; slow() was interrupted");
                    }""",
                    """
                    The clock starts at open(), not at join(). The exception is StructuredTaskScope.TimeoutException,
                    a RuntimeException, not java.util.concurrent.TimeoutException.""",
                    TaskExamples::waitFor),
            new Example("as-completed", "asyncio.as_completed(aws)",
                    """
                    for next_done in asyncio.as_completed([fetch("a", 3), fetch("b", 1), fetch("c", 2)]):
                        print(await next_done)""",
                    """
                    var asCompleted = new AsCompletedJoiner<String>();      // this project's Joiner
                    try (var scope = StructuredTaskScope.open(asCompleted)) {
                        scope.fork(() -> fetch("a", 3));
                        scope.fork(() -> fetch("b", 1));
                        scope.fork(() -> fetch("c", 2));
                        while (asCompleted.hasNext()) {
                            out.println(asCompleted.next().get());          // in completion order
                        }
                        scope.join();
                    }""",
                    "The JDK has no such joiner; a Joiner's onComplete runs as each subtask ends, so it can queue them.",
                    TaskExamples::asCompleted),
            new Example("task-group", "async with asyncio.TaskGroup() as tg: a failure cancels the siblings",
                    """
                    async with asyncio.TaskGroup() as tg:
                        tg.create_task(slow())
                        tg.create_task(fail("boom"))
                    # raises ExceptionGroup([ValueError('boom')]); slow() was cancelled""",
                    """
                    try (var scope = StructuredTaskScope.open()) {   // awaitAllSuccessfulOrThrow
                        scope.fork(() -> slow());
                        scope.fork(() -> fail("boom"));
                        scope.join();
                    } catch (StructuredTaskScope.FailedException e) {
                        out.println(e.getCause());               // the first failure
                    }""",
                    "Differs: TaskGroup raises an ExceptionGroup of every failure; join() reports the first one.",
                    TaskExamples::taskGroup),
            new Example("cancel", "task.cancel(): cancel one task, keep the others",
                    """
                    task = asyncio.create_task(slow()); other = asyncio.create_task(work())
                    task.cancel()          # only this task gets CancelledError
                    print(await other)""",
                    """
                    // (a) an executor: Future.cancel(true) interrupts just that task
                    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                        Future<String> task = ex.submit(() -> slow()), other = ex.submit(() -> work());
                        task.cancel(true);
                        out.println(other.get());
                    }
                    // (b) in a scope (which cancels only as a whole): a nested scope per cancellable task
                    var token = new CancelToken();                  // this project's helper
                    try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll())) {
                        var task = scope.fork(() -> token.run(() -> slow()));
                        var other = scope.fork(() -> work());
                        token.cancel();                             // task ends with CancellationException
                        scope.join();
                    }""",
                    "A Subtask has no cancel(): the honest choices are a Future, or a scope of its own.",
                    TaskExamples::cancel),
            new Example("shield", "asyncio.shield(aw): the caller is cancelled, the work is not",
                    """
                    async def handler():
                        await asyncio.shield(save())     # cancelling handler() leaves save() running""",
                    """
                    try (var saver = Executors.newVirtualThreadPerTaskExecutor()) {   // outlives the scope
                        try (var scope = StructuredTaskScope.open()) {
                            scope.fork(() -> saver.submit(() -> save()).get());       // only the wait is interrupted
                            scope.fork(() -> fail("client went away"));
                            scope.join();
                        } catch (StructuredTaskScope.FailedException e) { ... }
                    }                                    // saver.close() waits for save()""",
                    """
                    Java has no shield: every thread in a cancelled scope is interrupted. The work must run outside
                    the scope (here an executor that outlives it), so it leaves the scope's structure: the scope
                    no longer knows about it, and the executor's close() is what waits for it.""",
                    TaskExamples::shield),
            new Example("semaphore", "asyncio.Semaphore(3): bounded concurrency",
                    """
                    sem = asyncio.Semaphore(3)
                    async def fetch(i):
                        async with sem:
                            await asyncio.sleep(0.1)
                    await asyncio.gather(*(fetch(i) for i in range(10)))""",
                    """
                    Semaphore sem = new Semaphore(3);
                    try (var scope = StructuredTaskScope.open()) {
                        for (int i = 0; i < 10; i++) {
                            scope.fork(() -> { sem.acquire(); try { fetch(); } finally { sem.release(); } });
                        }
                        scope.join();
                    }""",
                    "Ten virtual threads are cheap; the semaphore bounds the resource, not the threads.",
                    TaskExamples::semaphore),
            new Example("queue", "asyncio.Queue: producer and consumers",
                    """
                    q = asyncio.Queue(maxsize=2)
                    async def producer():
                        for i in range(1, 7): await q.put(i)
                    async def consumer():
                        while True: total += await q.get(); q.task_done()
                    # ... await q.join(), then cancel the consumers""",
                    """
                    BlockingQueue<Integer> q = new ArrayBlockingQueue<>(2);
                    try (var scope = StructuredTaskScope.open()) {
                        scope.fork(() -> { for (int i = 1; i <= 6; i++) q.put(i); q.put(STOP); q.put(STOP); });
                        for (int c = 0; c < 2; c++) {
                            scope.fork(() -> { for (int i; (i = q.take()) != STOP; ) total.add(work(i)); });
                        }
                        scope.join();
                    }""",
                    "put() blocks when full, take() when empty: each blocks only its own virtual thread.\n"
                            + "There is no task_done()/join(): one STOP marker per consumer ends them.",
                    TaskExamples::queue),
            new Example("contextvars", "contextvars.ContextVar, copied into new tasks",
                    """
                    request_id = contextvars.ContextVar("request_id")
                    request_id.set("req-42")
                    await asyncio.gather(handle(), handle())   # each task sees req-42""",
                    """
                    static final ScopedValue<String> REQUEST_ID = ScopedValue.newInstance();
                    ScopedValue.where(REQUEST_ID, "req-42").call(() -> {
                        try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow())) {
                            scope.fork(() -> handle());            // handle() reads REQUEST_ID.get()
                            scope.fork(() -> handle());
                            return scope.join().map(Subtask::get).toList();
                        }
                    });""",
                    "Differs: a ScopedValue is bound for a call, never set; scope subtasks inherit it, plain threads do not.",
                    TaskExamples::contextvars));

    // ---- bodies -----------------------------------------------------------------------------

    private static void createTask(Log log) throws InterruptedException {
        try (var scope = StructuredTaskScope.open()) {
            Subtask<Integer> task = scope.fork(() -> {
                log.say("compute(21) runs on a virtual thread: %s", Thread.currentThread().isVirtual());
                sleepSteps(1);
                return 21 * 2;
            });
            log.say("main goes on while the task runs");
            scope.join();
            log.result("task.get() = %d", task.get());
        }
    }

    private static String fetch(Log log, String name, int steps) throws InterruptedException {
        sleepSteps(steps);
        log.say("%s finished after %d step(s)", name, steps);
        return name;
    }

    private static void gather(Log log) throws InterruptedException {
        try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow())) {
            scope.fork(() -> fetch(log, "a", 3));
            scope.fork(() -> fetch(log, "b", 1));
            scope.fork(() -> fetch(log, "c", 2));
            List<String> results = scope.join().map(Subtask::get).toList();
            log.result("results = %s (fork order, whatever the finishing order)", results);
        }
    }

    private static Integer fail(String message) {
        throw new IllegalArgumentException(message);
    }

    private static void gatherReturnExceptions(Log log) throws InterruptedException {
        try (var scope = StructuredTaskScope.open(Joiner.<Integer>awaitAll())) {
            var tasks = List.of(scope.fork(() -> 1), scope.fork(() -> fail("boom")), scope.fork(() -> 3));
            scope.join();
            List<String> results = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                Subtask<Integer> t = tasks.get(i);
                String shown = switch (t.state()) {
                    case SUCCESS -> String.valueOf(t.get());
                    case FAILED -> t.exception().getClass().getSimpleName() + "('" + t.exception().getMessage() + "')";
                    case UNAVAILABLE -> "unavailable";
                };
                log.say("subtask %d: %s %s", i + 1, t.state(), shown);
                results.add(shown);
            }
            log.result("results = %s", results);
        }
    }

    private static void waitFirstCompleted(Log log) throws InterruptedException {
        AtomicBoolean slowInterrupted = new AtomicBoolean();
        try (var scope = StructuredTaskScope.open(Joiner.<String>allUntil(t -> true))) {
            // slow is forked first, so its thread exists when fast completes and gets the interrupt.
            Subtask<String> slow = scope.fork(() -> sleepUntilInterrupted(slowInterrupted));
            Subtask<String> fast = scope.fork(() -> "fast result");
            scope.join();
            log.say("fast: %s '%s'", fast.state(), fast.get());
            log.say("slow: %s", slow.state());
        }
        log.result("done = [fast], pending = [slow]; slow was interrupted: %s", slowInterrupted.get());
    }

    private static void waitAllCompleted(Log log) throws InterruptedException {
        try (var scope = StructuredTaskScope.open(Joiner.<Object>awaitAll())) {
            var a = scope.fork(() -> fetch(log, "a", 1));
            var b = scope.fork(() -> fail("b"));
            var c = scope.fork(() -> fetch(log, "c", 2));
            scope.join();
            log.say("a: %s, b: %s (%s), c: %s", a.state(), b.state(), b.exception().getMessage(), c.state());
            long done = List.of(a, b, c).stream().filter(t -> t.state() != Subtask.State.UNAVAILABLE).count();
            log.result("done = %d of 3, pending = 0; c: %s although b failed", done, c.state());
        }
    }

    private static void waitFor(Log log) throws InterruptedException {
        AtomicBoolean slowInterrupted = new AtomicBoolean();
        Duration timeout = STEP.multipliedBy(2);
        try (var scope = StructuredTaskScope.open(Joiner.<String>anySuccessfulResultOrThrow(),
                cf -> cf.withTimeout(timeout))) {
            scope.fork(() -> sleepUntilInterrupted(slowInterrupted));
            scope.join();
            log.say("slow() finished in time (it should not have)");
        } catch (StructuredTaskScope.TimeoutException e) {
            log.say("join threw StructuredTaskScope.TimeoutException after the %d ms timeout", timeout.toMillis());
        }
        log.say("slow() was interrupted: %s", slowInterrupted.get());
        try (var scope = StructuredTaskScope.open(Joiner.<String>anySuccessfulResultOrThrow(),
                cf -> cf.withTimeout(Duration.ofSeconds(30)))) {
            scope.fork(() -> "fast result");
            log.say("with a 30 s timeout, fast() = '%s'", scope.join());
        }
        log.result("too slow: StructuredTaskScope.TimeoutException and the subtask interrupted; in time: the value");
    }

    private static void asCompleted(Log log) throws Exception {
        var asCompleted = new AsCompletedJoiner<String>();
        List<String> order = new ArrayList<>();
        try (var scope = StructuredTaskScope.open(asCompleted)) {
            scope.fork(() -> fetch(log, "a", 3));
            scope.fork(() -> fetch(log, "b", 1));
            scope.fork(() -> fetch(log, "c", 2));
            while (asCompleted.hasNext()) {
                var next = asCompleted.next();
                log.say("as_completed yields %s (forked as #%d)", next.get(), next.forkIndex() + 1);
                order.add(next.get());
            }
            scope.join();
        }
        log.result("yielded %s: in completion order, forked as [a, b, c]", order);
    }

    private static void taskGroup(Log log) throws InterruptedException {
        AtomicBoolean slowInterrupted = new AtomicBoolean();
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> sleepUntilInterrupted(slowInterrupted));
            scope.fork(() -> fail("boom"));
            scope.join();
            log.say("join returned (it should not have)");
        } catch (StructuredTaskScope.FailedException e) {
            log.say("join threw FailedException, cause %s", e.getCause());
        }
        log.result("the failure cancelled the scope; slow() was interrupted: %s", slowInterrupted.get());
    }

    private static void cancel(Log log) throws Exception {
        Future.State executorTask;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> task = executor.submit(() -> sleepUntilInterrupted(new AtomicBoolean()));
            Future<String> other = executor.submit(() -> fetch(log, "other", 1));
            task.cancel(true);
            log.say("(a) executor: task.state() = %s, other.get() = %s", task.state(), other.get());
            executorTask = task.state();
        }
        var token = new CancelToken();
        try (var scope = StructuredTaskScope.open(Joiner.<String>awaitAll())) {
            var task = scope.fork(() -> token.run(() -> sleepUntilInterrupted(new AtomicBoolean())));
            var other = scope.fork(() -> fetch(log, "other", 1));
            token.cancel();
            scope.join();
            log.say("(b) nested scope: task %s with %s, other %s = %s", task.state(),
                    task.exception().getClass().getSimpleName(), other.state(), other.get());
            log.result("only the cancelled task ended: executor task %s, scope task %s; both others finished",
                    executorTask, task.exception().getClass().getSimpleName());
        }
    }

    private static void shield(Log log) throws InterruptedException {
        AtomicBoolean waiterInterrupted = new AtomicBoolean();
        AtomicBoolean saved = new AtomicBoolean();
        CountDownLatch scopeClosed = new CountDownLatch(1);
        try (var saver = Executors.newVirtualThreadPerTaskExecutor()) {
            try (var scope = StructuredTaskScope.open()) {
                scope.fork(() -> {
                    Future<?> save = saver.submit(() -> {
                        scopeClosed.await();          // so that save() visibly outlives the scope
                        sleepSteps(1);
                        saved.set(true);
                        log.say("save() finished");
                        return null;
                    });
                    try {
                        return save.get();
                    } catch (InterruptedException e) {
                        waiterInterrupted.set(true);
                        throw e;
                    }
                });
                scope.fork(() -> fail("client went away"));
                scope.join();
            } catch (StructuredTaskScope.FailedException e) {
                log.say("scope failed (%s); the waiting subtask was interrupted: %s",
                        e.getCause().getMessage(), waiterInterrupted.get());
            }
            log.say("scope closed; save() done yet: %s", saved.get());
            scopeClosed.countDown();
        }
        log.result("after saver.close(): save() completed: %s", saved.get());
    }

    private static void semaphore(Log log) throws InterruptedException {
        Semaphore sem = new Semaphore(3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        try (var scope = StructuredTaskScope.open()) {
            for (int i = 0; i < 10; i++) {
                scope.fork(() -> {
                    sem.acquire();
                    try {
                        peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        sleepSteps(1);
                        inside.decrementAndGet();
                        finished.incrementAndGet();
                    } finally {
                        sem.release();
                    }
                    return null;
                });
            }
            log.say("10 subtasks forked, 10 virtual threads");
            scope.join();
        }
        log.result("%d finished; peak inside the semaphore: %d (limit 3)", finished.get(), peak.get());
    }

    private static void queue(Log log) throws InterruptedException {
        final int stop = -1;
        BlockingQueue<Integer> q = new ArrayBlockingQueue<>(2);
        AtomicInteger total = new AtomicInteger();
        AtomicInteger count = new AtomicInteger();
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> {
                for (int i = 1; i <= 6; i++) {
                    q.put(i);
                }
                q.put(stop);
                q.put(stop);
                return null;
            });
            for (int c = 1; c <= 2; c++) {
                int consumer = c;
                scope.fork(() -> {
                    for (int i; (i = q.take()) != stop; ) {
                        total.addAndGet(i);
                        count.incrementAndGet();
                        log.say("consumer %d got %d", consumer, i);
                        sleepSteps(1);   // the work per item, so that both consumers get some
                    }
                    return null;
                });
            }
            scope.join();
        }
        log.result("consumed %d items, total = %d (queue capacity 2)", count.get(), total.get());
    }

    private static String handle(String who) {
        return who + " sees " + RequestContext.requestId();
    }

    private static void contextvars(Log log) throws Exception {
        AtomicReference<String> plainThread = new AtomicReference<>();
        List<String> seen = ScopedValue.where(RequestContext.REQUEST_ID, "req-42").call(() -> {
            Thread t = Thread.ofVirtual().start(() -> plainThread.set(handle("a plain new thread")));
            t.join();
            try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow())) {
                scope.fork(() -> handle("subtask 1"));
                scope.fork(() -> handle("subtask 2"));
                return scope.join().map(Subtask::get).toList();
            }
        });
        seen.forEach(s -> log.say("%s", s));
        log.say("%s", plainThread.get());
        log.say("%s", handle("the caller, after the call"));
        log.result("subtasks see req-42; a plain thread and the code outside the binding see (unbound)");
    }
}
