package dev.loomcookbook.patterns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An HTTP/1.1 GET over a plain socket, one request per connection: the few lines the Python twins
 * write over {@code asyncio.open_connection}. The pattern recipes use it rather than
 * {@code java.net.http.HttpClient} because cancelling it is immediate and visible: a virtual
 * thread blocked in a socket read that is interrupted closes the socket at once, so the server sees
 * its client hang up, and {@link #get} throws {@link InterruptedException}. ({@code HttpClient}
 * cancels an interrupted {@code send} too, but asynchronously, and its first request in a JVM
 * costs a few hundred milliseconds of start-up.)
 */
public final class HttpGet {

    /** The longest answer read, head and body. */
    static final int LIMIT = 1 << 20;

    /** An answer: its status code and its body as text. */
    public record Response(int status, String body) {}

    private HttpGet() {}

    /**
     * Sends {@code GET} for {@code uri} and reads the whole answer.
     *
     * @throws IllegalArgumentException if {@code uri} is not an {@code http://} URI with a port
     * @throws IOException if the connection fails or the answer is not HTTP
     * @throws InterruptedException if the thread was interrupted; the connection is closed then
     */
    public static Response get(URI uri) throws IOException, InterruptedException {
        Objects.requireNonNull(uri, "uri");
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("not an http URI with a host and a port: " + uri);
        }
        String target = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            target += "?" + uri.getRawQuery();
        }
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + uri.getAuthority()
                + "\r\nConnection: close\r\n\r\n";
        byte[] answer;
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            answer = in.readNBytes(LIMIT + 1);       // the server closes after its answer
        } catch (IOException e) {
            if (Thread.interrupted()) {              // "Closed by interrupt": a cancellation
                var cancelled = new InterruptedException("request to " + uri + " cancelled");
                cancelled.initCause(e);
                throw cancelled;
            }
            throw e;
        }
        if (answer.length > LIMIT) {
            throw new IOException("answer from " + uri + " is longer than " + LIMIT + " bytes");
        }
        return parse(uri, new String(answer, StandardCharsets.UTF_8));
    }

    private static Response parse(URI uri, String answer) throws IOException {
        int headEnd = answer.indexOf("\r\n\r\n");
        String[] status = answer.substring(0, Math.max(headEnd, 0)).split(" ", 3);
        if (headEnd < 0 || status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer from " + uri);
        }
        try {
            return new Response(Integer.parseInt(status[1]), answer.substring(headEnd + 4));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status from " + uri + ": " + status[1], e);
        }
    }
}
