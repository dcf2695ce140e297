package dev.loomcookbook.tasks;

import dev.loomcookbook.inspect.ThreadDump;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Output that takes one thread dump of this JVM, on the thread that writes, the first time the
 * output contains {@code marker}: a demo's task printing its first line is then provably live.
 */
public final class DumpOnFirstLine extends StringWriter {

    private final String marker;
    private final AtomicReference<ThreadDump> dump = new AtomicReference<>();

    public DumpOnFirstLine(String marker) {
        this.marker = marker;
    }

    @Override
    public void write(String str, int off, int len) {
        super.write(str, off, len);
        dumpOnce();
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
        super.write(cbuf, off, len);
        dumpOnce();
    }

    private void dumpOnce() {
        if (dump.get() == null && toString().contains(marker)) {
            synchronized (this) {
                if (dump.get() == null) {
                    dump.set(ThreadDump.ofThisJvm());
                }
            }
        }
    }

    /** The names of the containers in the dump, or null if the marker never appeared. */
    public java.util.List<String> containerNames() {
        ThreadDump d = dump.get();
        return d == null ? null : d.containers().stream().map(ThreadDump.Container::name).toList();
    }
}
