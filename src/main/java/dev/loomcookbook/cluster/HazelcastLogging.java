package dev.loomcookbook.cluster;

import com.hazelcast.logging.AbstractLogger;
import com.hazelcast.logging.ILogger;
import com.hazelcast.logging.LogEvent;
import com.hazelcast.logging.LoggerFactory;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.regex.Pattern;

/**
 * Hazelcast's own logging, made quiet: by default it logs a banner and dozens of INFO lines per
 * member to the console; here only warnings and errors are printed, each as one line of at most
 * 100 columns on stderr, without the address and version that start them, and each text once
 * (all of them, in full and with stack traces, under {@code -Dloomcookbook.debug=true}).
 *
 * <p>Hazelcast picks its logger factory from a system property when its classes first log, so
 * {@link #install()} sets {@code hazelcast.logging.class} before any member starts; a user's own
 * choice ({@code -Dhazelcast.logging.type=jdk}, or a {@code hazelcast.logging.class}) wins.
 */
public final class HazelcastLogging {

    static final String TYPE_PROPERTY = "hazelcast.logging.type";
    static final String CLASS_PROPERTY = "hazelcast.logging.class";

    private HazelcastLogging() {}

    /** Selects {@link Factory} for this JVM unless Hazelcast's logging was chosen already. */
    public static void install() {
        if (System.getProperty(TYPE_PROPERTY) == null
                && System.getProperty(CLASS_PROPERTY) == null) {
            System.setProperty(CLASS_PROPERTY, Factory.class.getName());
        }
    }

    /** The JVM options that make a child member JVM log the same way. */
    static String jvmOption() {
        String type = System.getProperty(TYPE_PROPERTY);
        return type != null ? "-D" + TYPE_PROPERTY + "=" + type
                : "-D" + CLASS_PROPERTY + "="
                        + System.getProperty(CLASS_PROPERTY, Factory.class.getName());
    }

    /** Hazelcast's logger factory: warnings and errors only, one line each, on stderr. */
    public static final class Factory implements LoggerFactory {

        /** Called by Hazelcast, by class name. */
        public Factory() {}

        @Override
        public ILogger getLogger(String name) {
            return new WarningsOnly(name);
        }
    }

    private static final class WarningsOnly extends AbstractLogger {

        /**
         * Hazelcast's advice to open JDK internals, given once in a JVM that starts a member
         * without them: the member JVMs get them ({@link ClusterConfig#MEMBER_JVM_OPTIONS}); a lite
         * member (in the demo or a test) only submits tasks and loses nothing that matters here.
         */
        private static final String MODULES_ADVICE =
                "Hazelcast is starting in a Java modular environment";

        /** The member's address, cluster name and version, which start every message. */
        private static final Pattern PREFIX =
                Pattern.compile("^\\[[^]]*]:\\d+ \\[[^]]*] \\[[^]]*] ");
        private static final Pattern COUNTS = Pattern.compile("\\d+");
        private static final int WIDTH = 100;
        private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

        private final String name;

        WarningsOnly(String name) {
            this.name = name;
        }

        @Override
        public void log(Level level, String message) {
            log(level, message, null);
        }

        @Override
        public void log(Level level, String message, Throwable thrown) {
            if (!isLoggable(level) || (message != null && message.startsWith(MODULES_ADVICE)
                    && name.endsWith(".HazelcastInstanceFactory"))) {
                return;
            }
            boolean debug = Boolean.getBoolean("loomcookbook.debug");
            String text = PREFIX.matcher(String.valueOf(message)).replaceFirst("")
                    + (thrown == null ? "" : " (" + thrown + ")");
            // A lost member makes every survivor retry it, each retry a warning: print each once.
            if (SEEN.size() > 10_000) {
                SEEN.clear(); // a member may run for days: forget, rather than grow without end
            }
            if (!debug && !SEEN.add(COUNTS.matcher(text).replaceAll("N"))) {
                return;
            }
            String line = "hazelcast " + level.getName().toLowerCase(Locale.ROOT) + ": " + text;
            PrintStream err = System.err;
            boolean fits = debug || line.length() <= WIDTH;
            err.println(fits ? line : line.substring(0, WIDTH - 3) + "...");
            if (thrown != null && debug) {
                thrown.printStackTrace(err);
            }
        }

        // ILogger still declares this method abstract, though deprecated for removal: a logger
        // must implement it until Hazelcast drops it.
        @SuppressWarnings("removal")
        @Override
        public void log(LogEvent event) {
            log(event.getLogRecord().getLevel(), event.getLogRecord().getMessage(),
                    event.getLogRecord().getThrown());
        }

        @Override
        public Level getLevel() {
            return Level.WARNING;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.intValue() >= Level.WARNING.intValue();
        }
    }
}
