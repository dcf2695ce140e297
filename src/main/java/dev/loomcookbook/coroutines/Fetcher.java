package dev.loomcookbook.coroutines;

import dev.loomcookbook.common.Timing;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.ThreadFactory;

/**
 * Fetches URLs with {@link HttpClient}, one thread per request inside a
 * {@link StructuredTaskScope}: Python's {@code await asyncio.gather(*(fetch(u) for u in urls))}
 * with aiohttp. Results come back in request order whatever the completion order, and every
 * failure (a refused connection, a non-2xx status, a timeout) is a result, not a crash.
 *
 * <p>{@link Mode#GATHER} keeps going after failures ({@code return_exceptions=True});
 * {@link Mode#FAIL_FAST} cancels the others at the first failure, interrupting their threads.
 * A {@link Semaphore} limits how many requests are in flight at once, as {@code asyncio.Semaphore}
 * does. Closing the fetcher closes the client and its executor.
 */
public final class Fetcher implements AutoCloseable {

    /** What happens to the other requests when one fails. */
    public enum Mode {
        /** {@code gather(*aws, return_exceptions=True)}: every request runs; failures are results. */
        GATHER,
        /** Plain {@code gather} / {@code TaskGroup}: the first failure cancels the rest. */
        FAIL_FAST
    }

    /** How a request ended. */
    public enum Outcome { OK, HTTP_ERROR, TIMEOUT, REFUSED, ERROR, CANCELLED }

    /** One request's result; {@code status} is -1 and {@code bytes} 0 when no answer came. */
    public record Result(int index, URI uri, Outcome outcome, int status, long bytes, long nanos, String detail) {
        public boolean ok() {
            return outcome == Outcome.OK;
        }
    }

    /** Hooks on each request's own thread: progress for a demo, observation points for a test. */
    public interface Listener {
        /** Just before the request is sent (after a permit was taken). */
        default void sending(int index, URI uri) throws InterruptedException {}

        /** The request ended with an answer or a failure (not by cancellation). */
        default void finished(int index, URI uri) {}

        /** The request's thread was interrupted: the request was cancelled. */
        default void interrupted(int index, URI uri) {}
    }

    /** A failed request, thrown so that a fail-fast scope sees it, and carried as a result otherwise. */
    static final class FetchFailure extends Exception {
        final Outcome outcome;
        final int status;
        final long bytes;
        final long nanos;

        FetchFailure(Outcome outcome, int status, long bytes, long nanos, String message, Throwable cause) {
            super(message, cause, false, false);
            this.outcome = outcome;
            this.status = status;
            this.bytes = bytes;
            this.nanos = nanos;
        }
    }

    private final Duration timeout;
    private final Semaphore permits;
    private final Listener listener;
    private final ThreadFactory threadFactory;
    private final ExecutorService clientExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;

    /**
     * A fetcher with a per-request {@code timeout}, at most {@code concurrency} requests in
     * flight at once, and {@code threadFactory} making the threads of its scopes.
     */
    public Fetcher(Duration timeout, int concurrency, Listener listener, ThreadFactory threadFactory) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
        }
        this.timeout = timeout;
        this.permits = new Semaphore(concurrency);
        this.listener = listener;
        this.threadFactory = threadFactory;
        this.client = HttpClient.newBuilder()
                .executor(clientExecutor) // the client's own async work on virtual threads too
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** A fetcher on virtual threads with no listener. */
    public Fetcher(Duration timeout, int concurrency) {
        this(timeout, concurrency, new Listener() {}, Thread.ofVirtual().factory());
    }

    /** All requests at once, one thread each, in one scope; results in request order. */
    public List<Result> fetchAll(List<URI> uris, Mode mode) throws InterruptedException {
        return switch (mode) {
            case GATHER -> gather(uris);
            case FAIL_FAST -> failFast(uris);
        };
    }

    // results = await asyncio.gather(*tasks, return_exceptions=True): a joiner that never cancels.
    private List<Result> gather(List<URI> uris) throws InterruptedException {
        try (var scope = StructuredTaskScope.open(Joiner.<Result>awaitAll(), this::configure)) {
            List<Subtask<Result>> subtasks = forkAll(scope, uris);
            scope.join();
            return results(subtasks, uris);
        }
    }

    // results = await asyncio.gather(*tasks), or async with TaskGroup(): the first failure cancels the rest.
    private List<Result> failFast(List<URI> uris) throws InterruptedException {
        try (var scope = StructuredTaskScope.open(Joiner.<Result>allSuccessfulOrThrow(), this::configure)) {
            List<Subtask<Result>> subtasks = forkAll(scope, uris);
            try {
                scope.join();
            } catch (StructuredTaskScope.FailedException expected) {
                // Reported below, with the subtask that failed and those it cancelled.
            }
            return results(subtasks, uris);
        }
    }

    private StructuredTaskScope.Configuration configure(StructuredTaskScope.Configuration cf) {
        return cf.withThreadFactory(threadFactory).withName("fetch");
    }

    private List<Subtask<Result>> forkAll(StructuredTaskScope<Result, ?> scope, List<URI> uris) {
        List<Subtask<Result>> subtasks = new ArrayList<>(uris.size());
        for (int i = 0; i < uris.size(); i++) {
            int index = i;
            URI uri = uris.get(i);
            subtasks.add(scope.fork(() -> fetch(index, uri)));
        }
        return subtasks;
    }

    private static List<Result> results(List<Subtask<Result>> subtasks, List<URI> uris) {
        List<Result> results = new ArrayList<>(subtasks.size());
        for (int i = 0; i < subtasks.size(); i++) {
            Subtask<Result> s = subtasks.get(i);
            results.add(switch (s.state()) {
                case SUCCESS -> s.get();
                case FAILED -> failed(i, uris.get(i), s.exception());
                case UNAVAILABLE -> cancelled(i, uris.get(i), "cancelled: another request failed first");
            });
        }
        return results;
    }

    /** {@code for url in urls: await fetch(url)}; in fail-fast mode the loop stops at the first failure. */
    public List<Result> fetchSequentially(List<URI> uris, Mode mode) throws InterruptedException {
        List<Result> results = new ArrayList<>(uris.size());
        boolean stopped = false;
        for (int i = 0; i < uris.size(); i++) {
            if (stopped) {
                results.add(cancelled(i, uris.get(i), "not run: an earlier request failed"));
                continue;
            }
            Result r;
            try {
                r = fetch(i, uris.get(i));
            } catch (FetchFailure f) {
                r = failed(i, uris.get(i), f);
            }
            results.add(r);
            stopped = mode == Mode.FAIL_FAST && !r.ok();
        }
        return results;
    }

    /** One request: take a permit, send, and turn every kind of failure into a {@link FetchFailure}. */
    private Result fetch(int index, URI uri) throws InterruptedException, FetchFailure {
        try {
            permits.acquire(); // async with semaphore:
            try {
                listener.sending(index, uri);
                Result r = send(index, uri);
                listener.finished(index, uri);
                return r;
            } catch (FetchFailure f) {
                listener.finished(index, uri);
                throw f;
            } finally {
                permits.release();
            }
        } catch (InterruptedException e) {
            listener.interrupted(index, uri);
            throw e;
        }
    }

    private Result send(int index, URI uri) throws InterruptedException, FetchFailure {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        long start = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new FetchFailure(Outcome.TIMEOUT, -1, 0, Timing.since(start),
                    "timed out after " + Timing.format(timeout), e);
        } catch (IOException e) {
            long nanos = Timing.since(start);
            if (causedBy(e, ConnectException.class)) {
                throw new FetchFailure(Outcome.REFUSED, -1, 0, nanos, "connection refused", e);
            }
            throw new FetchFailure(Outcome.ERROR, -1, 0, nanos, describe(e), e);
        }
        long nanos = Timing.since(start);
        int status = response.statusCode();
        long bytes = response.body().length;
        if (status < 200 || status > 299) {
            throw new FetchFailure(Outcome.HTTP_ERROR, status, bytes, nanos, "HTTP " + status, null);
        }
        return new Result(index, uri, Outcome.OK, status, bytes, nanos, "HTTP " + status);
    }

    private static Result failed(int index, URI uri, Throwable t) {
        if (t instanceof FetchFailure f) {
            return new Result(index, uri, f.outcome, f.status, f.bytes, f.nanos, f.getMessage());
        }
        if (t instanceof InterruptedException) {
            return cancelled(index, uri, "cancelled (interrupted)");
        }
        return new Result(index, uri, Outcome.ERROR, -1, 0, 0, describe(t));
    }

    private static Result cancelled(int index, URI uri, String why) {
        return new Result(index, uri, Outcome.CANCELLED, -1, 0, 0, why);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** Closes the client (waiting for its exchanges) and then its executor. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            clientExecutor.close();
        }
    }
}
