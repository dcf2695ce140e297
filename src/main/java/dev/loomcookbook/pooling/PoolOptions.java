package dev.loomcookbook.pooling;

import dev.loomcookbook.common.ChildJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The options of one pool, checked: every argument check of {@link ProcessPool.Builder} is here,
 * and so is the worker's command line.
 */
record PoolOptions(String name, int workers, int maxTasksPerWorker,
        ProcessPool.Initializer initializer,
        List<String> jvmOptions, List<String> allow, int maxMessageBytes, Duration channelTimeout,
        Consumer<String> workerOutput) {

    static final Duration MIN_CHANNEL_TIMEOUT = Duration.ofMillis(50);

    PoolOptions {
        jvmOptions = List.copyOf(jvmOptions);
        allow = List.copyOf(allow);
    }

    static int checkWorkers(int workers) {
        if (workers < 1 || workers > ProcessPool.MAX_WORKERS) {
            throw new IllegalArgumentException(
                    "workers must be between 1 and " + ProcessPool.MAX_WORKERS + ", but was "
                            + workers);
        }
        return workers;
    }

    static int checkMaxTasksPerWorker(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException(
                    "maxTasksPerWorker must be at least 1, but was " + tasks);
        }
        return tasks;
    }

    static int checkMaxMessageBytes(int bytes) {
        if (bytes < 1024 || bytes > Integer.MAX_VALUE - 2 * ProcessPoolProtocol.OVERHEAD_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes must be between 1024 and "
                    + (Integer.MAX_VALUE - 2 * ProcessPoolProtocol.OVERHEAD_BYTES) + ", but was "
                    + bytes);
        }
        return bytes;
    }

    static Duration checkChannelTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.compareTo(MIN_CHANNEL_TIMEOUT) < 0) {
            throw new IllegalArgumentException(
                    "channelTimeout must be at least " + MIN_CHANNEL_TIMEOUT.toMillis()
                            + " ms (a worker gets a few ms to say it is busy), but was " + timeout);
        }
        return timeout;
    }

    static List<String> checkJvmOptions(String... options) {
        List<String> list = List.of(options); // null-hostile
        for (String o : list) {
            if (!o.startsWith("-")) {
                throw new IllegalArgumentException(
                        "not a JVM option: '" + o + "' (options start with '-')");
            }
        }
        return list;
    }

    static int checkChunkSize(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException(
                    "chunksize must be at least 1, but was " + chunkSize);
        }
        return chunkSize;
    }

    /** The body limit of a frame: the message limit plus room for everything around the payloads. */
    int maxFrameBody() {
        return maxMessageBytes + ProcessPoolProtocol.OVERHEAD_BYTES;
    }

    /**
     * {@code java --enable-preview OPTIONS -cp <this class path> ProcessPoolWorker ARGS}, run with
     * its channel on file descriptors 3 and 4 where the platform allows.
     */
    List<String> workerCommand() {
        List<String> jvm = new ArrayList<>(jvmOptions);
        jvm.add("-XX:+ExitOnOutOfMemoryError");
        // Where the channel is standard output (no /bin/sh), the JVM's own messages must stay off it.
        jvm.add("-XX:+DisplayVMOutputToStderr");
        List<String> args =
                List.of("--max-bytes=" + maxMessageBytes, "--allow=" + String.join(";", allow));
        List<String> withFds = new ArrayList<>(args);
        withFds.add("--channel=fds");
        return ChildJvm.withPrivateChannel(ChildJvm.command(jvm, ProcessPoolWorker.class, withFds))
                .orElseGet(() -> {
                    List<String> stdio = new ArrayList<>(args);
                    stdio.add("--channel=stdio");
                    return ChildJvm.command(jvm, ProcessPoolWorker.class, stdio);
                });
    }
}
