package dev.loomcookbook.benchmarks;

import dev.loomcookbook.eventloop.EventLoop;

/** The EventLoop side of the comparison's callsoon case ({@code call_soon.py}). */
final class EventLoopBridge {

    private EventLoopBridge() {}

    /** Nanoseconds per callback: schedule n trivial callbacks, then stop, and run the loop. */
    static double callSoonRound(int n) {
        long[] counter = new long[1];
        Runnable callback = () -> counter[0]++;
        long start = System.nanoTime();
        try (EventLoop loop = new EventLoop()) {
            for (int i = 0; i < n; i++) {
                loop.callSoon(callback);
            }
            loop.callSoon(loop::stop);
            loop.runForever();
        }
        double nanos = (double) (System.nanoTime() - start) / n;
        SideBySide.check(counter[0] == n);
        return nanos;
    }
}
