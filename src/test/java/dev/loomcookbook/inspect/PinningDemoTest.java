package dev.loomcookbook.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.inspect.PinningPatterns.Pattern;
import dev.loomcookbook.inspect.PinningPatterns.Result;
import dev.loomcookbook.testing.CliRun;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pinning report on JDK 25: JFR flags the class-initializer and native cases, not
 * {@code synchronized} or {@code Object.wait}, and one carrier shows the effect by event order.
 * The demo (and its one-carrier child JVM) runs once for the whole class.
 */
class PinningDemoTest {

    private static PinningDemo demo;
    private static CliRun run;

    @BeforeAll
    static void runDemoOnce() {
        demo = new PinningDemo();
        // A hold long enough that task B, once started, surely gets the free carrier before A's sleep ends.
        run = CliRun.of(demo, "--hold", "2s");
    }

    /** Blocking in a class initializer pins, and JFR names the initializer as the reason. */
    @Test
    void classInitializerIsFlagged() {
        Result r = result(Pattern.CLASS_INIT);
        assertThat(r.pinned()).isTrue();
        assertThat(r.pins().getFirst().pinnedReason()).contains("ClassInitBlocks.<clinit>");
        assertThat(PinningDemo.framesThatMatter(r.pins().getFirst().frames()))
                .contains("Thread.sleep").anyMatch(f -> f.contains("ClassInitBlocks.<clinit>"));
    }

    /** Blocking in a Java comparator called by libc's qsort (an FFM upcall) pins: a native frame is on the stack. */
    @Test
    void nativeUpcallIsFlagged() {
        Result r = result(Pattern.NATIVE_UPCALL);
        assertThat(r.pinned()).isTrue();
        assertThat(r.pins().getFirst().pinnedReason()).contains("Native");
        assertThat(PinningDemo.framesThatMatter(r.pins().getFirst().frames()))
                .anyMatch(f -> f.contains("PinningPatterns.compare"))
                .anyMatch(f -> f.contains("sortWithNativeQsort"));
    }

    /** A pinned task A holds the only carrier: task B runs only after A woke up (serialized). */
    @Test
    void pinnedPatternsSerializeTheTasks() {
        for (Pattern p : List.of(Pattern.CLASS_INIT, Pattern.NATIVE_UPCALL)) {
            Result r = result(p);
            assertThat(r.interleaved()).as(p.label).isFalse();
            assertThat(r.order()).as(p.label).containsExactly(
                    PinningPatterns.A_BLOCKS, "A wakes (hold time over)", PinningPatterns.B_RUNS);
        }
    }

    /** Sleeping inside synchronized is not flagged (JEP 491): A unmounts and B runs while A sleeps. */
    @Test
    void synchronizedIsNotFlagged() {
        Result r = result(Pattern.SYNCHRONIZED);
        assertThat(r.pins()).isEmpty();
        assertThat(r.interleaved()).isTrue();
    }

    /** Object.wait is not flagged either (JEP 491): B runs while A waits. */
    @Test
    void objectWaitIsNotFlagged() {
        Result r = result(Pattern.OBJECT_WAIT);
        assertThat(r.pins()).isEmpty();
        assertThat(r.interleaved()).isTrue();
    }

    /** The child JVM really ran with one carrier, and the printed table marks exactly the two pinned rows. */
    @Test
    void printedReportFlagsTheTwoPinnedPatterns() {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(demo.report.parallelism()).isEqualTo("1");
        assertThat(demo.report.maxPoolSize()).isEqualTo("1");
        List<String> flagged = run.out().lines().filter(l -> l.contains("PINNED")).toList();
        assertThat(flagged).hasSize(2);
        assertThat(flagged.get(0)).contains("class initializer").contains("serialized");
        assertThat(flagged.get(1)).contains("native frame").contains("serialized");
        assertThat(run.out()).containsPattern("synchronized \\+ sleep +no +- ")
                .containsPattern("Object.wait +no +- ").contains("time.sleep()");
    }

    private static Result result(Pattern p) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return demo.report.results().stream().filter(r -> r.pattern() == p).findFirst().orElseThrow();
    }
}
