package dev.devproxy.examples.metrics;

import dev.devproxy.DevProxy;
import dev.devproxy.MetricsSink;
import dev.devproxy.RouteKind;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link MetricsSink} that counts requests by route and status, such as {@code echo 200} or
 * {@code forward 502}: the pattern to follow when forwarding to a metrics library (a Micrometer
 * {@code Counter} tagged with route and status takes the place of the {@link LongAdder}).
 *
 * <p>Thread-safe and non-blocking: the event loops only touch a {@link ConcurrentHashMap} and a
 * {@link LongAdder}, and a key's adder is created once.
 */
public final class PerRouteCounter implements MetricsSink {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** An empty counter. */
    public PerRouteCounter() {
    }

    /**
     * Starts a proxy with this sink and a {@link LoggingMetricsSink}, sends it a few requests, prints the
     * counts, and stops it.
     *
     * @param args ignored
     * @throws IOException when a request fails
     * @throws InterruptedException when interrupted while waiting for an answer
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        PerRouteCounter counter = new PerRouteCounter();
        try (DevProxy proxy = DevProxy.builder().port(0)
                .addMetricsSink(counter)
                .addMetricsSink(new LoggingMetricsSink())
                .build().start()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (String path : new String[] {"/a", "/b", "/metrics"}) {
                client.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding());
            }
            // A request is counted just after its response is sent: the journal's takeRequest waits for that.
            for (int i = 0; i < 3; i++) {
                proxy.journal().takeRequest(Duration.ofSeconds(5));
            }
            counter.snapshot().forEach((key, count) -> System.out.println(key + " " + count));
        }
    }

    /** Counts one request under {@code <route> <status>}. */
    @Override
    public void requestCompleted(RouteKind route, String method, int status, long durationNanos, long bytesIn,
            long bytesOut) {
        counts.computeIfAbsent(key(route, status), k -> new LongAdder()).increment();
    }

    /**
     * The requests counted so far for {@code route} answered {@code status}.
     *
     * @param route what answered
     * @param status the status sent; 0 for a request whose connection closed before its response completed
     * @return the count, 0 when none
     */
    public long count(RouteKind route, int status) {
        LongAdder adder = counts.get(key(route, status));
        return adder == null ? 0 : adder.sum();
    }

    /**
     * A copy of every count, keyed {@code <route> <status>} (such as {@code echo 200}) in key order.
     *
     * @return a new map, never null
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((key, adder) -> copy.put(key, adder.sum()));
        return copy;
    }

    private static String key(RouteKind route, int status) {
        return route.label() + " " + status;
    }
}
