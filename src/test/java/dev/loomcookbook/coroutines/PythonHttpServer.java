package dev.loomcookbook.coroutines;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code python3 -m http.server} on 127.0.0.1 and a free port, for tests that compare with
 * Python's own server; closing it ends the process and waits for it. Check first with
 * {@code dev.loomcookbook.testing.Python.assumePresent()}.
 */
record PythonHttpServer(Process process, URI uri) implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("Serving HTTP on \\S+ port (\\d+)");

    /** {@code python3 -m http.server} on 127.0.0.1 and a free port, serving {@code dir}. */
    static PythonHttpServer serving(Path dir) throws IOException {
        Process p =
                new ProcessBuilder(
                        "python3",
                        "-u",
                        "-m",
                        "http.server",
                        "0",
                        "--bind",
                        "127.0.0.1",
                        "--directory",
                        dir.toString())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        var lines =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        Matcher m = first == null ? null : SERVING.matcher(first);
        if (m == null || !m.find()) {
            p.destroyForcibly();
            throw new IOException("python3 -m http.server did not start: " + first);
        }
        return new PythonHttpServer(p, URI.create("http://127.0.0.1:" + m.group(1) + "/"));
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
