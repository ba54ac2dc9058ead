package dev.devproxy.stub;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.json;
import static dev.devproxy.stub.Responses.text;
import static dev.devproxy.stub.StubKit.get;
import static dev.devproxy.stub.StubKit.proxy;
import static dev.devproxy.stub.StubKit.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.devproxy.DevProxy;
import dev.devproxy.RecordedResponse;
import dev.devproxy.Upstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The journal keeps whole exchanges: the response as sent, timings and byte counts, bounded by entries and bytes. */
@Timeout(30)
class JournalExchangesTest {

    @Test
    void aStubbedResponseIsKeptWithItsHeadBodyTimingsAndByteCounts() {
        try (DevProxy proxy = proxy().build().start()) {
            proxy.stubFor(post("/users").willReturn(json(201, "{\"id\":7}")));

            HttpResponse<String> sent = send(proxy, "POST", "/users", "{\"name\":\"Ann\"}");

            JournalEntry entry = proxy.journal().all().get(0);
            RecordedResponse response = entry.response();
            assertNotNull(response, entry.toString());
            assertEquals(201, response.status());
            assertEquals(sent.body(), response.bodyAsString());
            assertEquals("{\"id\":7}", response.bodyAsString());
            assertEquals(8, response.bodyLength());
            assertFalse(response.bodyTruncated());
            assertTrue(response.header("content-type").startsWith("application/json"), response.headers().toString());
            assertNotNull(entry.firstByte());
            assertTrue(entry.firstByte().compareTo(entry.duration()) <= 0, entry.firstByte() + " > " + entry.duration());
            assertTrue(entry.bytesIn() > "{\"name\":\"Ann\"}".length(), "the head counts too: " + entry.bytesIn());
            assertTrue(entry.bytesOut() > 8, "the head counts too: " + entry.bytesOut());
        }
    }

    @Test
    void aForwardedChunkedResponseIsKeptDecoded() throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("X-Upstream", "yes");
            exchange.sendResponseHeaders(200, 0); // chunked
            exchange.getResponseBody().write("part one, ".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            exchange.getResponseBody().write("part two".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        upstream.start();
        try (DevProxy proxy = proxy().upstream(Upstream.of("127.0.0.1", upstream.getAddress().getPort())).build()
                .start()) {
            assertEquals("part one, part two", get(proxy, "/proxy/stream").body());

            JournalEntry entry = proxy.journal().all().get(0);
            RecordedResponse response = entry.response();
            assertNotNull(response, entry.toString());
            assertEquals(200, response.status());
            assertEquals("yes", response.header("X-Upstream"));
            assertEquals("part one, part two", response.bodyAsString());
            assertEquals(18, response.bodyLength());
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void theResponseBodyIsCutAtItsOwnCapAndItsLengthIsKept() {
        try (DevProxy proxy = proxy().journalBodyBytes(100).journalResponseBodyBytes(4).build().start()) {
            proxy.stubFor(get("/long").willReturn(text(200, "0123456789")));

            get(proxy, "/long");

            RecordedResponse response = proxy.journal().all().get(0).response();
            assertEquals("0123", response.bodyAsString());
            assertEquals(10, response.bodyLength());
            assertTrue(response.bodyTruncated());
            assertEquals(4, proxy.journal().maxResponseBodyBytes());
        }
    }

    @Test
    void aResponseToHeadIsKeptWithoutABody() throws Exception {
        try (DevProxy proxy = proxy().build().start()) {
            proxy.stubFor(RequestPattern.anyRequest().willReturn(text(200, "hello")));
            HttpRequest head = HttpRequest.newBuilder(proxy.baseUri().resolve("/h"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();

            assertEquals(200, StubKit.HTTP.send(head, HttpResponse.BodyHandlers.discarding()).statusCode());

            RecordedResponse response = proxy.journal().all().get(0).response();
            assertEquals("5", response.header("Content-Length"));
            assertEquals(0, response.body().length);
        }
    }

    @Test
    void theJournalIsBoundedByBytesAsWellAsEntries() {
        try (DevProxy proxy = proxy().journalMaxBytes(250).build().start()) {
            proxy.stubFor(post("/big").willReturn(text(200, "x".repeat(50))));
            for (int i = 0; i < 5; i++) {
                send(proxy, "POST", "/big", String.valueOf(i).repeat(50)); // 100 body bytes an exchange
            }

            List<JournalEntry> all = proxy.journal().all();
            assertEquals(List.of("3", "4"), all.stream().map(e -> e.bodyAsString().substring(0, 1)).toList());
            AssertionError report = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> proxy.verify(get("/none")));
            assertTrue(report.getMessage().contains("(The journal keeps the last 1000 requests and at most 250 body bytes;"
                    + " 3 older requests were dropped.)"), report.getMessage());
        }
    }

    @Test
    void aFaultLeavesNoResponse() {
        try (DevProxy proxy = proxy().build().start()) {
            proxy.stubFor(get("/drop").willReturn(Responses.fault(dev.devproxy.Fault.closeWithoutResponse())));
            org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> get(proxy, "/drop"));

            JournalEntry entry = proxy.journal().all().get(0);
            assertNull(entry.response());
            assertNull(entry.firstByte());
        }
    }

    @Test
    void readsWhileTrafficFlowsSeeOnlyWholeEntries() throws Exception {
        try (DevProxy proxy = proxy().build().start()) {
            AtomicBoolean sending = new AtomicBoolean(true);
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 100; i++) {
                        send(proxy, "POST", "/echo/" + client + "/" + i, "body-" + client + "-" + i);
                    }
                }));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new));
            all.whenComplete((done, failure) -> sending.set(false));
            int reads = 0;
            while (sending.get() || reads == 0) {
                for (JournalEntry entry : proxy.journal().all()) {
                    String target = entry.target();
                    String expectedBody = "body" + target.substring("/echo".length()).replace('/', '-');
                    if (entry.inFlight()) {
                        assertEquals(0, entry.status(), entry.toString());
                        assertNull(entry.response(), entry.toString());
                        assertTrue(entry.bodyAsString().isEmpty() || entry.bodyAsString().equals(expectedBody),
                                entry.toString());
                    } else {
                        assertEquals(200, entry.status(), entry.toString());
                        assertEquals(expectedBody, entry.bodyAsString(), entry.toString());
                        RecordedResponse response = entry.response();
                        assertNotNull(response, entry.toString());
                        assertEquals(200, response.status());
                        assertTrue(response.bodyAsString().contains(target), response.bodyAsString());
                        assertTrue(entry.bytesOut() > response.body().length, entry.toString());
                    }
                }
                reads++;
            }
            all.get(20, TimeUnit.SECONDS);
            assertEquals(400, proxy.journal().all().size());
            assertTrue(proxy.journal().all().stream().noneMatch(JournalEntry::inFlight));
        }
    }
}
