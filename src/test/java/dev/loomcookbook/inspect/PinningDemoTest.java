package dev.loomcookbook.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.inspect.PinningPatterns.Pattern;
import dev.loomcookbook.testing.CliRun;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pinning report on JDK 25: JFR flags the class-initializer and native cases, not
 * {@code synchronized} or {@code Object.wait}, and one carrier shows the effect by event order.
 * The demo (and its one-carrier child JVM) runs once for the whole class; the tests read what it
 * printed: the table row and the details section of each pattern.
 */
class PinningDemoTest {

    private static CliRun run;

    @BeforeAll
    static void runDemoOnce() {
        // The order of A's and B's events does not depend on the hold: it only bounds the pinned cases.
        run = CliRun.of(new PinningDemo(), "--hold", "300ms");
    }

    /** Blocking in a class initializer pins, and JFR names the initializer as the reason. */
    @Test
    void classInitializerIsFlagged() {
        assertThat(row(Pattern.CLASS_INIT)).contains("PINNED");
        assertThat(detail(Pattern.CLASS_INIT, "reason: ")).contains("ClassInitBlocks.<clinit>");
        assertThat(detail(Pattern.CLASS_INIT, "frames: ")).contains("Thread.sleep")
                .contains("ClassInitBlocks.<clinit>");
    }

    /** Blocking in a Java comparator called by libc's qsort (an FFM upcall) pins: a native frame is on the stack. */
    @Test
    void nativeUpcallIsFlagged() {
        assertThat(row(Pattern.NATIVE_UPCALL)).contains("PINNED");
        assertThat(detail(Pattern.NATIVE_UPCALL, "reason: ")).contains("Native");
        assertThat(detail(Pattern.NATIVE_UPCALL, "frames: ")).contains("PinningPatterns.compare")
                .contains("sortWithNativeQsort");
    }

    /** A pinned task A holds the only carrier: task B runs only after A woke up (serialized). */
    @Test
    void pinnedPatternsSerializeTheTasks() {
        for (Pattern p : List.of(Pattern.CLASS_INIT, Pattern.NATIVE_UPCALL)) {
            assertThat(row(p)).as(p.label).contains("serialized");
            assertThat(detail(p, "order:  ")).as(p.label).isEqualTo(String.join(" > ",
                    PinningPatterns.A_BLOCKS, "A wakes (hold time over)", PinningPatterns.B_RUNS));
        }
    }

    /** Sleeping inside synchronized is not flagged (JEP 491): A unmounts and B runs while A sleeps. */
    @Test
    void synchronizedIsNotFlagged() {
        assertThat(row(Pattern.SYNCHRONIZED)).contains(" no ").contains("interleaved");
        assertThat(details(Pattern.SYNCHRONIZED)).noneMatch(l -> l.contains("reason: "));
    }

    /** Object.wait is not flagged either (JEP 491): B runs while A waits. */
    @Test
    void objectWaitIsNotFlagged() {
        assertThat(row(Pattern.OBJECT_WAIT)).contains(" no ").contains("interleaved");
        assertThat(details(Pattern.OBJECT_WAIT)).noneMatch(l -> l.contains("reason: "));
    }

    /** The child JVM really ran with one carrier, and the printed table marks exactly the two pinned rows. */
    @Test
    void printedReportFlagsTheTwoPinnedPatterns() {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern("child JVM finished in .*parallelism=1, maxPoolSize=1\\)");
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
                    .contains(row(p).contains("interleaved") ? "interleaved" : "serialized");
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

    /** The pattern's row in the printed table. */
    private static String row(Pattern p) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        return lines.stream().skip(indexOf(lines, "pattern ")).filter(l -> l.contains(p.label))
                .findFirst().orElseThrow();
    }

    /** The pattern's details section: its Java line and the indented lines below it. */
    private static List<String> details(Pattern p) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        int at = 0;
        while (!(lines.get(at).startsWith("  " + p.label) && lines.get(at).endsWith(p.javaCode))) {
            at++;
        }
        int end = at + 1;
        while (end < lines.size() && lines.get(end).startsWith("    ")) {
            end++;
        }
        return lines.subList(at, end);
    }

    /** The text of the details line that starts with {@code key}, with its continuation lines. */
    private static String detail(Pattern p, String key) {
        List<String> section = details(p);
        StringBuilder text = null;
        for (String line : section) {
            String s = line.strip();
            if (s.startsWith(key)) {
                text = new StringBuilder(s.substring(key.length()));
            } else if (text != null && s.startsWith("<- ")) {
                text.append(' ').append(s);
            } else if (text != null) {
                break;
            }
        }
        assertThat(text).as("%s: a line '%s'", p.label, key).isNotNull();
        return text.toString();
    }
}
