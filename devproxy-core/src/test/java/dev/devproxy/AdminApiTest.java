package dev.devproxy;

import static dev.devproxy.AdminCalls.assertError;
import static dev.devproxy.AdminCalls.call;
import static dev.devproxy.AdminCalls.json;
import static dev.devproxy.AdminCalls.traffic;
import static dev.devproxy.TestSupport.HTTP;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.devproxy.internal.stub.Json;
import java.io.IOException;
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
/** The admin API's endpoints over real sockets, with the JDK's client and curl. */
@Timeout(60)
class AdminApiTest {
    private final AdminCalls calls = new AdminCalls();

    @AfterEach
    void stop() {
        calls.close();
    }

    private DevProxy start(DevProxy.Builder builder) {
        return calls.start(builder);
    }

    private DevProxy admin() {
        return calls.admin();
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

        // The same selection as an HTTP Archive, which reads back as stubs.
        HttpResponse<String> har = call(proxy, "GET", "/__admin/journal?status=404&format=har", null);
        assertEquals(200, har.statusCode(), har.body());
        Map<?, ?> log = (Map<?, ?>) json(har).get("log");
        assertEquals("1.2", log.get("version"));
        assertEquals(1, ((List<?>) log.get("entries")).size());
        List<dev.devproxy.stub.Stub> replayed = dev.devproxy.stub.Har.stubs(har.body());
        assertEquals(1, replayed.size());
        assertEquals(404, replayed.get(0).responses().get(0).status());
        assertError(call(proxy, "GET", "/__admin/journal?format=xml", null), 400, "format", "json (the default) or har");

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
