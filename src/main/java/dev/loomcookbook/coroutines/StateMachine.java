package dev.loomcookbook.coroutines;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The coroutine script's finite-state machine. Each state is a plain method; Python's
 * {@code result = await state2(value)} is a plain call, and {@code await asyncio.sleep(1)} is a
 * plain {@link Thread#sleep}, which on a virtual thread frees the carrier for other machines.
 *
 * <p>Each state except the end draws 0 or 1, pauses, and calls the state that {@link #TRANSITIONS}
 * names for that value; the end state stops. The hops come back up the call chain, as the
 * original's strings do.
 */
public final class StateMachine {

    /** The states, with the original script's names for them. */
    public enum State {
        START("Start State"),
        STATE1("State 1"),
        STATE2("State 2"),
        STATE3("State 3"),
        END("End State");

        private final String label;

        State(String label) {
            this.label = label;
        }

        /** The name the original script prints, e.g. {@code State 2}. */
        public String label() {
            return label;
        }
    }

    /** One transition: {@code from} drew {@code value} and called {@code to}. */
    public record Hop(State from, State to, int value) {
        /** The original's summary line, e.g. {@code State 1 calling State 2 with transition value = 1}. */
        public String line() {
            return from.label() + " calling " + to.label() + " with transition value = " + value;
        }
    }

    /** The next state for a drawn 0 (index 0) or 1 (index 1); the end state has none. */
    public static final Map<State, List<State>> TRANSITIONS = transitions();

    private static Map<State, List<State>> transitions() {
        Map<State, List<State>> t = new EnumMap<>(State.class);
        t.put(State.START, List.of(State.STATE2, State.STATE1));
        t.put(State.STATE1, List.of(State.STATE3, State.STATE2));
        t.put(State.STATE2, List.of(State.STATE1, State.STATE3));
        t.put(State.STATE3, List.of(State.STATE1, State.END));
        return Collections.unmodifiableMap(t);
    }

    /** How a machine awaits its pause ({@code Thread.sleep}); a test passes its own to hold many machines at once. */
    @FunctionalInterface
    interface Pause {
        void pause() throws InterruptedException;
    }

    private final RandomGenerator random;
    private final Pause pause;
    private final Consumer<String> out;

    private StateMachine(RandomGenerator random, Pause pause, Consumer<String> out) {
        this.random = random;
        this.pause = pause;
        this.out = out;
    }

    /**
     * Runs one machine to its end state on the calling thread and returns its hops in order.
     * {@code out} receives the script's progress lines ({@code Start State called},
     * {@code ...evaluating...}, {@code ...stop computation...}); pass {@code line -> {}} to keep quiet.
     */
    public static List<Hop> run(RandomGenerator random, Duration pause, Consumer<String> out)
            throws InterruptedException {
        return new StateMachine(random, () -> Thread.sleep(pause), out).startState();
    }

    /** The generator a machine with this seed draws from: {@code new SplittableRandom(seed)}. */
    public static RandomGenerator randomFor(long seed) {
        return new SplittableRandom(seed);
    }

    /**
     * Runs {@code machines} quiet machines at once, one virtual thread each, inside a
     * {@link StructuredTaskScope} (Python: {@code await asyncio.gather(*(start_state() for ...))}).
     * Machine {@code i} draws from {@link #randomFor randomFor(firstSeed + i)}; the results come
     * back in machine order, and {@code finished} counts machines as they end (for progress).
     */
    public static List<List<Hop>> runConcurrently(int machines, long firstSeed, Duration pause,
            AtomicInteger finished)
            throws InterruptedException {
        return runConcurrently(machines, firstSeed, pause, finished, Thread.ofVirtual().factory());
    }

    /** As {@link #runConcurrently(int, long, Duration, AtomicInteger)}, with threads from {@code threadFactory}. */
    public static List<List<Hop>> runConcurrently(int machines, long firstSeed, Duration pause,
            AtomicInteger finished,
            ThreadFactory threadFactory) throws InterruptedException {
        return runConcurrently(machines, firstSeed, () -> Thread.sleep(pause), finished,
                threadFactory);
    }

    /** For tests: as above, each machine pausing with {@code pause} instead of Thread.sleep. */
    static List<List<Hop>> runConcurrently(int machines, long firstSeed, Pause pause,
            AtomicInteger finished,
            ThreadFactory threadFactory) throws InterruptedException {
        try (var scope = StructuredTaskScope.open(Joiner.<List<Hop>>allSuccessfulOrThrow(),
                cf -> cf.withName("state-machines").withThreadFactory(threadFactory))) {
            for (int i = 0; i < machines; i++) {
                long seed = firstSeed + i;
                scope.fork(() -> {
                    List<Hop> hops =
                            new StateMachine(randomFor(seed), pause, line -> {}).startState();
                    finished.incrementAndGet();
                    return hops;
                });
            }
            return scope.join().map(Subtask::get).toList();
        }
    }

    // async def start_state(): print(...); value = randint(0, 1); await asyncio.sleep(1); await state2(value) ...
    private List<Hop> startState() throws InterruptedException {
        out.accept("Start State called");
        int value = random.nextInt(2);
        pause.pause();
        return callNext(State.START, value);
    }

    // async def state1(transition_value): the same body as states 2 and 3, with its own row of the table.
    private List<Hop> state1() throws InterruptedException {
        return evaluate(State.STATE1);
    }

    private List<Hop> state2() throws InterruptedException {
        return evaluate(State.STATE2);
    }

    private List<Hop> state3() throws InterruptedException {
        return evaluate(State.STATE3);
    }

    // async def end_state(transition_value): print("...stop computation..."); the chain unwinds from here.
    private List<Hop> endState() {
        out.accept("...stop computation...");
        return new ArrayList<>();
    }

    /** A middle state's body: draw, await the pause, say so, await the next state. */
    private List<Hop> evaluate(State here) throws InterruptedException {
        int value = random.nextInt(2);
        pause.pause();
        out.accept("...evaluating...");
        return callNext(here, value);
    }

    /** {@code result = await next_state(value)}: an ordinary call; the hop is prepended on the way back. */
    private List<Hop> callNext(State here, int value) throws InterruptedException {
        State next = TRANSITIONS.get(here).get(value);
        List<Hop> rest = switch (next) {
            case START -> startState();
            case STATE1 -> state1();
            case STATE2 -> state2();
            case STATE3 -> state3();
            case END -> endState();
        };
        rest.addFirst(new Hop(here, next, value));
        return rest;
    }
}
