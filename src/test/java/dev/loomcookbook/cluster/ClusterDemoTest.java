package dev.loomcookbook.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomcookbook.testing.CliRun;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The cluster demo with its own member JVMs, and its answers to bad input. */
class ClusterDemoTest {

    private static final Pattern ITEM = Pattern.compile("(?m)^Item (\\d+), result (\\d+) ");

    /**
     * Member JVMs, one killed with SIGKILL when it starts its first task: the two items it held
     * fail with MemberLeftException, run again on the survivor, and each item's result arrives
     * exactly once. (One task thread per member, 200M steps per item: the killed member still
     * holds its second item when the kill lands.) No member process outlives the demo.
     */
    @Test
    void aKilledMembersItemsRunAgainAndEachResultArrivesOnce() {
        CliRun run = CliRun.of(new ClusterDemo(), "--local-members", "2", "--threads", "1",
                "--kill-member", "--items", "4", "--iterations", "200000000");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // The member list is oldest first; member 2, the youngest, is given items 2 and 4.
        assertThat(run.out())
                .containsPattern("killing member 2 \\(pid \\d+\\) with SIGKILL:"
                        + " it started item [24]; it holds items 2, 4")
                .contains("item 2 lost with member 2: MemberLeftException")
                .contains("item 4 lost with member 2: MemberLeftException")
                .contains("  item 2: member 2 -> member 1", "  item 4: member 2 -> member 1")
                .contains("All 4 items: exactly one result each, all correct"
                        + " (2 ran again after their member left).");
        Matcher m = ITEM.matcher(run.out());
        int[] seen = new int[5];
        while (m.find()) {
            int k = Integer.parseInt(m.group(1));
            assertThat(Long.parseLong(m.group(2))).isEqualTo(200_000_000L * k);
            seen[k]++;
        }
        assertThat(seen).containsExactly(0, 1, 1, 1, 1);
        assertFitsIn100Columns(run.out());
        // The demo has returned: no member JVM is left (close waits for each to exit).
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(ClusterMember.class.getName()))).isEmpty();
    }

    /** Bad input exits 2 with one clear first line, no stack trace, and starts nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"--local-members=0", "--local-members=9", "--items=1001",
        "--iterations=0",
        "--members=127.0.0.1", "--members=localhost:5701", "--members=127.0.0.1:70000",
        "--members=127.0.0.1:5701,127.0.0.1:5701 --cluster-name=x", "--members=127.0.0.1:5701",
        "--cluster-name=x", "--members=127.0.0.1:5701 --cluster-name=x --kill-member",
        "--kill-member --local-members=1", "--kill-member --items=2", "--threads=0"})
    void badInputIsAUsageError(String args) {
        CliRun run = CliRun.of(new ClusterDemo(), args.split(" "));
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err().lines().findFirst().orElseThrow()).startsWith("error: ");
        assertThat(run.err()).doesNotContain("\tat ", "Exception");
        assertThat(run.out()).isEmpty();
    }

    /** Every line fits the project's 100 columns. */
    static void assertFitsIn100Columns(String out) {
        assertThat(out.lines().filter(l -> l.length() > 100).toList()).isEmpty();
    }
}
