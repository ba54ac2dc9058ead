package dev.devproxy;

import static dev.devproxy.EchoTest.assertContains;
import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The built-in metrics at {@code /metrics} and through {@link DevProxy#metrics()}. One event loop, so that a
 * scrape is handled after every earlier request has been counted.
 */
@Timeout(30)
class MetricsTest {

    @Test
    void metricsCountRequestsByRouteAndStatusClassAndErrorsByKind() {
        Router router = request -> switch (request.path()) {
            case "/down" -> Route.respond(Response.text(503, "down"));
            case "/forbidden" -> Route.reject(403);
            default -> Route.pass();
        };
        try (DevProxy proxy = proxy().ioThreads(1).router(router.orElse(Router.standard(Upstream.of("localhost", 1))))
                .build().start()) {
            long sent = 0;
            long received = 0;
            try (RawClient client = RawClient.connect(proxy)) {
                for (int i = 0; i < 3; i++) {
                    client.send("GET /echo/" + i + " HTTP/1.1\r\nHost: h\r\n\r\n");
                    received += client.readResponse().wireLength();
                }
                client.send("GET /down HTTP/1.1\r\nHost: h\r\n\r\n");
                received += client.readResponse().wireLength();
                sent += client.bytesSent();
            }
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("GET /forbidden HTTP/1.1\r\nHost: h\r\n\r\n");
                received += client.readResponse().wireLength();
                client.assertClosedByServer();
                sent += client.bytesSent();
            }
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("BROKEN\r\n\r\n");
                received += client.readResponse().wireLength();
                client.assertClosedByServer();
                sent += client.bytesSent();
            }

            TestSupport.awaitNoOpenConnections(proxy);

            MetricsSnapshot snapshot = proxy.metrics();
            assertEquals(6, snapshot.requestsTotal());
            assertEquals(1, snapshot.errorsTotal(), "a router's deliberate 403 is not an error");
            assertEquals(3, snapshot.connectionsTotal());
            assertEquals(sent, snapshot.bytesReceived(), "request bytes");
            assertEquals(received, snapshot.bytesSent(), "response bytes");

            try (RawClient client = RawClient.connect(proxy)) {
                client.send("GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n");
                RawClient.RawResponse response = client.readResponse();
                String text = response.bodyText();

                assertEquals(200, response.status());
                assertEquals("text/plain; version=0.0.4; charset=utf-8", response.header("Content-Type"));
                assertContains(text, "# HELP devproxy_requests_total ");
                assertContains(text, "# TYPE devproxy_requests_total counter\n");
                assertContains(text, "\ndevproxy_requests_total{route=\"echo\",status=\"2xx\"} 3\n");
                assertContains(text, "\ndevproxy_requests_total{route=\"respond\",status=\"5xx\"} 1\n");
                assertContains(text, "\ndevproxy_requests_total{route=\"reject\",status=\"4xx\"} 2\n");
                assertContains(text, "\ndevproxy_requests_total{route=\"metrics\",status=\"2xx\"} 0\n");
                assertContains(text, "# TYPE devproxy_errors_total counter\n");
                assertContains(text, "\ndevproxy_errors_total{kind=\"bad_request\"} 1\n");
                assertContains(text, "\ndevproxy_errors_total{kind=\"request_timeout\"} 0\n");
                assertContains(text, "# TYPE devproxy_active_connections gauge\n");
                assertContains(text, "\ndevproxy_active_connections 1\n"); // this scrape's own connection
                assertContains(text, "# TYPE devproxy_request_duration_seconds histogram\n");
                assertContains(text, "\ndevproxy_request_duration_seconds_bucket{le=\"+Inf\"} 6\n");
                assertContains(text, "\ndevproxy_request_duration_seconds_count 6\n");
                assertContains(text, "\ndevproxy_received_bytes_total " + sent + "\n");
                assertContains(text, "\ndevproxy_sent_bytes_total " + received + "\n");
                assertEveryFamilyHasHelpAndType(text);
            }
            // The scrape itself is counted once it is answered.
            TestSupport.await("the scrape counted", () -> proxy.server().metrics().requests(RouteKind.METRICS, 2) == 1,
                    proxy::metricsText);
        }
    }

    @Test
    void metricsAreServedToARealHttpClient() throws Exception {
        try (DevProxy proxy = proxy().ioThreads(1).build().start()) {
            HttpResponse<String> echo = TestSupport.HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, echo.statusCode());

            HttpResponse<String> metrics = TestSupport.HTTP.send(
                    HttpRequest.newBuilder(proxy.baseUri().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
            assertContains(metrics.body(), "\ndevproxy_requests_total{route=\"echo\",status=\"2xx\"} 1\n");
        }
    }

    @Test
    void histogramBucketsAreCumulativeAndEndWithTheCount() {
        try (DevProxy proxy = proxy().ioThreads(1).build().start()) {
            try (RawClient client = RawClient.connect(proxy)) {
                for (int i = 0; i < 5; i++) {
                    client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
                    client.readResponse();
                }
            }
            String text = proxy.metricsText();

            Matcher bucket = Pattern.compile("devproxy_request_duration_seconds_bucket\\{le=\"([^\"]+)\"} (\\d+)\n").matcher(text);
            long previous = 0;
            double previousBound = Double.NEGATIVE_INFINITY;
            int buckets = 0;
            String lastBound = null;
            while (bucket.find()) {
                long count = Long.parseLong(bucket.group(2));
                double bound = bucket.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.group(1));
                assertTrue(count >= previous, "bucket counts must not decrease: " + bucket.group());
                assertTrue(bound > previousBound, "bounds must increase: " + bucket.group());
                previous = count;
                previousBound = bound;
                lastBound = bucket.group(1);
                buckets++;
            }
            assertTrue(buckets > 2, text);
            assertEquals("+Inf", lastBound);
            assertEquals(5, previous);
            assertContains(text, "\ndevproxy_request_duration_seconds_count 5\n");
            Matcher sum = Pattern.compile("\ndevproxy_request_duration_seconds_sum (\\S+)\n").matcher(text);
            assertTrue(sum.find(), text);
            assertTrue(Double.parseDouble(sum.group(1)) > 0, sum.group());
        }
    }

    @Test
    void metricsTextPassesPromtoolCheck() throws Exception {
        File promtool = findOnPath("promtool");
        Assumptions.assumeTrue(promtool != null, "promtool is not on PATH (Debian package prometheus)");
        try (DevProxy proxy = proxy().ioThreads(1).build().start()) {
            String text;
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
                client.readResponse();
                client.send("GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n");
                text = client.readResponse().bodyText();
            }

            Process process = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(text.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "promtool did not finish");

            assertEquals(0, process.exitValue(), () -> "promtool check metrics said:\n" + output + "\nfor:\n" + text);
        }
    }

    /** Every metric family has a HELP and a TYPE line, before its first sample. */
    private static void assertEveryFamilyHasHelpAndType(String text) {
        java.util.Set<String> described = new java.util.HashSet<>();
        java.util.Set<String> typed = new java.util.HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                described.add(line.split(" ")[2]);
            } else if (line.startsWith("# TYPE ")) {
                typed.add(line.split(" ")[2]);
            } else if (!line.isEmpty()) {
                String name = line.split("[{ ]")[0];
                String family = name.replaceAll("_(bucket|sum|count)$", "");
                assertTrue((described.contains(name) || described.contains(family))
                        && (typed.contains(name) || typed.contains(family)), "no HELP and TYPE before " + line);
            }
        }
    }

    private static File findOnPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(File.pathSeparator)) {
            File candidate = new File(directory, command);
            if (candidate.isFile() && candidate.canExecute()) {
                return candidate;
            }
        }
        return null;
    }
}
