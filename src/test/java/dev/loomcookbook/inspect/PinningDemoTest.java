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
        // The order of A's and B's events does not depend on the hold: it only bounds the pinned cases.
        run = CliRun.of(demo, "--hold", "300ms");
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

    /** Each pattern's progress line is printed (in run order) before the table, with its effect. */
    @Test
    void printsProgressPerPatternBeforeTheTable() {
        List<String> lines = run.out().lines().toList();
        int table = indexOf(lines, "pattern ");
        int previous = -1;
        Pattern[] patterns = Pattern.values();
        for (int i = 0; i < patterns.length; i++) {
            Pattern p = patterns[i];
            int at = indexOf(lines, (i + 1) + "/4 " + p.label);
            assertThat(at).as(p.label).isGreaterThan(previous).isLessThan(table);
            assertThat(lines.get(at)).contains("done: A blocked")
                    .contains(result(p).interleaved() ? "interleaved" : "serialized");
            previous = at;
        }
    }

    /** No printed line is wider than 100 columns. */
    @Test
    void linesFitIn100Columns() {
        assertThat(run.out().lines()).allMatch(l -> l.length() <= PinningDemo.WIDTH,
                "at most 100 columns");
    }

    /** A hold under 1 ms (which would reach the child as 0 ms) is refused with exit 2. */
    @Test
    void refusesAHoldUnderOneMillisecond() {
        CliRun bad = CliRun.of(new PinningDemo(), "--hold", "999us");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().lines().findFirst().orElseThrow())
                .contains("'--hold': must be from 1 ms to 1 min, but was 999 µs");
    }

    /** JFR's reasons are shortened for the table to the initializer's class and method, or the frame kind. */
    @Test
    void shortensPinnedReasons() {
        assertThat(PinningDemo.shortReason("VM call to a.b.Outer$Inner.<clinit> on stack"))
                .isEqualTo("Inner.<clinit>");
        assertThat(PinningDemo.shortReason("Native or VM frame on stack"))
                .isEqualTo("Native or VM frame");
    }

    /** Wrapping breaks between parts, keeps every line within the width and starts continuations with the separator. */
    @Test
    void wrapsBetweenParts() {
        List<String> lines =
                PinningDemo.wrap("frames: ", List.of("aaaa", "bbbb", "cccc"), " <- ", 20);
        assertThat(lines).containsExactly("frames: aaaa <- bbbb", "        <- cccc");
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line contains '" + text + "'");
    }

    private static Result result(Pattern p) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return demo.report.results().stream().filter(r -> r.pattern() == p).findFirst()
                .orElseThrow();
    }
}
