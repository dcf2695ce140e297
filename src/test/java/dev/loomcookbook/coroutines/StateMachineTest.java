package dev.loomcookbook.coroutines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.coroutines.StateMachine.Hop;
import dev.loomcookbook.coroutines.StateMachine.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The coroutine script's state machine: its table, its seeded transitions, many machines at once. */
class StateMachineTest {

    /** The transitions exactly as the coroutine script has them. */
    static final String SCRIPT_TABLE =
            "start 0->state2, 1->state1; state1 0->state3, 1->state2; state2 0->state1, 1->state3; state3 0->state1, 1->end";

    /** The machine's transition table is the script's, row by row. */
    @Test
    void transitionTableMatchesTheScript() {
        Map<String, List<String>> actual = new LinkedHashMap<>();
        StateMachine.TRANSITIONS.forEach((from, to) -> actual.put(tableName(from),
                to.stream().map(StateMachineTest::tableName).toList()));
        assertThat(actual).isEqualTo(parseScriptTable());
    }

    /** For fixed seeds the hops equal a walk of the script's table, computed here with the same draws. */
    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2024, 123_456_789})
    void seededTransitionsMatchAnIndependentWalk(long seed) throws InterruptedException {
        List<String> expected = walk(parseScriptTable(), new SplittableRandom(seed));
        List<Hop> hops = StateMachine.run(StateMachine.randomFor(seed), Duration.ZERO, line -> {});
        assertThat(hops.stream().map(Hop::line).toList()).isEqualTo(expected);
    }

    /** The machine prints the script's lines: the start, one evaluation per middle state, the stop. */
    @Test
    void printsTheScriptsLines() throws InterruptedException {
        List<String> printed = new ArrayList<>();
        List<Hop> hops = StateMachine.run(StateMachine.randomFor(42), Duration.ZERO, printed::add);
        List<String> expected = new ArrayList<>();
        expected.add("Start State called");
        for (int i = 1; i < hops.size(); i++) {
            expected.add("...evaluating...");
        }
        expected.add("...stop computation...");
        assertThat(printed).isEqualTo(expected);
    }

    /** N machines at once give N results, machine i the same hops as a lone machine with seed + i. */
    @ParameterizedTest
    @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")
    void nMachinesGiveNResults(ThreadFactory factory) throws InterruptedException {
        int machines = 200;
        long firstSeed = 1000;
        AtomicInteger finished = new AtomicInteger();
        List<List<Hop>> results =
                StateMachine.runConcurrently(machines, firstSeed, Duration.ZERO, finished, factory);
        assertThat(results).hasSize(machines);
        assertThat(finished).hasValue(machines);
        for (int i = 0; i < machines; i++) {
            List<String> lines = results.get(i).stream().map(Hop::line).toList();
            assertThat(lines).as("machine %d", i)
                    .isEqualTo(walk(parseScriptTable(), new SplittableRandom(firstSeed + i)));
        }
    }

    /**
     * Thousands of coroutines at once: N machines, many more than the carrier threads, are all inside
     * their first pause together (a latch for N opens only then), and all finish after it opens.
     */
    @Test
    void thousandMachinesArePausedAtOnce() throws InterruptedException {
        int machines = 1000;
        assertThat(machines).as("more machines than carrier threads")
                .isGreaterThan(Runtime.getRuntime().availableProcessors());
        CountDownLatch allPaused = new CountDownLatch(machines);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Set<Thread> paused = ConcurrentHashMap.newKeySet();
        AtomicInteger finished = new AtomicInteger();
        List<List<Hop>> results = StateMachine.runConcurrently(machines, 1, () -> {
            peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                if (paused.add(Thread.currentThread())) {   // each machine's first pause waits for all the others
                    allPaused.countDown();
                    if (!allPaused.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError(
                                "the machines were not all paused at once within 30 s");
                    }
                }
            } finally {
                inside.decrementAndGet();
            }
        }, finished, Thread.ofVirtual().factory());
        assertThat(peak).hasValue(machines);
        assertThat(results).hasSize(machines);
        assertThat(finished).hasValue(machines);
    }

    /** Parses {@link #SCRIPT_TABLE}: state name to its next states for 0 and 1. */
    private static Map<String, List<String>> parseScriptTable() {
        Map<String, List<String>> table = new LinkedHashMap<>();
        for (String row : SCRIPT_TABLE.split(";", -1)) {
            String[] parts = row.strip().split(" ", 2);
            String[] edges = parts[1].split(",", -1);
            List<String> next = new ArrayList<>(List.of("", ""));
            for (String edge : edges) {
                String[] e = edge.strip().split("->", -1);
                next.set(Integer.parseInt(e[0]), e[1]);
            }
            table.put(parts[0], next);
        }
        return table;
    }

    /** Walks the table from start to end with one draw per state, giving the script's summary lines. */
    private static List<String> walk(Map<String, List<String>> table, SplittableRandom random) {
        List<String> lines = new ArrayList<>();
        String state = "start";
        while (!state.equals("end")) {
            int value = random.nextInt(2);
            String next = table.get(state).get(value);
            lines.add(scriptName(state) + " calling " + scriptName(next)
                    + " with transition value = " + value);
            state = next;
        }
        return lines;
    }

    /** The table's name for a state: start, state1, ..., end. */
    private static String tableName(State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /** The script's printed name for the table's state name. */
    private static String scriptName(String tableName) {
        return switch (tableName) {
            case "start" -> "Start State";
            case "end" -> "End State";
            default -> "State " + tableName.substring("state".length());
        };
    }
}
