package dev.loomcookbook.tasks;

import dev.loomcookbook.recipes.Recipe;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;

/**
 * The original task-manipulation script: factorial(10), fibonacci(10) and
 * binomial_coefficient(20, 10), computed step by step as three concurrent tasks that pause after
 * every step.
 */
public final class ThreeTasks {

    /** This recipe, with the twin's pause of 100 ms ({@code tasks --pause} sets the demo's). */
    public static final Recipe RECIPE = Recipe.of("three-tasks",
            "three asyncio.Task objects at once", ThreeTasks.class,
            out -> new ThreeTasks(out, Steps.STEP).run())
            .differs("Python's '/' made the binomial 184756.0; Java's long division is exact")
            .normalise("^(binomial_coefficient\\(20, 10\\) = 184756)\\.0$", "$1")
            .anyOrder(".*");

    /** The scope's name, as a thread dump ({@code pstree PID}) shows it. */
    public static final String SCOPE_NAME = "three-tasks";

    /** One task's outcome: its name, its step count, its final line and when it finished. */
    public record Outcome(String name, int steps, String line, long finishedNanos) {}

    /** How a step pauses: {@code Thread::sleep}, or a test's own. */
    @FunctionalInterface
    public interface Pause {
        /** Pauses for {@code duration}. */
        void pause(Duration duration) throws InterruptedException;
    }

    private final PrintStream out;
    private final Duration pause;
    private final Pause pauser;
    private final long start = System.nanoTime();

    /** The three tasks printing to {@code out} and sleeping {@code pause} after each step. */
    public ThreeTasks(PrintStream out, Duration pause) {
        this(out, pause, Thread::sleep);
    }

    /** As above, each step pausing through {@code pauser}. */
    public ThreeTasks(PrintStream out, Duration pause, Pause pauser) {
        this.out = out;
        this.pause = pause;
        this.pauser = pauser;
    }

    /** Runs the three tasks at once and returns their outcomes in fork order. */
    public List<Outcome> run() throws InterruptedException {
        // @start region="three-tasks"
        try (var scope = StructuredTaskScope.open(Joiner.<Outcome>allSuccessfulOrThrow(),
                cf -> cf.withName(SCOPE_NAME)                              // pstree shows it
                        .withThreadFactory(Thread.ofVirtual().name("task-", 1).factory()))) {
            scope.fork(() -> factorial(10));          // each fork starts a virtual thread
            scope.fork(() -> fibonacci(10));
            scope.fork(() -> binomialCoefficient(20, 10));
            return scope.join().map(Subtask::get).toList();
        }
        // @end
    }

    // @start region="steps"
    Outcome factorial(int number) throws InterruptedException {
        long f = 1;
        for (int i = 2; i <= number; i++) {
            step("factorial(" + i + ")");             // prints the step, then pauses
            f *= i;
        }
        return finish("factorial", number - 1, "factorial(" + number + ") = " + f);
    }

    Outcome fibonacci(int number) throws InterruptedException {
        long a = 0;
        long b = 1;
        for (int i = 0; i < number; i++) {
            step("fibonacci(" + i + ")");
            long next = a + b;
            a = b;
            b = next;
        }
        return finish("fibonacci", number, "fibonacci(" + number + ") = " + a);
    }

    Outcome binomialCoefficient(int n, int k) throws InterruptedException {
        long result = 1;
        for (int i = 1; i <= k; i++) {
            result = result * (n - i + 1) / i;       // exact: C(n, i) after each step
            step("binomial_coefficient(" + i + ")");
        }
        return finish("binomial_coefficient", k,
                "binomial_coefficient(" + n + ", " + k + ") = " + result);
    }
    // @end

    private void step(String what) throws InterruptedException {
        out.println("Asyncio.Task: Compute " + what);
        pauser.pause(pause);
    }

    private Outcome finish(String name, int steps, String line) {
        out.println(line);
        return new Outcome(name, steps, line, System.nanoTime() - start);
    }

    public static void main(String[] args) throws Exception {
        new ThreeTasks(System.out, Duration.ofSeconds(1)).run();
    }
}
