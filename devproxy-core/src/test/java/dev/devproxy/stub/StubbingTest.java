package dev.devproxy.stub;

import static dev.devproxy.stub.RequestMatchers.pathGlob;
import static dev.devproxy.stub.RequestPattern.anyRequest;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.bytes;
import static dev.devproxy.stub.Responses.fault;
import static dev.devproxy.stub.Responses.file;
import static dev.devproxy.stub.Responses.json;
import static dev.devproxy.stub.Responses.ok;
import static dev.devproxy.stub.Responses.resource;
import static dev.devproxy.stub.Responses.status;
import static dev.devproxy.stub.Responses.text;
import static dev.devproxy.stub.StubKit.get;
import static dev.devproxy.stub.StubKit.proxy;
import static dev.devproxy.stub.StubKit.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.Fault;
import dev.devproxy.Route;
import dev.devproxy.stub.StubKit.LocalUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Stubs on a running proxy, through real sockets: matching, responses, faults, sequences and fall-through. */
@Timeout(30)
class StubbingTest {
    private final LocalUpstream upstream = new LocalUpstream();
    private DevProxy proxy;

    @BeforeEach
    void start() {
        proxy = proxy().upstream(upstream.upstream()).build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void aStubAnswersInsteadOfTheRouter() {
        proxy.stubFor(get("/api/users").willReturn(json(200, "[{\"id\": 1}]")));

        HttpResponse<String> response = get(proxy, "/api/users");

        assertEquals(200, response.statusCode());
        assertEquals("[{\"id\": 1}]", response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void aRequestNoStubMatchesGoesOnToTheStandardRouter() throws InterruptedException {
        proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));

        HttpResponse<String> echoed = get(proxy, "/api/orders");
        HttpResponse<String> forwarded = get(proxy, "/proxy/api/orders?page=2");

        assertTrue(echoed.body().contains("\"target\":\"/api/orders\""), echoed.body());
        assertEquals("upstream /api/orders?page=2", forwarded.body());
        assertEquals("GET /api/orders?page=2", upstream.received.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void theFirstRegisteredStubThatMatchesAnswers() {
        proxy.stubFor(get(pathGlob("/api/*")).willReturn(text(200, "any api")));
        proxy.stubFor(get("/api/users").willReturn(text(200, "users")));

        assertEquals("any api", get(proxy, "/api/users").body());
    }

    @Test
    void stubsMatchOnQueryParametersAndHeadersOnTheWire() {
        proxy.stubFor(get("/search").withQueryParam("q", "café au lait").withHeaderMatching("Accept", ".*json.*")
                .willReturn(text(200, "found")));

        assertEquals("found", get(proxy, "/search?q=caf%C3%A9+au+lait", "Accept", "application/json").body());
        assertEquals(200, get(proxy, "/search?q=tea", "Accept", "application/json").statusCode());
        assertFalse(get(proxy, "/search?q=tea", "Accept", "application/json").body().equals("found"));
        assertFalse(get(proxy, "/search?q=caf%C3%A9+au+lait", "Accept", "text/html").body().equals("found"));
    }

    @Test
    void aBodyStubAnswersWhenTheJsonBodyMatches() {
        proxy.stubFor(post("/proxy/orders").withJsonBody("{\"item\": \"tea\", \"qty\": 2}").willReturn(status(201)));

        HttpResponse<String> response = send(proxy, "POST", "/proxy/orders", "{ \"qty\": 2.0, \"item\": \"tea\" }");

        assertEquals(201, response.statusCode());
        assertTrue(upstream.received.isEmpty(), "the stub answered; nothing reaches the upstream");
    }

    @Test
    void aRequestThatMissesABodyStubOnTheBodyIsForwardedWithItsBody() throws InterruptedException {
        proxy.stubFor(post("/proxy/orders").withJsonBody("{\"item\": \"tea\"}").willReturn(status(201)));

        HttpResponse<String> response = send(proxy, "POST", "/proxy/orders", "{\"item\": \"coffee\"}");

        assertEquals(200, response.statusCode());
        assertEquals("upstream /orders", response.body());
        assertEquals("POST /orders {\"item\": \"coffee\"}", upstream.received.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aLargeBodyPassesThroughUntouchedWhenOnlyABodyStubForAnotherPathExists() throws InterruptedException {
        proxy.stubFor(post("/proxy/orders").withBodyContaining("tea").willReturn(status(201)));
        String big = "x".repeat(3_000_000);

        HttpResponse<String> response = send(proxy, "POST", "/proxy/upload", big);

        assertEquals("upstream /upload", response.body());
        assertEquals("POST /upload " + big, upstream.received.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void responsesCarryTheirStatusHeadersAndBody() {
        proxy.stubFor(get("/text").willReturn(text(418, "teapot").header("X-Tea", "green")));
        proxy.stubFor(get("/bytes").willReturn(bytes(200, new byte[] {0, 1, 2, (byte) 255}, "application/octet-stream")));

        HttpResponse<String> text = get(proxy, "/text");
        assertEquals(418, text.statusCode());
        assertEquals("teapot", text.body());
        assertEquals("green", text.headers().firstValue("X-Tea").orElseThrow());
        assertEquals("text/plain; charset=utf-8", text.headers().firstValue("Content-Type").orElseThrow());

        HttpResponse<byte[]> bytes = sendForBytes("/bytes");
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, bytes.body());
    }

    @Test
    void aResponseBodyCanComeFromAClassPathResourceOrAFile(@TempDir Path dir) throws IOException {
        Path report = dir.resolve("report.csv");
        Files.writeString(report, "a,b\n1,2\n");
        proxy.stubFor(get("/users").willReturn(resource(200, "/stub/users.json")));
        proxy.stubFor(get("/report").willReturn(file(200, report)));

        HttpResponse<String> users = get(proxy, "/users");
        assertEquals("[{\"id\": 1, \"name\": \"Ann\"}]\n", users.body());
        assertEquals("application/json", users.headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<String> csv = get(proxy, "/report");
        assertEquals("a,b\n1,2\n", csv.body());
        assertEquals("text/csv; charset=utf-8", csv.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void aMissingResourceOrFileFailsWhereTheStubIsWritten(@TempDir Path dir) {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> resource(200, "stub/nope.json"));
        assertTrue(missing.getMessage().contains("no class-path resource stub/nope.json"), missing.getMessage());
        assertThrows(UncheckedIOException.class, () -> file(200, dir.resolve("nope.txt")));
        IllegalArgumentException badJson = assertThrows(IllegalArgumentException.class, () -> json(200, "{oops}"));
        assertTrue(badJson.getMessage().startsWith("not JSON"), badJson.getMessage());
    }

    @Test
    @Tag("slow")
    void aFixedDelayHoldsTheResponseBack() {
        proxy.stubFor(get("/slow").willReturn(text(200, "late").delay(Duration.ofMillis(300))));

        long start = System.nanoTime();
        HttpResponse<String> response = get(proxy, "/slow");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals("late", response.body());
        assertTrue(elapsedMillis >= 300, "answered after " + elapsedMillis + " ms");
    }

    @Test
    @Tag("slow")
    void aRandomDelayStaysWithinItsBounds() {
        proxy.stubFor(get("/jitter").willReturn(ok().delay(Duration.ofMillis(100), Duration.ofMillis(250))));

        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertEquals(200, get(proxy, "/jitter").statusCode());
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMillis >= 100, "answered after " + elapsedMillis + " ms");
        }
    }

    // POST in the fault tests: HttpClient retries a GET once when a reused connection closes without a
    // response, which would send the request to the stub twice.

    @Test
    void aCloseWithoutResponseFaultDropsTheConnection() {
        proxy.stubFor(post("/drop").willReturn(fault(Fault.closeWithoutResponse())));

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> send(proxy, "POST", "/drop", "x"));

        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        assertEquals(List.of(0), proxy.journal().all().stream().map(JournalEntry::status).toList());
    }

    @Test
    void aResetFaultResetsTheConnection() {
        proxy.stubFor(post("/reset").willReturn(fault(Fault.resetConnection())));

        assertThrows(UncheckedIOException.class, () -> send(proxy, "POST", "/reset", "x"));
        assertEquals(0, proxy.journal().all().get(0).status());
    }

    @Test
    void aMalformedResponseFaultSendsSomethingThatIsNotHttp() {
        proxy.stubFor(post("/garbage").willReturn(fault(Fault.malformedResponse())));

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> send(proxy, "POST", "/garbage", "x"));
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
    }

    @Test
    void aDribbleFaultSendsTheWholeBodySlowly() {
        String body = "0123456789".repeat(4); // 40 bytes at 200 bytes/s: 20 bytes a tick, so at least one tick
        proxy.stubFor(get("/dribble").willReturn(text(200, body).fault(Fault.dribbleBody(200))));

        long start = System.nanoTime();
        HttpResponse<String> response = get(proxy, "/dribble");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(body, response.body());
        assertTrue(elapsedMillis >= 100, "dribbled in " + elapsedMillis + " ms");
    }

    @Test
    void aSequenceAnswersInOrderThenRepeatsItsLastResponse() {
        proxy.stubFor(get("/flaky").willReturn(status(503)).thenReturn(text(200, "ok")));

        assertEquals(503, get(proxy, "/flaky").statusCode());
        assertEquals(200, get(proxy, "/flaky").statusCode());
        assertEquals("ok", get(proxy, "/flaky").body());
    }

    @Test
    void aStubLimitedToNUsesFallsThroughAfterwards() {
        RegisteredStub twice = proxy.stubFor(get("/limited").willReturn(text(200, "stubbed")).times(2));

        assertEquals("stubbed", get(proxy, "/limited").body());
        assertEquals("stubbed", get(proxy, "/limited").body());
        String third = get(proxy, "/limited").body();

        assertTrue(third.contains("\"target\":\"/limited\""), "the third is echoed: " + third);
        assertEquals(2, twice.uses());
        assertTrue(twice.isUsedUp());
        twice.resetUses();
        assertEquals("stubbed", get(proxy, "/limited").body());
    }

    @Test
    void aRemovedStubNoLongerAnswers() {
        RegisteredStub stub = proxy.stubFor(get("/gone").willReturn(text(200, "here")));
        assertEquals("here", get(proxy, "/gone").body());

        assertTrue(stub.remove());

        assertFalse(get(proxy, "/gone").body().equals("here"));
        assertFalse(stub.remove());
        assertTrue(proxy.stubs().list().isEmpty());
    }

    @Test
    void aNeverUsedStubIsNamedWithWhereItWasRegistered() {
        proxy.stubFor(get("/used").willReturn(ok()));
        RegisteredStub unused = proxy.stubFor(get("/unused").willReturn(status(204)).named("the unused one"));
        get(proxy, "/used");

        AssertionError e = assertThrows(AssertionError.class, () -> proxy.stubs().verifyAllUsed());

        assertTrue(unused.registeredAt().matches("StubbingTest\\.java:\\d+"), unused.registeredAt());
        assertEquals("1 stub was never used:\n  - \"the unused one\": GET /unused -> 204  (registered at "
                + unused.registeredAt() + ")", e.getMessage());
    }

    @Test
    void aStubsRegistryWorksAsARouterOnItsOwn() {
        Stubs stubs = new Stubs();
        stubs.add(get("/hello").willReturn(text(200, "hi")));
        try (DevProxy own = proxy().router(stubs.orElse(request -> Route.reject(503))).build().start()) {
            assertEquals("hi", get(own, "/hello").body());
            assertEquals(503, get(own, "/other").statusCode());
        }
    }

    @Test
    void aMatcherThatThrowsCountsAsNoMatch() {
        proxy.stubFor(anyRequest().and(RequestMatchers.matching("a broken check", false, request -> {
            throw new IllegalStateException("broken");
        })).willReturn(text(200, "never")));

        HttpResponse<String> response = get(proxy, "/anything");

        assertEquals(200, response.statusCode());
        assertFalse(response.body().equals("never"));
    }

    @Test
    void explainSaysWhichStubAnswersOrWhyNoneDoes() {
        RegisteredStub a = proxy.stubFor(get("/a").willReturn(ok()));
        assertTrue(proxy.stubs().explain(StubKit.request("GET", "/a", "")).startsWith("answered by GET /a -> 200"));
        assertEquals("No stub matched GET /b.\nClosest stub:\n  1. GET /a -> 200  (registered at " + a.registeredAt()
                + ")\n       - path: expected \"/a\" but was \"/b\"",
                proxy.stubs().explain(StubKit.request("GET", "/b", "")));
    }

    private HttpResponse<byte[]> sendForBytes(String path) {
        try {
            return StubKit.HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
