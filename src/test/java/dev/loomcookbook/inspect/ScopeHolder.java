package dev.loomcookbook.inspect;

import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;

/**
 * A child JVM for {@link PsTreePidTest}: opens a scope named {@value #SCOPE} whose one subtask
 * blocks until stdin closes, prints {@value #READY} once the subtask is forked, then exits.
 */
public final class ScopeHolder {

    static final String SCOPE = "held-by-pstree-pid-test";
    static final String READY = "ready";

    private ScopeHolder() {}

    public static void main(String[] args) throws Exception {
        try (var scope =
                StructuredTaskScope.open(Joiner.<Object>awaitAll(), cf -> cf.withName(SCOPE))) {
            scope.fork(() -> {
                while (System.in.read() >= 0) {
                    // drain until the test closes our stdin
                }
                return null;
            });
            System.out.println(READY);
            System.out.flush();
            scope.join();
        }
    }
}
