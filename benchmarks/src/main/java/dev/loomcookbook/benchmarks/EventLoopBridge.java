package dev.loomcookbook.benchmarks;

/** The event loop for the comparison's callsoon case; unavailable while this build has none. */
final class EventLoopBridge {

    private EventLoopBridge() {}

    static boolean available() {
        return false;
    }

    /** Nanoseconds per callback: schedule n trivial callbacks, then stop, and run the loop. */
    static double callSoonRound(int n) {
        throw new UnsupportedOperationException("no EventLoop in this build");
    }
}
