package dev.loomcookbook.executors;

import dev.loomcookbook.recipes.Recipe;
import dev.loomcookbook.tasks.Steps;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code concurrent.futures.wait(fs, return_when=...)}: {@code FIRST_COMPLETED},
 * {@code FIRST_EXCEPTION}, {@code ALL_COMPLETED}, with a completion service's {@code take()}.
 */
public final class WaitModes {

    /** This recipe: {@code recipes futures-wait}. */
    public static final Recipe RECIPE = Recipe.of("futures-wait",
            "concurrent.futures.wait(fs, return_when=...)", WaitModes.class,
            WaitModes::run)
            .differs("no wait(): take() from an ExecutorCompletionService until the mode is met");

    private WaitModes() {}

    static void run(PrintStream out) throws InterruptedException, ExecutionException {
        CountDownLatch release = new CountDownLatch(1);
        // @start region="futures-wait"
        Future<String> slow;
        Future<String> fast;
        Future<String> failing;
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            CompletionService<String> done = new ExecutorCompletionService<>(pool);
            slow = done.submit(() -> waitFor(release));              // blocks until released
            fast = done.submit(() -> "fast");
            out.println("FIRST_COMPLETED: " + done.take().get()
                    + ", pending " + pending(List.of(slow, fast)));

            failing = done.submit(() -> Steps.fail("boom"));
            Future<String> failed = firstFailed(done, 2);             // slow, failing are left
            out.println("FIRST_EXCEPTION: " + failed.exceptionNow().getMessage()
                    + ", pending " + pending(List.of(slow, failing)));
            release.countDown();
        }                                                             // close() waits for all
        out.println("ALL_COMPLETED: pending " + pending(List.of(slow, fast, failing)));
        // @end
    }

    // @start region="first-failed"
    /** Takes up to {@code left} completions; returns the first that failed, or null. */
    static <T> Future<T> firstFailed(CompletionService<T> done, int left)
            throws InterruptedException {
        for (; left > 0; left--) {
            Future<T> next = done.take();
            if (next.state() == Future.State.FAILED) {
                return next;
            }
        }
        return null;
    }
    // @end

    static long pending(List<Future<String>> futures) {
        return futures.stream().filter(f -> !f.isDone()).count();
    }

    static String waitFor(CountDownLatch release) throws InterruptedException {
        release.await();
        return "slow";
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
