package dev.devproxy.examples.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.RouteKind;
import dev.devproxy.Upstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MetricsSinksTest {
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void counterCountsEachRouteAndStatus() throws Exception {
        PerRouteCounter counter = new PerRouteCounter();
        try (DevProxy proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", closedPort()))
                .addMetricsSink(counter).build().start()) {
            assertEquals(200, get(proxy, "/a"));
            assertEquals(200, get(proxy, "/b"));
            assertEquals(200, get(proxy, "/metrics"));
            assertEquals(502, get(proxy, "/proxy/nowhere"));
            awaitCounted(proxy, 4);

            assertEquals(2, counter.count(RouteKind.ECHO, 200));
            assertEquals(1, counter.count(RouteKind.METRICS, 200));
            assertEquals(0, counter.count(RouteKind.FORWARD, 200));
            // A forward that fails before the upstream answers is counted as the engine's own 502 answer.
            assertEquals(1, counter.count(RouteKind.FORWARD, 502), "a forward that failed upstream is still a forward");
            assertEquals(4, counter.snapshot().values().stream().mapToLong(Long::longValue).sum());
        }
    }

    @Test
    void loggingSinkLogsRequestsAndErrors() throws Exception {
        CapturingLogger logger = new CapturingLogger();
        try (DevProxy proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", closedPort()))
                .addMetricsSink(new LoggingMetricsSink(logger)).build().start()) {
            assertEquals(200, get(proxy, "/hello"));
            assertEquals(502, get(proxy, "/proxy/nowhere"));
            awaitCounted(proxy, 2);

            assertTrue(logger.lines.stream().anyMatch(line -> line.startsWith("INFO GET -> 200 via echo in ")),
                    logger.lines::toString);
            assertTrue(logger.lines.stream().anyMatch(line -> line.startsWith("INFO GET -> 502 via ")),
                    logger.lines::toString);
            assertTrue(logger.lines.contains("WARNING error: upstream_connect"), logger.lines::toString);
        }
    }

    @Test
    void mainPrintsTheCounts() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            PerRouteCounter.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("echo 200 2"), printed);
        assertTrue(printed.contains("metrics 200 1"), printed);
    }

    private int get(DevProxy proxy, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * Sinks are called just after a response is sent, so a client can see its answer first; the journal
     * records each request after the sinks ran, and takeRequest hands it over.
     */
    private static void awaitCounted(DevProxy proxy, int requests) throws InterruptedException {
        for (int i = 0; i < requests; i++) {
            proxy.journal().takeRequest(Duration.ofSeconds(5));
        }
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Keeps each message as {@code <level> <formatted text>}. */
    static final class CapturingLogger implements System.Logger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "capturing";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level.getName() + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level.getName() + " " + MessageFormat.format(format, params));
        }
    }
}
