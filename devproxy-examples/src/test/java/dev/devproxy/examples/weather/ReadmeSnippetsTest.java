package dev.devproxy.examples.weather;

import static dev.devproxy.stub.RequestMatchers.pathGlob;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.fault;
import static dev.devproxy.stub.Responses.json;
import static dev.devproxy.stub.Responses.resource;
import static dev.devproxy.stub.Responses.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.Fault;
import dev.devproxy.Route;
import dev.devproxy.Upstream;
import dev.devproxy.admin.DevProxyAdmin;
import dev.devproxy.admin.JournalFilter;
import dev.devproxy.junit.DevProxyExtension;
import dev.devproxy.stub.Har;
import dev.devproxy.stub.JournalEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's other snippets, verbatim between the markers: keep the two in step. */
class ReadmeSnippetsTest {
    // README: extension
    @RegisterExtension
    static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder()
            .router(request -> Route.forward(Upstream.of("localhost", 8080), request.target())));
    // README: end

    @Test
    void stubs() {
        DevProxy proxy = devProxy.proxy();
        // README: stubs
        proxy.stubFor(get("/v1/forecast").willReturn(status(503))             // first call 503,
                .thenReturn(json(200, "{\"city\": \"Oslo\", \"temperature\": -3, \"summary\": \"Snow\"}")));  // then 200
        proxy.stubFor(get(pathGlob("/v1/forecast/*")).willReturn(resource(200, "fixtures/forecast.json")).times(1));
        proxy.stubFor(post("/v1/observations").withJsonBody("{\"city\": \"Oslo\", \"temperature\": -3}")
                .willReturn(status(201).delay(Duration.ofMillis(100), Duration.ofMillis(300))));
        proxy.stubFor(post("/v1/alerts").willReturn(fault(Fault.resetConnection())));
        // README: end

        WeatherClient client = new WeatherClient(proxy.baseUri(), "my-key", Duration.ofSeconds(2));
        assertEquals("Snow", client.forecast("Oslo").summary());
        client.report("Oslo", -3);
        assertEquals(4, proxy.stubs().list().size());
    }

    @Test
    void adminClient() {
        try (DevProxy proxy = DevProxy.builder().port(0).adminPort(0).adminToken("t0k").build().start()) {
            URI adminUri = proxy.adminUri();
            String token = "t0k";
            URI proxyUri = proxy.baseUri();
            // README: admin
            DevProxyAdmin admin = DevProxyAdmin.connect(adminUri, token);  // http://127.0.0.1:8890/__admin/; token or null
            String id = admin.stubFor(get("/v1/cities").willReturn(json(200, "[\"Paris\"]")));
            assertEquals(List.of("Paris"), new WeatherClient(proxyUri, "my-key", Duration.ofSeconds(1)).cities());
            admin.verify(get("/v1/cities"), 1).assertOk();                 // fails with the near-miss report
            List<JournalEntry> calls = admin.journal(JournalFilter.all().withPath("/v1/*").withStatus(200));
            admin.removeStub(id);
            admin.reset();                                                 // also stubs(), clearJournal(), settings(), metrics()
            // README: end
            assertEquals(1, calls.size());
            assertTrue(proxy.stubs().list().isEmpty());
        }
    }

    @Test
    void journal() throws Exception {
        DevProxy proxy = devProxy.proxy();
        proxy.stubFor(get("/v1/forecast").willReturn(status(503)));
        WeatherClient client = new WeatherClient(proxy.baseUri(), "my-key", Duration.ofSeconds(2));
        assertThrows(WeatherException.class, () -> client.forecast("Paris"));
        proxy.stubFor(post("/v1/observations").willReturn(status(201)));
        CompletableFuture<Void> background = CompletableFuture.runAsync(() -> client.report("Oslo", -3));

        // README: journal
        JournalEntry first = proxy.journal().takeRequest(Duration.ofSeconds(5));  // oldest not taken yet
        assertEquals("/v1/forecast?city=Paris", first.target());
        assertEquals(503, first.status());
        assertEquals(2, proxy.journal().count(get("/v1/forecast")));
        proxy.verify(2, get("/v1/forecast").withHeader("X-Api-Key", "my-key"));
        JournalEntry sent = proxy.awaitRequest(post("/v1/observations"), Duration.ofSeconds(5));  // sent in the background
        // README: end

        assertEquals("/v1/observations", sent.target(), "handed over once its body is in; its answer may still be going out");
        background.join();
        // Once the client has its answer, the entry has its status: the outcome is journalled before the last byte goes.
        assertEquals(201, proxy.journal().all().stream().filter(entry -> entry.target().equals("/v1/observations"))
                .findFirst().orElseThrow().status());

        AssertionError failure = assertThrows(AssertionError.class,
                () -> proxy.verify(get("/v1/forecast").withQueryParam("city", "Oslo")));
        assertTrue(failure.getMessage().contains("- query parameter city: expected \"Oslo\" but was [\"Paris\"]"),
                failure.getMessage());
    }

    @Test
    void withoutJUnit() {
        // README: without JUnit
        try (DevProxy proxy = DevProxy.builder().port(0).build().start()) {
            proxy.stubFor(get("/v1/cities").willReturn(json(200, "[\"Paris\"]")));
            WeatherClient client = new WeatherClient(proxy.baseUri(), "my-key", Duration.ofSeconds(1));
            assertEquals(java.util.List.of("Paris"), client.cities());
            proxy.verify(get("/v1/cities"));
        }
        // README: end
    }

    @Test
    void har() throws Exception {
        try (DevProxy proxy = DevProxy.builder().port(0).build().start();
                DevProxy replay = DevProxy.builder().port(0).build().start()) {
            proxy.stubFor(get("/v1/cities").willReturn(json(200, "[\"Oslo\"]")));
            new WeatherClient(proxy.baseUri(), "my-key", Duration.ofSeconds(1)).cities();
            // README: har
            Path har = Path.of("target/cities.har");
            Files.writeString(har, proxy.journal().toHar());   // open it in a browser's developer tools
            Har.stubs(har).forEach(replay::stubFor);            // the same answers from another proxy
            // README: end
            WeatherClient client = new WeatherClient(replay.baseUri(), "my-key", Duration.ofSeconds(1));
            assertEquals(java.util.List.of("Oslo"), client.cities());
        }
    }
}
