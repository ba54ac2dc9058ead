package dev.devproxy.examples.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.devproxy.DevProxy;
import dev.devproxy.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HeaderRoutingTest {
    static HttpServer backendA;
    static HttpServer backendB;
    static final AtomicBoolean maintenance = new AtomicBoolean();
    static DevProxy proxy;
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        backendA = backend("a");
        backendB = backend("b");
        proxy = DevProxy.builder().port(0)
                .router(HeaderRouting.router(upstream(backendA), upstream(backendB), maintenance))
                .build().start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backendA.stop(0);
        backendB.stop(0);
    }

    @AfterEach
    void maintenanceOff() {
        maintenance.set(false);
    }

    @Test
    void requestsGoToBackendAByDefault() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(proxy.baseUri().resolve("/orders/7?x=1")));

        assertEquals(200, response.statusCode());
        assertEquals("a saw /orders/7?x=1", response.body());
    }

    @Test
    void backendHeaderSelectsBackendB() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(proxy.baseUri().resolve("/orders/7"))
                .header("X-Backend", "b"));

        assertEquals("b saw /orders/7", response.body());
    }

    @Test
    void otherBackendValuesGoToBackendA() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(proxy.baseUri().resolve("/orders/7"))
                .header("X-Backend", "c"));

        assertEquals("a saw /orders/7", response.body());
    }

    @Test
    void maintenanceModeAnswers503WhateverTheHeader() throws Exception {
        maintenance.set(true);

        HttpResponse<String> response = send(HttpRequest.newBuilder(proxy.baseUri().resolve("/orders/7"))
                .header("X-Backend", "b"));

        assertEquals(503, response.statusCode());
        assertEquals(HeaderRouting.MAINTENANCE_TEXT, response.body());
        assertEquals("120", response.headers().firstValue("Retry-After").orElseThrow());

        maintenance.set(false);
        assertEquals(200, send(HttpRequest.newBuilder(proxy.baseUri().resolve("/orders/7"))).statusCode());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Upstream upstream(HttpServer server) {
        return Upstream.of("127.0.0.1", server.getAddress().getPort());
    }

    /** A server that answers every request {@code <name> saw <target>}. */
    private static HttpServer backend(String name) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = (name + " saw " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
