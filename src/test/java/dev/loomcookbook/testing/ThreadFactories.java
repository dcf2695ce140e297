package dev.loomcookbook.testing;

import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Thread factories to parameterize over, as the JDK's own StructuredTaskScope tests do:
 * {@code @MethodSource("dev.loomcookbook.testing.ThreadFactories#both")}.
 */
public final class ThreadFactories {

    private ThreadFactories() {}

    /** A virtual and a platform thread factory, each named for the test report. */
    public static Stream<Arguments> both() {
        return Stream.of(
                Arguments.argumentSet("virtual", Thread.ofVirtual().factory()),
                Arguments.argumentSet("platform", Thread.ofPlatform().factory()));
    }
}
