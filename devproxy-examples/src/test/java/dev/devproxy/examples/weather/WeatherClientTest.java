package dev.devproxy.examples.weather;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.fault;
import static dev.devproxy.stub.Responses.json;
import static dev.devproxy.stub.Responses.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.devproxy.DevProxy;
import dev.devproxy.Fault;
import dev.devproxy.Route;
import dev.devproxy.RouteKind;
import dev.devproxy.Upstream;
import dev.devproxy.junit.DevProxyExtension;
import dev.devproxy.stub.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The weather client against DevProxy, as a user would test it: some routes stubbed, faults injected, the
 * requests verified, and everything not stubbed passed through to a (local) real service.
 */
class WeatherClientTest {
    /** The "real" weather service: it only knows the cities. */
    static final HttpServer realService = startRealService();

    /** Requests no stub matches go to the real service, whatever their path. */
    @RegisterExtension
    static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder()
            .router(request -> Route.forward(Upstream.of("127.0.0.1", realService.getAddress().getPort()),
                    request.target())));

    private WeatherClient client;

    @BeforeEach
    void pointTheClientAtTheProxy(DevProxy proxy) {
        client = new WeatherClient(proxy.baseUri(), "secret-key", Duration.ofMillis(500));
    }

    @AfterAll
    static void stopTheRealService() {
        realService.stop(0);
    }

    @Test
    void readsTheForecastAndSendsTheApiKey(DevProxy proxy) {
        proxy.stubFor(get("/v1/forecast").withQueryParam("city", "Paris")
                .willReturn(json(200, "{\"city\": \"Paris\", \"temperature\": 21.5, \"summary\": \"Sunny\"}")));

        WeatherClient.Forecast forecast = client.forecast("Paris");

        assertEquals(new WeatherClient.Forecast("Paris", 21.5, "Sunny"), forecast);
        proxy.verify(1, get("/v1/forecast").withQueryParam("city", "Paris")
                .withHeader("X-Api-Key", "secret-key")
                .withHeader("Accept", "application/json"));
    }

    @Test
    void retriesOnceWhenTheServiceIsUnavailable(DevProxy proxy) {
        proxy.stubFor(get("/v1/forecast").willReturn(status(503))
                .thenReturn(json(200, "{\"city\": \"Oslo\", \"temperature\": -3, \"summary\": \"Snow\"}")));

        assertEquals("Snow", client.forecast("Oslo").summary());
        proxy.verify(2, get("/v1/forecast"));
    }

    @Test
    void givesUpAfterTwo503s(DevProxy proxy) {
        proxy.stubFor(get("/v1/forecast").willReturn(status(503)));

        WeatherException e = assertThrows(WeatherException.class, () -> client.forecast("Oslo"));

        assertEquals("the weather service is unavailable (503)", e.getMessage());
        proxy.verify(2, get("/v1/forecast"));
    }

    @Test
    void reportsATimeoutWhenTheServiceIsTooSlow(DevProxy proxy) {
        proxy.stubFor(get("/v1/forecast").willReturn(json(200, "{}").delay(Duration.ofSeconds(1))));

        WeatherException e = assertThrows(WeatherException.class, () -> client.forecast("Paris"));

        assertEquals("the weather service did not answer within 500 ms", e.getMessage());
        proxy.verify(get("/v1/forecast").withQueryParam("city", "Paris")); // waits for the delayed request
    }

    @Test
    void reportsADroppedConnection(DevProxy proxy) {
        proxy.stubFor(post("/v1/observations").willReturn(fault(Fault.resetConnection())));

        WeatherException e = assertThrows(WeatherException.class, () -> client.report("Paris", 20));

        assertTrue(e.getMessage().startsWith("cannot reach the weather service"), e.getMessage());
    }

    @Test
    void sendsObservationsAsJson(DevProxy proxy) throws InterruptedException {
        proxy.stubFor(post("/v1/observations").withJsonBody("{\"city\": \"Paris\", \"temperature\": 20}")
                .willReturn(status(201)));

        client.report("Paris", 20);

        JournalEntry sent = proxy.journal().takeRequest(Duration.ofSeconds(5));
        assertEquals("application/json", sent.header("Content-Type"));
        assertEquals(201, sent.status());
    }

    @Test
    void unstubbedCallsPassThroughToTheRealService(DevProxy proxy) {
        proxy.stubFor(get("/v1/forecast").willReturn(status(503)));

        assertEquals(List.of("Paris", "Oslo"), client.cities());

        JournalEntry entry = proxy.journal().all().get(0);
        assertEquals("/v1/cities", entry.target());
        assertEquals(RouteKind.FORWARD, entry.route());
    }

    private static HttpServer startRealService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/v1/cities", exchange -> {
                byte[] body = "[\"Paris\",\"Oslo\"]".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
