package dev.devproxy.admin;

import static dev.devproxy.stub.RequestPattern.anyRequest;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.json;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.Fault;
import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.Stub;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java client against a proxy in this JVM, then against the standalone proxy in a process of its own. */
@Timeout(60)
class DevProxyAdminTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern LISTENING = Pattern.compile("^DevProxy listening on (http://127\\.0\\.0\\.1:\\d+) .*");
    private static final Pattern ADMIN = Pattern.compile("^DevProxy admin API on (http://127\\.0\\.0\\.1:\\d+/__admin/) \\((.*)\\)$");
    private static final String END = "(end of output)";

    private static HttpResponse<String> send(URI base, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "application/json");
        if (body != null) {
            request.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyCallOfTheClientAgainstAProxyInThisJvm() throws Exception {
        try (DevProxy proxy = DevProxy.builder().port(0).adminPort(0).adminToken("t0k").build().start()) {
            DevProxyAdmin admin = DevProxyAdmin.connect(proxy.adminUri(), "t0k");
            Stub users = get("/api/users").withHeader("Accept", "application/json").willReturn(json(200, "[1]"))
                    .thenReturn(text(503, "down").delay(Duration.ofMillis(1))).times(5).named("users");
            String id = admin.stubFor(users);
            String faulty = admin.stubFor(post("/fault").willReturn(text(200, "x").fault(Fault.dribbleBody(1000))));

            assertEquals("[1]", send(proxy.baseUri(), "/api/users", null).body());
            assertEquals(503, send(proxy.baseUri(), "/api/users", null).statusCode());

            List<RemoteStub> stubs = admin.stubs();
            assertEquals(List.of(id, faulty), stubs.stream().map(RemoteStub::id).toList());
            RemoteStub first = stubs.get(0);
            assertEquals(2, first.uses());
            assertNotNull(first.stub());
            assertEquals(users.describe(), first.stub().describe());
            assertEquals(users.responses().get(1).minDelay(), first.stub().responses().get(1).minDelay());

            List<JournalEntry> journal = admin.journal(JournalFilter.all().withPath("/api/*"));
            assertEquals(2, journal.size());
            JournalEntry entry = journal.get(0);
            assertEquals("/api/users", entry.request().path());
            assertEquals("application/json", entry.request().header("Accept"));
            assertEquals(200, entry.status());
            assertEquals("[1]", entry.response().bodyAsString());
            assertEquals(proxy.journal().all().get(0).request().receivedAt(), entry.request().receivedAt());
            assertEquals(List.of(503), admin.journal(JournalFilter.all().withStatus(503)).stream()
                    .map(JournalEntry::status).toList());
            assertEquals(1, admin.journal(JournalFilter.all().withLimit(1)).size());
            assertEquals(0, admin.journal(JournalFilter.all().withSince(Instant.now().plusSeconds(60))).size());
            assertEquals(2, admin.journal(JournalFilter.all().withMethod("GET")).size());
            assertEquals(List.of(200), dev.devproxy.stub.Har.stubs(admin.journalHar(JournalFilter.all().withPath("/api/users")))
                    .stream().map(stub -> stub.responses().get(0).status()).toList(), "the same selection as HAR");

            admin.verify(get("/api/users"), 2).assertOk();
            Verification missed = admin.verify(get("/api/users").withHeader("X-Debug", "1"), 1);
            assertFalse(missed.ok());
            assertEquals(0, missed.matched());
            assertTrue(missed.report().contains("header X-Debug: expected \"1\" but was absent"), missed.report());
            AssertionError failure = assertThrows(AssertionError.class, missed::assertOk);
            assertEquals(missed.report(), failure.getMessage());

            assertEquals("****", admin.settings().get("config.adminToken"));
            assertEquals("0", admin.settings().get("config.port")); // as configured; the bound port is proxy.port()
            assertEquals("localhost", admin.settings().get("config.upstream.host"));
            assertEquals("1000", admin.settings().get("journal.capacity"));
            assertEquals(2, admin.metrics().requestsTotal());

            IllegalArgumentException custom = assertThrows(IllegalArgumentException.class,
                    () -> admin.stubFor(anyRequest().and(request -> true).willReturn(text(200, "x"))));
            assertTrue(custom.getMessage().contains("\"a custom matcher\" has no JSON form"), custom.getMessage());

            assertTrue(admin.removeStub(faulty));
            assertFalse(admin.removeStub(faulty));
            admin.clearJournal();
            assertTrue(admin.journal(JournalFilter.all()).isEmpty());
            admin.reset();
            assertTrue(admin.stubs().isEmpty());

            AdminApiException refused = assertThrows(AdminApiException.class,
                    () -> DevProxyAdmin.connect(proxy.adminUri(), "wrong").stubs());
            assertEquals(401, refused.status());
            AdminApiException noRoot = assertThrows(AdminApiException.class,
                    () -> DevProxyAdmin.connect(URI.create("http://127.0.0.1:" + proxy.adminPort()), null).reset());
            assertEquals(401, noRoot.status(), "the base URI without /__admin/ is completed, and the token asked for");
        }
    }

    @Test
    void theClientDrivesTheStandaloneProxyInAProcessOfItsOwn() throws Exception {
        Process child = standalone("--port", "0", "--admin-port", "0");
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> drain(child.getInputStream(), lines), "child-stdout");
            reader.setDaemon(true);
            reader.start();
            Matcher listening = LISTENING.matcher(String.valueOf(lines.poll(30, TimeUnit.SECONDS)));
            assertTrue(listening.matches(), listening::toString);
            String adminLine = lines.poll(30, TimeUnit.SECONDS);
            Matcher adminAt = ADMIN.matcher(String.valueOf(adminLine));
            assertTrue(adminAt.matches(), adminLine);
            assertEquals("no token, loopback only", adminAt.group(2));
            URI proxy = URI.create(listening.group(1) + "/");

            DevProxyAdmin admin = DevProxyAdmin.connect(URI.create(adminAt.group(1)), null);
            admin.stubFor(post("/orders").withJsonBody("{\"item\": \"tea\"}").willReturn(json(201, "{\"id\": 7}")));
            HttpResponse<String> created = send(proxy, "/orders", "{ \"item\" : \"tea\" }");
            assertEquals(201, created.statusCode());
            assertEquals("{\"id\": 7}", created.body());

            // The jar keeps a journal once the admin API is on, though it keeps none otherwise.
            admin.verify(post("/orders"), 1).assertOk();
            List<JournalEntry> journal = admin.journal(JournalFilter.all());
            assertEquals(1, journal.size());
            assertEquals("{ \"item\" : \"tea\" }", journal.get(0).request().bodyAsString());
            assertEquals(201, journal.get(0).response().status());
            assertEquals("false", admin.settings().get("strictStubbing"));
            assertEquals(1, admin.metrics().requestsTotal());

            child.toHandle().destroy();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not stop");
        } finally {
            child.destroyForcibly();
        }
    }

    private static Process standalone(String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(List.of("-cp", classPath, dev.devproxy.internal.cli.Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        return process;
    }

    private static void drain(InputStream in, BlockingQueue<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(read failed: " + e + ")");
        }
        lines.add(END);
    }
}
