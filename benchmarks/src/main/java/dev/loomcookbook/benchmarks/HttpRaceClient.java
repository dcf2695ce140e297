package dev.loomcookbook.benchmarks;

import dev.loomcookbook.coroutines.Fetcher;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * HTTP race, the Java side: N GETs at once with the http demo's own {@link Fetcher} (one virtual
 * thread per request in a {@code StructuredTaskScope}), on one of its clients, in a process of its
 * own so that its peak RSS is its own. The same shape as {@code benchmarks/python/http_client.py}:
 * WARM batches warm the connection pool and the JIT, then ROUNDS batches are timed.
 *
 * <p>usage: {@code HttpRaceClient jetty|jdk URL N WARM ROUNDS}; prints one JSON line.
 */
public final class HttpRaceClient {

    private HttpRaceClient() {}

    public static void main(String[] args) throws Exception {
        Fetcher.Client client = Fetcher.Client.valueOf(args[0].toUpperCase(Locale.ROOT));
        URI uri = URI.create(args[1]);
        int n = Integer.parseInt(args[2]);
        int warm = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        List<URI> uris = Collections.nCopies(n, uri);
        List<Double> values = new ArrayList<>();
        Fetcher.Config config = Fetcher.Config.of(Duration.ofSeconds(30)).withClient(client);
        try (Fetcher fetcher =
                new Fetcher(config, new Fetcher.Listener() {}, Thread.ofVirtual().factory())) {
            for (int i = 0; i < warm + rounds; i++) {
                long start = System.nanoTime();
                List<Fetcher.Result> results = fetcher.fetchAll(uris, Fetcher.Mode.GATHER);
                double seconds = (System.nanoTime() - start) / 1e9;
                for (Fetcher.Result r : results) {
                    if (!r.ok() || r.bytes() == 0) {
                        throw new IllegalStateException(
                                "request " + r.index() + " failed: " + r.detail());
                    }
                }
                if (i >= warm) {
                    values.add(seconds);
                }
            }
        }
        String json = SideBySide.json("java-" + args[0], "s", values);
        System.out.println(
                json.replace("\"impl\": \"java ", "\"impl\": \"" + client.title() + ", java "));
    }
}
