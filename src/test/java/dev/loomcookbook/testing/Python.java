package dev.loomcookbook.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code python3} on the PATH, for tests that run a Python twin. Tests that need it call
 * {@link #assumePresent()} first: without a Python 3.11 or newer they are skipped with a message,
 * never failed.
 */
public final class Python {

    /** What a Python program did: its exit code and what it printed. */
    public record Result(int exitCode, String out, String err) {

        /** The lines printed on stdout. */
        public List<String> lines() {
            return out.lines().toList();
        }
    }

    private static final Duration VERSION_CHECK = Duration.ofSeconds(20);
    private static volatile String missing;
    private static volatile boolean checked;

    private Python() {}

    /** Skips the calling test, with the reason, unless {@code python3} 3.11 or newer is present. */
    public static void assumePresent() {
        String why = whyMissing();
        assumeTrue(why == null, () -> "skipped: " + why);
    }

    /** Why no usable {@code python3} is present, or {@code null} if one is. */
    public static synchronized String whyMissing() {
        if (!checked) {
            checked = true;
            try {
                Result r = start(List.of("-c", "import sys; print(sys.version_info >= (3, 11))"))
                        .get(VERSION_CHECK.toSeconds(), TimeUnit.SECONDS);
                if (!r.out().strip().equals("True")) {
                    missing = "python3 on the PATH is older than 3.11 (the twins need TaskGroup)";
                }
            } catch (Exception e) {
                missing = "no python3 on the PATH (" + e.getMessage() + ")";
            }
        }
        return missing;
    }

    /**
     * Starts {@code python3 ARGS} in the project folder; the future completes when it has ended.
     * A program still running after {@code timeout} is killed and the future fails.
     */
    public static CompletableFuture<Result> start(List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add("python3");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Path.of("").toAbsolutePath().toFile());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        builder.environment().put("PYTHONIOENCODING", "utf-8");
        Process process;
        Path err;
        try {
            err = Files.createTempFile("python-err", ".txt");
            process = builder.redirectError(err.toFile()).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
        return CompletableFuture.supplyAsync(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError("python3 " + args + " still ran after " + timeout);
                }
                String stdout = out.join();
                String stderr = Files.readString(err);
                return new Result(process.exitValue(), stdout, stderr);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while python3 ran", e);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                try {
                    Files.deleteIfExists(err);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }, Thread::startVirtualThread);
    }

    /** {@link #start(List, Duration)} with a one-minute limit. */
    public static CompletableFuture<Result> start(List<String> args) {
        return start(args, Duration.ofMinutes(1));
    }
}
