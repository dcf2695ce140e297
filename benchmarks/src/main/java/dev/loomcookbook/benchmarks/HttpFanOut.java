package dev.loomcookbook.benchmarks;

import dev.loomcookbook.coroutines.LatencyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HTTP fan-out: {@code requests} GETs, all at once, to the embedded {@link LatencyServer}, which
 * answers each after a fixed {@code latencyMs}; the time until every response body has arrived.
 * Blocking {@code HttpClient.send} on one virtual thread per request, on platform pools of 5 and
 * 50 threads, and the non-blocking {@code sendAsync}.
 *
 * <p>Why: the asyncio + aiohttp use case. The floor is one latency; a pool of P threads needs about
 * requests / P latencies; virtual threads and {@code sendAsync} should both sit near the floor,
 * one with plain blocking code.
 *
 * <p>The server and one client are started per trial (connections are reused across operations,
 * as a real client would). Each response's body length is summed and returned. Server and client
 * share the machine's cores, so this is a loopback measurement, not a network one.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:exec@benchmarks}, or JMH's {@code Main HttpFanOut}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Benchmark)
public class HttpFanOut {

    @Param("100")
    public int requests;

    @Param("50")
    public int latencyMs;

    private LatencyServer server;
    private HttpClient client;
    private ExecutorService pool5;
    private ExecutorService pool50;
    private HttpRequest request;

    @Setup
    public void start() {
        server = LatencyServer.start(Duration.ofMillis(latencyMs));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        request = HttpRequest.newBuilder(URI.create(server.uri() + "item")).build();
        pool5 = Executors.newFixedThreadPool(5);
        pool50 = Executors.newFixedThreadPool(50);
    }

    @TearDown
    public void stop() {
        pool5.close();
        pool50.close();
        client.close();
        server.close();
    }

    private long get() throws Exception {
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode());
        }
        return r.body().length;
    }

    private long fanOut(ExecutorService executor) throws Exception {
        List<Future<Long>> futures = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            futures.add(executor.submit(this::get));
        }
        long bytes = 0;
        for (Future<Long> f : futures) {
            bytes += f.get();
        }
        return bytes;
    }

    @Benchmark
    public long virtualThreads() throws Exception {
        try (ExecutorService perRequest = Executors.newVirtualThreadPerTaskExecutor()) {
            return fanOut(perRequest);
        }
    }

    @Benchmark
    public long platformPool5() throws Exception {
        return fanOut(pool5);
    }

    @Benchmark
    public long platformPool50() throws Exception {
        return fanOut(pool50);
    }

    @Benchmark
    public long sendAsync() {
        List<CompletableFuture<HttpResponse<byte[]>>> futures = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            futures.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));
        }
        long bytes = 0;
        for (CompletableFuture<HttpResponse<byte[]>> f : futures) {
            HttpResponse<byte[]> r = f.join();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("status " + r.statusCode());
            }
            bytes += r.body().length;
        }
        return bytes;
    }
}
