package dev.devproxy;

import static dev.devproxy.EchoTest.assertContains;
import static dev.devproxy.TestSupport.assertErrorResponse;
import static dev.devproxy.TestSupport.await;
import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Custom routers, router chains, and user metrics sinks, well-behaved or not. */
@Timeout(20)
class RouterAndSinkTest {
    private static final Upstream NOWHERE = Upstream.of("localhost", 1);

    @Test
    void headerBasedRouterAnswersMaintenanceAndPassesTheRestToTheStandardRouter() {
        Router maintenance = request -> request.headers().contains("X-Maintenance")
                ? Route.respond(Response.text(503, "down for maintenance"))
                : Route.pass();
        try (DevProxy proxy = proxy().router(maintenance.orElse(Router.standard(NOWHERE))).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send("GET /x HTTP/1.1\r\nHost: h\r\nx-maintenance: yes\r\n\r\n");
            RawClient.RawResponse down = client.readResponse();
            client.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
            RawClient.RawResponse up = client.readResponse();

            assertEquals("HTTP/1.1 503 Service Unavailable", down.statusLine());
            assertEquals("text/plain; charset=utf-8", down.header("Content-Type"));
            assertEquals("down for maintenance", down.bodyText());
            assertNull(down.header("Connection"), "a router's response keeps the connection");
            assertEquals(200, up.status());
            assertContains(up.bodyText(), "\"target\":\"/x\",");
        }
    }

    @Test
    void respondedResponseKeepsItsHeadersInOrderAndTheRequestBodyIsDiscarded() {
        Response teapot = Response.newBuilder(418)
                .header("X-First", "1")
                .header("Content-Type", "text/x-tea")
                .header("x-first", "2")
                .body(new byte[] {1, 2, 3})
                .build();
        Router router = request -> request.path().equals("/tea") ? Route.respond(teapot) : Route.echo();
        try (DevProxy proxy = proxy().router(router).build().start(); RawClient client = RawClient.connect(proxy)) {
            client.send("POST /tea HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nGET /x HTTP"
                    + "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");

            RawClient.RawResponse tea = client.readResponse();
            RawClient.RawResponse after = client.readResponse();

            assertEquals(418, tea.status());
            List<String> names = tea.headers().stream().map(java.util.Map.Entry::getKey)
                    .filter(name -> !name.equals("Date") && !name.equals("Content-Length")).toList();
            assertEquals(List.of("X-First", "Content-Type", "x-first"), names);
            assertEquals("2", tea.headers().stream().filter(f -> f.getKey().equals("x-first")).findFirst().orElseThrow().getValue());
            assertEquals("3", tea.header("Content-Length"));
            assertTrue(java.util.Arrays.equals(new byte[] {1, 2, 3}, tea.body()));
            assertContains(after.bodyText(), "\"target\":\"/after\",");
        }
    }

    @Test
    void chainAsksEachRouterInTurnUntilOneDecides() {
        AtomicInteger asked = new AtomicInteger();
        Router a = request -> {
            asked.incrementAndGet();
            return request.path().startsWith("/a/") ? Route.respond(Response.text(200, "from a")) : Route.pass();
        };
        Router b = request -> request.path().startsWith("/b/") ? Route.respond(Response.text(200, "from b")) : Route.pass();
        Router c = request -> Route.respond(Response.text(200, "from c"));
        try (DevProxy proxy = proxy().router(a.orElse(b).orElse(c)).build().start();
                RawClient client = RawClient.connect(proxy)) {
            assertEquals("from a", get(client, "/a/1").bodyText());
            assertEquals("from b", get(client, "/b/1").bodyText());
            assertEquals("from c", get(client, "/c/1").bodyText());
            assertEquals(3, asked.get());
        }
    }

    @Test
    void passAtTheEndOfTheChainIsAnswered404() {
        Router onlyApi = request -> request.path().startsWith("/api") ? Route.echo() : Route.pass();
        Router alsoPasses = request -> Route.pass();
        try (DevProxy proxy = proxy().router(onlyApi.orElse(alsoPasses)).build().start()) {
            try (RawClient client = RawClient.connect(proxy)) {
                assertEquals(200, get(client, "/api/x").status());
            }
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("GET /elsewhere HTTP/1.1\r\nHost: h\r\n\r\n");

                assertErrorResponse(client.readResponse(), 404, "Not Found");
                client.assertClosedByServer();
            }
            assertEquals(0, proxy.metrics().errorsTotal(), "an unclaimed request is not an engine error");
        }
    }

    @Test
    void rejectAnswersTheStatusInTheErrorFormatAndCloses() {
        Router router = request -> request.headers().get("Authorization") == null ? Route.reject(403) : Route.echo();
        try (DevProxy proxy = proxy().router(router).build().start()) {
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("POST /secret HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");

                assertErrorResponse(client.readResponse(), 403, "Forbidden");
                client.assertClosedByServer();
            }
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("GET /secret HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n\r\n");
                assertEquals(200, client.readResponse().status());
            }
            assertEquals(0, proxy.metrics().errorsTotal(), "a deliberate rejection is not an engine error");
            assertEquals(1, proxy.server().metrics().requests(RouteKind.REJECT, 4));
        }
    }

    @Test
    void rejectWithAnUnregisteredStatusStillAnswersInTheErrorFormat() {
        try (DevProxy proxy = proxy().router(request -> Route.reject(499)).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");

            RawClient.RawResponse response = client.readResponse();

            assertEquals(499, response.status());
            assertEquals("close", response.header("Connection"));
            assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
            assertEquals(response.body().length, Integer.parseInt(response.header("Content-Length")));
        }
    }

    @Test
    void sinkSeesTheConnectionAndTheRequestWithRouteMethodStatusAndBytes() {
        RecordingSink sink = new RecordingSink();
        try (DevProxy proxy = proxy().addMetricsSink(sink).build().start()) {
            RawClient.RawResponse response;
            long requestBytes;
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("PATCH /thing HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody");
                response = client.readResponse();
                requestBytes = client.bytesSent();
                await("the request to be recorded", () -> sink.completed.size() == 1, () -> sink.events);
                assertEquals(List.of("opened"), sink.lifecycle);
            }
            await("the connection to be recorded closed", () -> sink.lifecycle.size() == 2, () -> sink.events);

            assertEquals(List.of("opened", "closed"), sink.lifecycle);
            Completed completed = sink.completed.get(0);
            assertEquals(RouteKind.ECHO, completed.route());
            assertEquals("PATCH", completed.method());
            assertEquals(200, completed.status());
            assertEquals(requestBytes, completed.bytesIn());
            assertEquals(response.wireLength(), completed.bytesOut());
            assertTrue(completed.durationNanos() > 0 && completed.durationNanos() < 10_000_000_000L,
                    "duration " + completed.durationNanos());
            assertEquals(List.of(), sink.errors);
        }
    }

    @Test
    void sinkSeesEachPipelinedRequestWithItsOwnBytes() {
        RecordingSink sink = new RecordingSink();
        String first = "GET /first HTTP/1.1\r\nHost: h\r\n\r\n";
        String second = "POST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
        String third = "GET /third/with/a/longer/target HTTP/1.1\r\nHost: h\r\n\r\n";
        try (DevProxy proxy = proxy().addMetricsSink(sink).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send(first + second + third);
            List<Integer> responseBytes = List.of(client.readResponse().wireLength(),
                    client.readResponse().wireLength(), client.readResponse().wireLength());

            await("three requests recorded", () -> sink.completed.size() == 3, () -> sink.events);
            assertEquals(List.of((long) first.length(), (long) second.length(), (long) third.length()),
                    sink.completed.stream().map(Completed::bytesIn).toList(), "bytes in, per request");
            assertEquals(responseBytes.stream().map(Integer::longValue).toList(),
                    sink.completed.stream().map(Completed::bytesOut).toList(), "bytes out, per request");
        }
    }

    @Test
    void sinkSeesErrorsByKindAndRejectedRequests() {
        RecordingSink sink = new RecordingSink();
        try (DevProxy proxy = proxy().addMetricsSink(sink).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send("GET / HTTP/3.0\r\nHost: h\r\n\r\n");
            RawClient.RawResponse response = client.readResponse();
            client.assertClosedByServer();

            await("the rejection to be recorded", () -> sink.completed.size() == 1, () -> sink.events);
            assertEquals(List.of(ErrorKind.BAD_REQUEST), sink.errors);
            Completed completed = sink.completed.get(0);
            assertEquals(RouteKind.REJECT, completed.route());
            assertEquals(505, completed.status());
            assertEquals(response.wireLength(), completed.bytesOut());
        }
    }

    @Test
    void sinkThatThrowsOnEveryCallDoesNotBreakRequests() {
        MetricsSink hostile = new MetricsSink() {
            @Override
            public void connectionOpened() {
                throw new IllegalStateException("opened");
            }

            @Override
            public void connectionClosed() {
                throw new AssertionError("closed"); // as a sink written with test assertions might
            }

            @Override
            public void requestCompleted(RouteKind route, String method, int status, long durationNanos, long bytesIn,
                    long bytesOut) {
                throw new IllegalStateException("completed");
            }

            @Override
            public void error(ErrorKind kind) {
                throw new AssertionError("error");
            }
        };
        RecordingSink after = new RecordingSink();
        try (DevProxy proxy = proxy().addMetricsSink(hostile).addMetricsSink(after).build().start()) {
            for (int i = 0; i < 3; i++) {
                try (RawClient client = RawClient.connect(proxy)) {
                    assertEquals(200, get(client, "/ok/" + i).status());
                    assertEquals(200, get(client, "/again/" + i).status());
                }
            }
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("NOT HTTP\r\n\r\n");
                assertEquals(400, client.readResponse().status());
            }

            TestSupport.awaitNoOpenConnections(proxy);
            assertEquals(7, proxy.metrics().requestsTotal(), "the built-in metrics still count");
            await("the sink after the hostile one to see everything", () -> after.lifecycle.size() == 8, () -> after.events);
            assertEquals(7, after.completed.size());
        }
    }

    private static RawClient.RawResponse get(RawClient client, String target) {
        client.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
        return client.readResponse();
    }

    record Completed(RouteKind route, String method, int status, long durationNanos, long bytesIn, long bytesOut) {
    }

    /** Records every event; thread-safe, as sinks must be. */
    static final class RecordingSink implements MetricsSink {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> lifecycle = new CopyOnWriteArrayList<>();
        final List<Completed> completed = new CopyOnWriteArrayList<>();
        final List<ErrorKind> errors = new CopyOnWriteArrayList<>();

        @Override
        public void connectionOpened() {
            lifecycle.add("opened");
            events.add("opened");
        }

        @Override
        public void connectionClosed() {
            lifecycle.add("closed");
            events.add("closed");
        }

        @Override
        public void requestCompleted(RouteKind route, String method, int status, long durationNanos, long bytesIn,
                long bytesOut) {
            completed.add(new Completed(route, method, status, durationNanos, bytesIn, bytesOut));
            events.add("completed " + route + " " + method + " " + status);
        }

        @Override
        public void error(ErrorKind kind) {
            errors.add(kind);
            events.add("error " + kind);
        }
    }
}
