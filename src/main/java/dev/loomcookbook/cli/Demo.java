package dev.loomcookbook.cli;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * A runnable demo: a picocli command (its {@code @Command} gives the name and the one-line
 * summary) that also says which Python concept it maps and how the tour runs it quickly.
 */
public interface Demo extends Callable<Integer> {

    /** The Python concept this demo maps, for example {@code "async def / await"}. */
    String pythonConcept();

    /** Arguments for the tour: quick settings, so the whole tour takes about a minute. */
    List<String> tourArgs();

    /** Names of the demo's smaller examples, if it has any ({@code list} shows them under the demo). */
    default List<String> examples() {
        return List.of();
    }
}
