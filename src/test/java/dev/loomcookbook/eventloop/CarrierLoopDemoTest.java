package dev.loomcookbook.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The virtual-thread scheduler with one carrier, in a child JVM, behaves like asyncio's one loop
 * thread. Proven from the order of the events the child recorded, never from their times.
 */
class CarrierLoopDemoTest {

    private static final int STEPS = 4;
    private static OneCarrierJvm.Result result;

    @BeforeAll
    static void runTheChildJvm() throws Exception {
        result = OneCarrierJvm.launch(STEPS, Duration.ofMillis(50), Duration.ofMillis(100));
    }

    /** The child's virtual threads all ran on one carrier thread, the scheduler being limited to one. */
    @Test
    void childRunsEveryVirtualThreadOnOneCarrier() {
        assertThat(result.settings()).containsEntry("jdk.virtualThreadScheduler.parallelism", "1")
                .containsEntry("jdk.virtualThreadScheduler.maxPoolSize", "1");
        assertThat(result.carriers()).hasSize(1);
    }

    /** Two virtual threads that block in Thread.sleep interleave on one carrier: each ran between the other's steps. */
    @Test
    void blockingVirtualThreadsInterleaveOnOneCarrier() {
        List<OneCarrierJvm.Event> events = result.phase(OneCarrierJvm.BLOCKING);
        assertThat(labels(events))
                .containsAll(List.of("A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4"))
                .hasSize(2 * STEPS);
        assertThat(CarrierLoopDemo.interleaved(events, "A", "B")).as("order %s", labels(events))
                .isTrue();
    }

    /** A virtual thread that spins with no blocking point starves the other: D never ticks while C spins. */
    @Test
    void busyVirtualThreadStarvesTheOtherOnOneCarrier() {
        List<OneCarrierJvm.Event> events = result.phase(OneCarrierJvm.BUSY);
        List<String> order = labels(events);
        assertThat(order).startsWith("D1").contains("C start", "C end").hasSize(STEPS + 2);
        assertThat(CarrierLoopDemo.ticksDuringSpin(events))
                .as("D ticks between C start and C end in %s", order).isZero();
        assertThat(order.getLast()).as("D still had ticks to make when C ended: %s", order)
                .startsWith("D");
    }

    /** The demo renders both phases with their verdicts and exits 0. */
    @Test
    void demoPrintsBothPhases() {
        CliRun run = CliRun.of(new CarrierLoopDemo(), "--steps", "3", "--step", "30ms", "--busy",
                "60ms");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("asyncio.run(main())").contains("Interleaved:")
                .contains("D ticked 0 times while C spun")
                .contains("time.sleep() inside a coroutine blocks");
    }

    /** Fewer than two steps is a usage error: exit 2 with one clear line. */
    @Test
    void oneStepIsAUsageError() {
        CliRun run = CliRun.of(new CarrierLoopDemo(), "--steps", "1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(
                "error: Invalid value for option '--steps': must be from 2 to 50, but was 1");
    }

    /** Counts and durations beyond their bounds are usage errors, before any child JVM starts. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "--steps=51    | error: Invalid value for option '--steps': must be from 2 to 50, but was 51",
        "--step=1ns    | error: Invalid value for option '--step': must be from 1 ms to 10 s, but was 1 ns",
        "--step=1m     | error: Invalid value for option '--step': must be from 1 ms to 10 s, but was 60.0 s",
        "--busy=1h     | error: Invalid value for option '--busy': must be from 1 ms to 1 min, but was 3600 s",
    })
    void boundsAreUsageErrors(String arg, String firstLine) {
        CliRun run = CliRun.of(new CarrierLoopDemo(), arg.strip());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().findFirst()).hasValue(firstLine);
        assertThat(run.out()).isEmpty();
    }

    private static List<String> labels(List<OneCarrierJvm.Event> events) {
        return events.stream().map(OneCarrierJvm.Event::label).toList();
    }
}
