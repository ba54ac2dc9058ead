package dev.devproxy.stub;

import static dev.devproxy.stub.RequestMatchers.matching;
import static dev.devproxy.stub.RequestPattern.anyRequest;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.fault;
import static dev.devproxy.stub.Responses.json;
import static dev.devproxy.stub.Responses.status;
import static dev.devproxy.stub.Responses.text;
import static dev.devproxy.stub.StubKit.get;
import static dev.devproxy.stub.StubKit.proxy;
import static dev.devproxy.stub.StubKit.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.Fault;
import dev.devproxy.RouteKind;
import dev.devproxy.stub.StubKit.LocalUpstream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request journal: what it records, its caps, taking, finding, counting and verifying with messages. */
@Timeout(30)
class JournalTest {
    private final DevProxy proxy = proxy().build().start();

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void everyRequestIsRecordedWithHowItWasAnswered() {
        proxy.stubFor(post("/api/users").willReturn(status(201)));

        send(proxy, "POST", "/api/users?notify=true", "{\"name\":\"Ann\"}", "X-Trace", "t-1");
        get(proxy, "/echo/me");

        List<JournalEntry> all = proxy.journal().all();
        assertEquals(2, all.size());
        JournalEntry created = all.get(0);
        assertEquals("POST", created.method());
        assertEquals("/api/users?notify=true", created.target());
        assertEquals("/api/users", created.request().path());
        assertEquals("notify=true", created.request().query());
        assertEquals("t-1", created.header("x-trace"));
        assertEquals("{\"name\":\"Ann\"}", created.bodyAsString());
        assertEquals(RouteKind.RESPOND, created.route());
        assertEquals(201, created.status());
        assertFalse(created.duration().isNegative());
        assertEquals(RouteKind.ECHO, all.get(1).route());
        assertTrue(created.toString().startsWith("POST /api/users?notify=true -> 201 (respond, "), created.toString());
    }

    @Test
    void forwardedRequestsAreRecordedToo() {
        try (LocalUpstream upstream = new LocalUpstream();
                DevProxy forwarding = proxy().upstream(upstream.upstream()).build().start()) {
            get(forwarding, "/proxy/items");

            JournalEntry entry = forwarding.journal().all().get(0);
            assertEquals(RouteKind.FORWARD, entry.route());
            assertEquals(200, entry.status());
            assertEquals("/proxy/items", entry.target());
        }
    }

    @Test
    void bodiesBeyondTheCapAreCutButTheirLengthIsKept() {
        try (DevProxy capped = proxy().journalBodyBytes(10).build().start()) {
            send(capped, "POST", "/upload", "0123456789abcdefghij");

            JournalEntry entry = capped.journal().all().get(0);
            assertEquals("0123456789", entry.bodyAsString());
            assertEquals(20, entry.request().bodyLength());
            assertTrue(entry.request().bodyTruncated());
            assertEquals(10, capped.journal().maxBodyBytes());
        }
    }

    @Test
    void theJournalKeepsTheLastRequestsUpToItsCapacityAndSaysHowManyItDropped() {
        try (DevProxy small = proxy().journalCapacity(3).build().start()) {
            for (int i = 1; i <= 5; i++) {
                get(small, "/r" + i);
            }

            assertEquals(List.of("/r3", "/r4", "/r5"), small.journal().all().stream().map(JournalEntry::target).toList());
            AssertionError e = assertThrows(AssertionError.class, () -> small.verify(get("/r1")));
            assertTrue(e.getMessage().endsWith("(The journal keeps the last 3 requests; 2 older requests were dropped.)"),
                    e.getMessage());
            assertEquals(3, small.journal().capacity());
        }
    }

    @Test
    void theDefaultsAreDocumented() {
        assertEquals(1000, proxy.journal().capacity());
        assertEquals(64 * 1024, proxy.journal().maxBodyBytes());
    }

    @Test
    void aProxyBuiltWithoutAJournalSaysSo() {
        try (DevProxy none = proxy().journalCapacity(0).build().start()) {
            assertEquals(200, get(none, "/x").statusCode());
            IllegalStateException e = assertThrows(IllegalStateException.class, none::journal);
            assertEquals("this proxy keeps no journal: it was built with journalCapacity(0)", e.getMessage());
        }
    }

    @Test
    void findAndCountUseMatchers() {
        get(proxy, "/a");
        get(proxy, "/b");
        get(proxy, "/a", "Accept", "text/plain");

        assertEquals(2, proxy.journal().count(get("/a")));
        assertEquals(List.of("/b"), proxy.journal().find(get("/b")).stream().map(JournalEntry::target).toList());
        assertEquals(1, proxy.journal().count(get("/a").withHeader("Accept", "text/plain")));
        assertEquals(0, proxy.journal().count(post("/a")));
    }

    @Test
    void takeRequestHandsOverRequestsInArrivalOrderToAnAsynchronousClient() throws Exception {
        CompletableFuture<HttpResponse<String>> first = sendAsync("/first");
        JournalEntry taken = proxy.journal().takeRequest(Duration.ofSeconds(5));
        assertEquals("/first", taken.target());
        first.join();

        get(proxy, "/second");
        get(proxy, "/third");
        assertEquals("/second", proxy.journal().takeRequest(Duration.ofSeconds(5)).target());
        assertEquals("/third", proxy.journal().takeRequest(Duration.ofSeconds(5)).target());
        assertEquals(3, proxy.journal().all().size(), "taking does not remove");
    }

    @Test
    void takeRequestFailsWithWhatArrivedBeforeWhenNothingNewArrives() throws Exception {
        get(proxy, "/only");
        proxy.journal().takeRequest(Duration.ofSeconds(5));

        AssertionError e = assertThrows(AssertionError.class, () -> proxy.journal().takeRequest(Duration.ofMillis(50)));

        assertTrue(e.getMessage().startsWith("No request arrived within 50 ms; the 1 request that arrived before was"
                + " already taken:\n  1. GET /only -> 200 (echo, "), e.getMessage());
    }

    @Test
    void verifyPassesWhenEnoughRequestsMatched() {
        get(proxy, "/api/users", "Accept", "application/json");
        get(proxy, "/api/users", "Accept", "application/json");

        proxy.verify(get("/api/users").withHeader("Accept", "application/json"));
        proxy.verify(2, get("/api/users"));
        proxy.verify(0, post("/api/users"));
    }

    @Test
    void aFailedVerificationListsWhatWasReceivedAndWhyEachDidNotMatch() {
        send(proxy, "POST", "/api/users", "{\"name\":\"Bob\"}");
        get(proxy, "/api/users", "Accept", "text/html");

        AssertionError e = assertThrows(AssertionError.class,
                () -> proxy.verify(post("/api/users").withJsonBody("{\"name\":\"Ann\"}")));

        String message = e.getMessage().replaceAll("\\(echo, \\d+ ms\\)", "(echo, N ms)");
        assertEquals("Expected at least one request matching POST /api/users with JSON body {\"name\":\"Ann\"},"
                + " but none was received.\n"
                + "Received 2 requests:\n"
                + "  1. POST /api/users -> 200 (echo, N ms)\n"
                + "       - JSON body $.name: expected \"Ann\" but was \"Bob\"\n"
                + "  2. GET /api/users -> 200 (echo, N ms)\n"
                + "       - method: expected POST but was GET\n"
                + "       - body: expected JSON {\"name\":\"Ann\"} but was not JSON: unexpected end of input, expected a"
                + " value at offset 0: empty", message);
    }

    @Test
    void aCountVerificationMarksTheRequestsThatMatched() {
        get(proxy, "/ping");
        get(proxy, "/ping");

        AssertionError e = assertThrows(AssertionError.class, () -> proxy.verify(1, get("/ping")));

        String message = e.getMessage().replaceAll("\\(echo, \\d+ ms\\)", "(echo, N ms)");
        assertEquals("Expected exactly 1 request matching GET /ping, but received 2.\n"
                + "Received 2 requests:\n"
                + "  1. GET /ping -> 200 (echo, N ms)  <- matches\n"
                + "  2. GET /ping -> 200 (echo, N ms)  <- matches", message);
    }

    @Test
    void aVerificationOnAnEmptyJournalSaysNothingArrived() {
        AssertionError e = assertThrows(AssertionError.class, () -> proxy.verify(get("/x")));
        assertEquals("Expected at least one request matching GET /x, but none was received.\n"
                + "The proxy recorded no requests.", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> proxy.verify(-1, get("/x")));
    }

    @Test
    void aRequestIsInTheJournalAsSoonAsItsClientHasTheResponse() {
        // The outcome is recorded when the response is queued, before the flush that hands it to the client,
        // so a check right after the response finds the request complete, with no wait.
        for (int i = 1; i <= 200; i++) {
            get(proxy, "/n");
            List<JournalEntry> all = proxy.journal().all();
            assertEquals(i, all.size());
            assertFalse(all.get(i - 1).inFlight(), all.get(i - 1).toString());
            assertEquals(200, all.get(i - 1).status());
        }
    }

    @Test
    void aRequestStillBeingAnsweredIsInTheJournalAtOnceAndCompletedWhenItEnds() throws Exception {
        // A delay longer than the 2 s that reads used to wait for requests in flight: this failed then.
        CountDownLatch matched = new CountDownLatch(1);
        proxy.stubFor(post("/slow").and(matching("noticed", false, request -> {
            matched.countDown();
            return true;
        })).willReturn(text(200, "late").delay(Duration.ofMillis(2500))));
        HttpRequest request = HttpRequest.newBuilder(proxy.baseUri().resolve("/slow"))
                .POST(HttpRequest.BodyPublishers.ofString("payload")).build();
        CompletableFuture<HttpResponse<String>> response = StubKit.HTTP.sendAsync(request,
                HttpResponse.BodyHandlers.ofString());
        assertTrue(matched.await(5, TimeUnit.SECONDS));

        JournalEntry inFlight = proxy.journal().awaitRequest(post("/slow").withBodyContaining("payload"),
                Duration.ofSeconds(5));
        long start = System.nanoTime();
        proxy.verify(post("/slow").withBodyContaining("payload"));
        assertEquals(List.of(inFlight), proxy.journal().all());
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1000), "reads do not wait");
        assertFalse(response.isDone(), "the response is still to come");
        assertTrue(inFlight.inFlight());
        assertEquals(0, inFlight.status());
        assertEquals("payload", inFlight.bodyAsString());
        assertEquals("POST /slow -> in flight (respond)", inFlight.toString());
        assertEquals(inFlight, proxy.journal().takeRequest(Duration.ZERO), "taken while in flight");

        assertEquals("late", response.get(10, TimeUnit.SECONDS).body());
        JournalEntry done = proxy.journal().all().get(0);
        assertFalse(done.inFlight());
        assertEquals(200, done.status());
        assertTrue(done.duration().toMillis() >= 2500, done.toString());
        assertTrue(inFlight.inFlight(), "an entry read before is a snapshot: it does not change");
    }

    @Test
    void faultsAreRecordedWithStatusZero() {
        proxy.stubFor(post("/drop").willReturn(fault(Fault.closeWithoutResponse())));

        assertThrows(RuntimeException.class, () -> send(proxy, "POST", "/drop", "x"));

        JournalEntry entry = proxy.journal().all().get(0);
        assertEquals(0, entry.status());
        assertTrue(entry.toString().startsWith("POST /drop -> no response (respond, "), entry.toString());
    }

    @Test
    void aRequestWhoseClientGaveUpIsInTheJournalBeforeItsDelayEnds() throws Exception {
        proxy.stubFor(post("/timeout").willReturn(json(200, "{}").delay(Duration.ofMillis(3000))));
        HttpRequest request = HttpRequest.newBuilder(proxy.baseUri().resolve("/timeout"))
                .timeout(Duration.ofMillis(100))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build();

        assertThrows(java.net.http.HttpTimeoutException.class,
                () -> StubKit.HTTP.send(request, HttpResponse.BodyHandlers.ofString()));

        List<JournalEntry> all = proxy.journal().all();
        assertEquals(List.of("/timeout"), all.stream().map(JournalEntry::target).toList());
        JournalEntry entry = proxy.journal().takeRequest(Duration.ofSeconds(5));
        assertEquals("/timeout", entry.target());
        assertEquals("x", entry.bodyAsString());
    }

    @Test
    void resetClearsStubsAndJournalAndForgetsRequestsStillInFlight() throws Exception {
        CountDownLatch matched = new CountDownLatch(1);
        proxy.stubFor(get("/slow").and(matching("noticed", false, request -> {
            matched.countDown();
            return true;
        })).willReturn(text(200, "late").delay(Duration.ofMillis(200))));
        get(proxy, "/before");
        CompletableFuture<HttpResponse<String>> slow = sendAsync("/slow");
        assertTrue(matched.await(5, TimeUnit.SECONDS));

        proxy.reset();
        assertEquals("late", slow.get(5, TimeUnit.SECONDS).body());

        assertTrue(proxy.stubs().list().isEmpty());
        assertEquals(List.of(), proxy.journal().all(), "the request that began before the reset belongs to before");
        get(proxy, "/after");
        assertEquals(List.of("/after"), proxy.journal().all().stream().map(JournalEntry::target).toList());
    }

    @Test
    void journalsOfTwoProxiesAreSeparate() {
        try (DevProxy other = proxy().build().start()) {
            get(proxy, "/mine");
            get(other, "/theirs");

            assertEquals(List.of("/mine"), proxy.journal().all().stream().map(JournalEntry::target).toList());
            assertEquals(List.of("/theirs"), other.journal().all().stream().map(JournalEntry::target).toList());
            assertEquals(1, other.journal().count(anyRequest()));
        }
    }

    @Test
    void awaitRequestWaitsForARequestAnAsynchronousClientSendsLater() throws Exception {
        proxy.stubFor(post("/events").willReturn(status(202)));
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Integer> client = CompletableFuture.supplyAsync(() -> {
            try {
                waiting.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            get(proxy, "/other");
            return send(proxy, "POST", "/events", "{\"n\":1}").statusCode();
        });
        waiting.countDown();

        JournalEntry entry = proxy.awaitRequest(post("/events"), Duration.ofSeconds(10));

        assertEquals("{\"n\":1}", entry.bodyAsString());
        assertEquals(202, client.get(10, TimeUnit.SECONDS));
        // The same request again (its entry may be a later snapshot, its response filled in).
        assertEquals(entry.request(), proxy.journal().awaitRequest(post("/events"), Duration.ZERO).request(),
                "nothing is taken");
    }

    @Test
    void awaitRequestFailsAfterTheTimeoutListingWhatArrivedInstead() {
        get(proxy, "/other");

        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> proxy.awaitRequest(post("/events"), Duration.ofMillis(200)));

        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "waited the timeout");
        assertTrue(e.getMessage().startsWith("Waited 200 ms for a request matching POST /events, but none was"
                + " received.\nReceived 1 request:\n  1. GET /other -> 200"), e.getMessage());
    }

    @Test
    void verifyWithATimeoutWaitsForRequestsStillToCome() throws Exception {
        proxy.stubFor(post("/events").willReturn(status(202)));
        CountDownLatch first = new CountDownLatch(1);
        CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
            send(proxy, "POST", "/events", "1");
            first.countDown();
            send(proxy, "POST", "/events", "2");
        });
        first.await(10, TimeUnit.SECONDS);

        proxy.verify(2, post("/events"), Duration.ofSeconds(10));

        client.get(10, TimeUnit.SECONDS);
        AssertionError e = assertThrows(AssertionError.class,
                () -> proxy.verify(3, post("/events"), Duration.ofMillis(100)));
        assertTrue(e.getMessage().startsWith("Expected exactly 3 requests matching POST /events, but received 2."),
                e.getMessage());
    }

    @Test
    void aStandaloneProxyEchoesUnmatchedRequestsAndTheJournalDoesNotMarkThem() {
        assertEquals(200, get(proxy, "/unstubbed").statusCode());

        JournalEntry entry = proxy.journal().all().get(0);
        assertFalse(entry.unmatched());
        assertEquals(RouteKind.ECHO, entry.route());
    }

    @Test
    void theJournalMarksRequestsNoStubMatchedHeadOrBodyAndOnlyThose() {
        try (DevProxy strict = proxy().strictStubbing(true).build().start()) {
            strict.stubFor(get("/missing").willReturn(status(404)));
            strict.stubFor(post("/json").withJsonBody("{\"a\":1}").willReturn(status(201)));

            assertEquals(404, get(strict, "/missing").statusCode());
            assertEquals(404, get(strict, "/unmatched").statusCode());
            assertEquals(404, send(strict, "POST", "/json", "{\"a\":2}").statusCode());

            List<JournalEntry> all = strict.journal().all();
            assertEquals(List.of(false, true, true), all.stream().map(JournalEntry::unmatched).toList());
            assertTrue(all.get(1).toString().matches("GET /unmatched -> 404 \\(no stub matched, \\d+ ms\\)"),
                    all.get(1).toString());
        }
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path) {
        return StubKit.HTTP.sendAsync(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
