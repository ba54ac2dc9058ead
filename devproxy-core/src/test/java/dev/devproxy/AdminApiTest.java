package dev.devproxy;

import static dev.devproxy.TestSupport.HTTP;
import static dev.devproxy.stub.RequestPattern.anyRequest;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.devproxy.internal.stub.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jspecify.annotations.Nullable;

/** The admin API over real sockets: every endpoint, its security defaults, and its answers to bad input. */
@Timeout(60)
class AdminApiTest {
    private final List<DevProxy> proxies = new ArrayList<>();

    @AfterEach
    void stop() {
        proxies.forEach(DevProxy::close);
    }

    private DevProxy start(DevProxy.Builder builder) {
        DevProxy proxy = builder.build().start();
        proxies.add(proxy);
        return proxy;
    }

    private DevProxy admin() {
        return start(TestSupport.proxy().adminPort(0));
    }

    private static HttpResponse<String> call(DevProxy proxy, String method, String path, @Nullable String body,
            String... headers) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + proxy.adminPort() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> traffic(DevProxy proxy, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> response) {
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""), response::body);
        return (Map<String, Object>) Json.parse(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, @Nullable String field, String message) {
        assertEquals(status, response.statusCode(), response::body);
        Map<String, Object> error = json(response);
        assertEquals(field, error.get("field"), response.body());
        assertTrue(String.valueOf(error.get("error")).contains(message), response.body());
        assertFalse(response.body().contains("\tat "), "no stack trace: " + response.body());
    }

    // ---- the listener -----------------------------------------------------------------------------------------

    @Test
    void theAdminApiIsOffByDefaultAndThePrefixIsOrdinaryTrafficOnTheProxyPort() throws Exception {
        DevProxy proxy = start(TestSupport.proxy());
        assertThrows(IllegalStateException.class, proxy::adminPort);
        HttpResponse<String> echoed = traffic(proxy, "/__admin/stubs");
        assertEquals(200, echoed.statusCode());
        assertTrue(echoed.body().contains("\"path\":\"/__admin/stubs\""), echoed.body()); // echoed, not administered
    }

    @Test
    void theAdminListenerBindsLoopbackUnlessConfigured() throws Exception {
        DevProxy local = admin();
        assertTrue(local.adminAddress().getAddress().isLoopbackAddress(), local.adminAddress().toString());
        assertEquals("127.0.0.1", local.adminAddress().getAddress().getHostAddress());
        assertEquals(URI.create("http://127.0.0.1:" + local.adminPort() + "/__admin/"), local.adminUri());

        DevProxy everywhere = start(TestSupport.proxy().adminPort(0).adminHost("0.0.0.0").adminToken("t"));
        assertTrue(everywhere.adminAddress().getAddress().isAnyLocalAddress(), everywhere.adminAddress().toString());
        // And a non-loopback address of this machine reaches it only then, when the machine has one.
        InetAddress external = nonLoopbackAddress();
        assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(external, everywhere.adminPort()), 2_000);
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            assertThrows(IOException.class,
                    () -> socket.connect(new java.net.InetSocketAddress(external, local.adminPort()), 2_000),
                    "the loopback-bound admin port answered on " + external);
        }
    }

    private static @Nullable InetAddress nonLoopbackAddress() throws IOException {
        for (var network : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!network.isUp() || network.isLoopback()) {
                continue;
            }
            for (InetAddress address : java.util.Collections.list(network.getInetAddresses())) {
                if (address instanceof java.net.Inet4Address) {
                    return address;
                }
            }
        }
        return null;
    }

    @Test
    void anAdminListenerAtItsCapShedsOnlyItsOwnConnections() throws Exception {
        DevProxy proxy = admin();
        try (RawClient traffic = RawClient.connect(proxy)) {
            traffic.send("GET /first HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(200, traffic.readResponse().status());
            // The oldest idle connection of the loops is this one, which shedding took first before it asked
            // which listener a connection belongs to (fails without the owner check in Shedder).
            List<RawClient> admins = new ArrayList<>();
            try {
                for (int i = 0; i < 64; i++) { // the admin listener's cap: accepting pauses and shedding begins
                    admins.add(RawClient.connect(proxy.adminAddress(), 0));
                }
                admins.get(0).assertClosedByServer(java.time.Duration.ofSeconds(4)); // shed: older than a second
                traffic.send("GET /still-open HTTP/1.1\r\nHost: h\r\n\r\n");
                assertEquals(200, traffic.readResponse().status());
            } finally {
                admins.forEach(RawClient::close);
            }
        }
    }

    // ---- stubs ------------------------------------------------------------------------------------------------

    @Test
    void aStubAddedOverTheApiAnswersTheNextRequest() throws Exception {
        DevProxy proxy = admin();
        HttpResponse<String> added = call(proxy, "POST", "/__admin/stubs", """
                {"request": {"method": "GET", "path": "/api/users", "headers": [{"name": "Accept", "equalTo": "application/json"}]},
                 "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": "[\\"ann\\"]"}}
                """);
        assertEquals(201, added.statusCode(), added.body());
        Map<String, Object> stub = json(added);
        String id = (String) stub.get("id");
        assertEquals("/__admin/stubs/" + id, added.headers().firstValue("Location").orElse(""));
        assertEquals(proxy.stubs().list().get(0).id(), id);
        assertTrue(String.valueOf(stub.get("registeredAt")).startsWith("admin API, from 127.0.0.1:"), stub.toString());

        HttpResponse<String> answered = HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/api/users"))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answered.statusCode());
        assertEquals("[\"ann\"]", answered.body());
        assertEquals("application/json", answered.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void stubsAreListedFetchedAndRemovedById() throws Exception {
        DevProxy proxy = admin();
        String first = (String) json(call(proxy, "POST", "/__admin/stubs",
                "{\"name\": \"one\", \"request\": {\"path\": \"/a\"}, \"response\": {\"status\": 201}, \"times\": 2}"))
                .get("id");
        proxy.stubFor(get("/b").and(request -> true).willReturn(text(200, "b"))); // in-process, a custom matcher
        traffic(proxy, "/a");

        Map<String, Object> listed = json(call(proxy, "GET", "/__admin/stubs", null));
        List<?> stubs = (List<?>) listed.get("stubs");
        assertEquals(2, stubs.size(), listed.toString());
        Map<?, ?> one = (Map<?, ?>) stubs.get(0);
        assertEquals("one", one.get("name"));
        assertEquals(new java.math.BigDecimal(1), one.get("uses"));
        assertEquals(new java.math.BigDecimal(2), one.get("times"));
        assertEquals(Map.of("path", "/a"), one.get("request"));
        Map<?, ?> custom = (Map<?, ?>) stubs.get(1);
        assertTrue(String.valueOf(custom.get("noJsonForm")).contains("a custom matcher"), custom.toString());

        Map<String, Object> fetched = json(call(proxy, "GET", "/__admin/stubs/" + first, null));
        assertEquals(first, fetched.get("id"));
        assertEquals(200, call(proxy, "DELETE", "/__admin/stubs/" + first, null).statusCode());
        assertError(call(proxy, "GET", "/__admin/stubs/" + first, null), 404, "id", "no stub with id " + first);
        assertError(call(proxy, "DELETE", "/__admin/stubs/" + first, null), 404, "id", "no stub with id");
        assertEquals(1, proxy.stubs().list().size());

        assertEquals(Map.of("removed", new java.math.BigDecimal(1)), json(call(proxy, "DELETE", "/__admin/stubs", null)));
        assertTrue(proxy.stubs().list().isEmpty());
    }

    // ---- journal, verify, reset -------------------------------------------------------------------------------

    @Test
    void theJournalIsReadWithFiltersAndCleared() throws Exception {
        DevProxy proxy = admin();
        proxy.stubFor(get("/missing").willReturn(text(404, "no")));
        traffic(proxy, "/one?x=1");
        Instant between = Instant.now();
        TestSupport.await("a later clock reading", () -> Instant.now().isAfter(between), Instant::now);
        traffic(proxy, "/two");
        traffic(proxy, "/missing");
        HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/post")).POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build(), HttpResponse.BodyHandlers.ofString());

        Map<String, Object> all = json(call(proxy, "GET", "/__admin/journal", null));
        assertEquals(new java.math.BigDecimal(4), all.get("matched"));
        Map<?, ?> first = (Map<?, ?>) ((List<?>) all.get("entries")).get(0);
        Map<?, ?> request = (Map<?, ?>) first.get("request");
        assertEquals("/one?x=1", request.get("target"));
        assertEquals("x=1", request.get("query"));
        assertEquals("echo", first.get("route"));
        Map<?, ?> response = (Map<?, ?>) first.get("response");
        assertEquals(new java.math.BigDecimal(200), response.get("status"));
        assertTrue(String.valueOf(response.get("body")).contains("\"target\":\"/one?x=1\""), response.toString());

        assertEquals(List.of("/missing"), targets(call(proxy, "GET", "/__admin/journal?status=404", null)));
        assertEquals(List.of("/post"), targets(call(proxy, "GET", "/__admin/journal?method=POST", null)));
        assertEquals(List.of("/two"), targets(call(proxy, "GET", "/__admin/journal?path=/two", null)));
        assertEquals(List.of("/one?x=1", "/two"), targets(call(proxy, "GET", "/__admin/journal?path=/%2A%2A&status=200&method=GET", null)));
        assertEquals(List.of("/two", "/missing", "/post"),
                targets(call(proxy, "GET", "/__admin/journal?since=" + between, null)));
        assertEquals(List.of("/missing", "/post"), targets(call(proxy, "GET", "/__admin/journal?limit=2", null)));

        assertError(call(proxy, "GET", "/__admin/journal?status=abc", null), 400, "status", "expected a whole number");
        assertError(call(proxy, "GET", "/__admin/journal?since=yesterday", null), 400, "since", "ISO-8601");
        assertError(call(proxy, "GET", "/__admin/journal?limit=0", null), 400, "limit", "must be 1 to");
        assertError(call(proxy, "GET", "/__admin/journal?sort=asc", null), 400, "sort", "unknown query parameter");

        assertEquals(200, call(proxy, "DELETE", "/__admin/journal", null).statusCode());
        assertEquals(List.of(), targets(call(proxy, "GET", "/__admin/journal", null)));
        assertTrue(proxy.journal().all().isEmpty());
    }

    private static List<String> targets(HttpResponse<String> response) {
        List<String> targets = new ArrayList<>();
        for (Object entry : (List<?>) json(response).get("entries")) {
            targets.add((String) ((Map<?, ?>) ((Map<?, ?>) entry).get("request")).get("target"));
        }
        return targets;
    }

    @Test
    void verifyCountsMatchesAndGivesTheNearMissReport() throws Exception {
        DevProxy proxy = admin();
        traffic(proxy, "/api/users");
        traffic(proxy, "/api/users");
        traffic(proxy, "/api/user");

        Map<String, Object> exact = json(call(proxy, "POST", "/__admin/verify",
                "{\"request\": {\"method\": \"GET\", \"path\": \"/api/users\"}, \"count\": 2}"));
        assertEquals(new java.math.BigDecimal(2), exact.get("matched"));
        assertEquals(Boolean.TRUE, exact.get("ok"));
        assertEquals(Json.NULL, exact.get("report"));

        Map<String, Object> missed = json(call(proxy, "POST", "/__admin/verify",
                "{\"request\": {\"method\": \"GET\", \"path\": \"/api/users\"}, \"atLeast\": 3}"));
        assertEquals(Boolean.FALSE, missed.get("ok"));
        assertEquals("at least 3 requests", missed.get("expected"));
        String report = (String) missed.get("report");
        assertTrue(report.startsWith("Expected at least 3 requests matching GET /api/users, but received 2."), report);
        assertTrue(report.contains("path: expected \"/api/users\" but was \"/api/user\""), report);

        assertEquals(Boolean.TRUE, json(call(proxy, "POST", "/__admin/verify",
                "{\"request\": {\"pathStartingWith\": \"/api/\"}, \"atLeast\": 1, \"atMost\": 3}")).get("ok"));
        assertEquals(Boolean.TRUE, json(call(proxy, "POST", "/__admin/verify",
                "{\"request\": {\"path\": \"/api/users\"}}")).get("ok")); // at least one by default
        assertError(call(proxy, "POST", "/__admin/verify", "{\"request\": {}, \"count\": 1, \"atMost\": 2}"), 400,
                "atMost", "give count, or atLeast and atMost");
        assertError(call(proxy, "POST", "/__admin/verify", "{\"count\": 1}"), 400, "request", "required");
    }

    @Test
    void withoutAJournalTheJournalEndpointsAre409AndTheRestWorks() throws Exception {
        DevProxy proxy = start(TestSupport.proxy().adminPort(0).journalCapacity(0));
        assertError(call(proxy, "GET", "/__admin/journal", null), 409, null, "keeps no journal");
        assertError(call(proxy, "DELETE", "/__admin/journal", null), 409, null, "keeps no journal");
        assertError(call(proxy, "POST", "/__admin/verify", "{\"request\": {}}"), 409, null, "keeps no journal");
        assertEquals(Boolean.FALSE, json(call(proxy, "POST", "/__admin/reset", null)).get("journalCleared"));
        assertEquals(201, call(proxy, "POST", "/__admin/stubs", "{\"response\": {\"status\": 204}}").statusCode());
        assertEquals(204, traffic(proxy, "/anything").statusCode());
    }

    @Test
    void resetRemovesStubsAndClearsTheJournal() throws Exception {
        DevProxy proxy = admin();
        proxy.stubFor(get("/x").willReturn(text(200, "x")));
        traffic(proxy, "/x");
        Map<String, Object> reset = json(call(proxy, "POST", "/__admin/reset", null));
        assertEquals(new java.math.BigDecimal(1), reset.get("stubsRemoved"));
        assertTrue(proxy.stubs().list().isEmpty());
        assertTrue(proxy.journal().all().isEmpty());
    }

    @Test
    void settingsShowEverySettingWithTheSecretsMasked() throws Exception {
        DevProxy proxy = start(TestSupport.proxy().adminPort(0).adminToken("s3cret").journalCapacity(7));
        HttpResponse<String> response = call(proxy, "GET", "/__admin/settings", null, "Authorization", "Bearer s3cret");
        Map<String, Object> settings = json(response);
        Map<?, ?> config = (Map<?, ?>) settings.get("config");
        assertEquals("****", config.get("adminToken"));
        assertFalse(response.body().contains("s3cret"), response.body());
        assertEquals(new java.math.BigDecimal(0), config.get("adminPort"));
        assertEquals(new java.math.BigDecimal(5), config.get("requestLineTimeout")); // seconds
        assertEquals(Map.of("host", "localhost", "port", new java.math.BigDecimal(3001), "tls", false), config.get("upstream"));
        assertEquals(new java.math.BigDecimal(7), ((Map<?, ?>) settings.get("journal")).get("capacity"));
    }

    @Test
    void metricsAreTheProxysTrafficAndNeverTheAdminRequests() throws Exception {
        DevProxy proxy = start(TestSupport.proxy().adminPort(0).strictStubbing(true));
        proxy.stubFor(anyRequest().willReturn(text(200, "stubbed"))); // would claim every request it saw
        for (String path : List.of("/__admin/stubs", "/__admin/journal", "/__admin/metrics", "/__admin/nowhere")) {
            call(proxy, "GET", path, null);
        }
        call(proxy, "POST", "/__admin/verify", "{\"request\": {}}");
        Map<String, Object> metrics = json(call(proxy, "GET", "/__admin/metrics", null));
        assertEquals(new java.math.BigDecimal(0), metrics.get("requestsTotal"), metrics.toString());
        assertEquals(new java.math.BigDecimal(0), metrics.get("connectionsTotal"), metrics.toString());
        assertEquals(0, proxy.metrics().requestsTotal());
        assertEquals(0, proxy.stubs().list().get(0).uses(), "an admin request was stub-matched");
        assertTrue(proxy.journal().all().isEmpty(), () -> "admin requests journalled: " + proxy.journal().all());
        assertTrue(proxy.stubs().unmatchedRequests().isEmpty(), "strict stubbing counted an admin request");
        assertFalse(proxy.metricsText().contains("__admin"));

        traffic(proxy, "/real");
        TestSupport.await("the request counted", () -> proxy.metrics().requestsTotal() == 1, proxy::metrics);
        Map<String, Object> after = json(call(proxy, "GET", "/__admin/metrics", null));
        assertEquals(new java.math.BigDecimal(1), after.get("requestsTotal"), after.toString());
        assertEquals(1, proxy.journal().all().size());
    }

    // ---- journal reads while traffic flows --------------------------------------------------------------------

    @Test
    void journalReadsWhileTrafficFlowsSeeOnlyWholeEntries() throws Exception {
        DevProxy proxy = start(TestSupport.proxy().adminPort(0).journalCapacity(10_000));
        AtomicBoolean done = new AtomicBoolean();
        int requests = 300;
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < requests; i++) {
                    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/load/" + i))
                            .POST(HttpRequest.BodyPublishers.ofString("body-" + i)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, response.statusCode());
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                done.set(true);
            }
        });
        int reads = 0;
        int seenComplete = 0;
        int readsMidTraffic = 0; // reads that saw the journal part-way: the traffic was flowing meanwhile
        while (!done.get() || reads < 3) {
            reads++;
            Map<String, Object> journal = json(call(proxy, "GET", "/__admin/journal?path=/load/*", null));
            List<?> entries = (List<?>) journal.get("entries");
            if (entries.size() < requests) {
                readsMidTraffic++;
            }
            for (Object item : entries) {
                Map<?, ?> entry = (Map<?, ?>) item;
                Map<?, ?> request = (Map<?, ?>) entry.get("request");
                String path = (String) request.get("path");
                String n = path.substring("/load/".length());
                if (Boolean.TRUE.equals(entry.get("inFlight"))) {
                    continue;
                }
                seenComplete++;
                assertEquals("body-" + n, request.get("body"), entry.toString());
                assertEquals(new java.math.BigDecimal(200), entry.get("status"), entry.toString());
                Map<?, ?> response = (Map<?, ?>) entry.get("response");
                assertTrue(String.valueOf(response.get("body")).contains("\"path\":\"" + path + "\""), entry.toString());
                assertTrue(String.valueOf(response.get("body")).contains("\"body\":\"body-" + n + "\""), entry.toString());
            }
        }
        load.get(30, TimeUnit.SECONDS);
        assertTrue(readsMidTraffic > 0 && seenComplete > 0, reads + " reads, " + readsMidTraffic
                + " while the traffic flowed, " + seenComplete + " complete entries seen");
        assertEquals(new java.math.BigDecimal(requests),
                json(call(proxy, "GET", "/__admin/journal?path=/load/*&status=200", null)).get("matched"));
    }

    // ---- security and bad input ---------------------------------------------------------------------------------

    @Test
    void theTokenIsRequiredWhenSet() throws Exception {
        DevProxy proxy = start(TestSupport.proxy().adminPort(0).adminToken("s3cret"));
        for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Bearer wrong"},
                new String[] {"Authorization", "Basic czNjcmV0"}, new String[] {"Authorization", "Bearer s3cre"})) {
            HttpResponse<String> refused = call(proxy, "GET", "/__admin/stubs", null, headers);
            assertError(refused, 401, null, "a bearer token is required");
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        }
        // Refused before the resource is looked at: without the token, nothing says which paths exist.
        assertEquals(401, call(proxy, "GET", "/__admin/nowhere", null).statusCode());
        assertEquals(200, call(proxy, "GET", "/__admin/stubs", null, "Authorization", "Bearer s3cret").statusCode());
        assertEquals(201, call(proxy, "POST", "/__admin/stubs", "{\"response\": {\"status\": 200}}",
                "Authorization", "Bearer s3cret").statusCode());
    }

    @Test
    void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
        DevProxy proxy = admin();
        assertError(call(proxy, "GET", "/__admin/nowhere", null), 404, null, "no admin endpoint /__admin/nowhere");
        assertError(call(proxy, "GET", "/elsewhere", null), 404, null, "no admin endpoint");
        assertError(call(proxy, "GET", "/__admin/stubs/1/more", null), 404, null, "no admin endpoint");
        HttpResponse<String> wrong = call(proxy, "PUT", "/__admin/stubs", "{}");
        assertError(wrong, 405, null, "PUT is not allowed");
        assertEquals("GET, HEAD, POST, DELETE", wrong.headers().firstValue("Allow").orElse(""));
        assertEquals("POST", call(proxy, "GET", "/__admin/reset", null).headers().firstValue("Allow").orElse(""));
        assertEquals(200, call(proxy, "GET", "/__admin/", null).statusCode());
    }

    @Test
    void malformedJsonWrongTypesAndUnknownFieldsAreEachAnsweredPrecisely() throws Exception {
        DevProxy proxy = admin();
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"request\": "), 400, null, "malformed JSON");
        assertError(call(proxy, "POST", "/__admin/stubs", null), 400, null, "a JSON body is required");
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"request\": {\"method\": 7}, \"response\": {\"status\": 200}}"),
                400, "request.method", "expected a string, was a number");
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"request\": {\"method\": \"GET\"}, \"response\": {\"status\": 200},"
                + " \"priority\": 1}"), 400, "priority", "unknown field");
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"response\": {\"status\": 200, \"boddy\": \"x\"}}"), 400,
                "response.boddy", "unknown field");
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"response\": {\"status\": \"ok\"}}"), 400,
                "response.status", "expected a number, was a string");
        assertError(call(proxy, "GET", "/__admin/stubs?x=1", null), 400, "x", "unknown query parameter");
        assertTrue(proxy.stubs().list().isEmpty());
    }

    @Test
    void aBodyOverTheAdminLimitIs413() throws Exception {
        DevProxy proxy = admin();
        try (RawClient client = RawClient.connect(proxy.adminAddress(), 0)) {
            client.send("POST /__admin/stubs HTTP/1.1\r\nHost: h\r\nContent-Length: " + (2 * 1024 * 1024) + "\r\n\r\n");
            RawClient.RawResponse response = client.readResponse();
            assertEquals(413, response.status(), response.toString());
            client.assertClosedByServer();
        }
        assertTrue(proxy.stubs().list().isEmpty());
        // Just under the limit is read: a large stub body fits.
        String big = "x".repeat(1024 * 1024 - 100);
        HttpResponse<String> added = call(proxy, "POST", "/__admin/stubs",
                "{\"response\": {\"status\": 200, \"body\": \"" + big + "\"}}");
        assertEquals(201, added.statusCode(), () -> added.body().substring(0, 200));
    }

    // ---- curl -------------------------------------------------------------------------------------------------

    @Test
    void curlDrivesEveryKindOfEndpoint() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        DevProxy proxy = start(TestSupport.proxy().adminPort(0).adminToken("tok"));
        String admin = proxy.adminUri().toString();
        String added = curl("-X", "POST", "-d", "{\"request\": {\"method\": \"GET\", \"path\": \"/hello\"},"
                + " \"response\": {\"status\": 200, \"body\": \"hi from curl\"}}", admin + "stubs");
        assertTrue(added.startsWith("201 "), added);
        assertEquals("200 hi from curl", curl(proxy.baseUri().resolve("/hello").toString()));
        assertTrue(curl(admin + "stubs").contains("\"path\":\"/hello\""));
        assertTrue(curl(admin + "journal?path=/hello").contains("\"matched\":1"));
        assertTrue(curl("-X", "POST", "-d", "{\"request\": {\"path\": \"/hello\"}, \"count\": 1}", admin + "verify")
                .contains("\"ok\":true"));
        assertTrue(curl(admin + "metrics").contains("\"requestsTotal\":1"));
        assertTrue(curl(admin + "settings").contains("\"adminToken\":\"****\""));
        assertTrue(curl("-X", "DELETE", admin + "journal").startsWith("200 "));
        assertTrue(curl("-X", "POST", admin + "reset").startsWith("200 "));
        assertTrue(curl("-X", "DELETE", admin + "stubs").startsWith("200 "));
        String unauthorised = run(List.of("curl", "-sS", "-w", "%{http_code}", "-o", "/dev/null", admin + "stubs"));
        assertEquals("401", unauthorised);
    }

    /** curl with the token, answering the status, a space, and the body. */
    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-H", "Authorization: Bearer tok", "-w",
                "\\n%{http_code}"));
        command.addAll(List.of(args));
        String out = run(command);
        int last = out.lastIndexOf('\n');
        return out.substring(last + 1) + " " + out.substring(0, last).strip();
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, process.exitValue(), out);
        return out;
    }
}
