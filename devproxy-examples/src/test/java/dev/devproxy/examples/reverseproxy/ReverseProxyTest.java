package dev.devproxy.examples.reverseproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.devproxy.DevProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReverseProxyTest {
    static HttpServer server;
    static DevProxy proxy;
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        server = ReverseProxy.startLocalServer();
        proxy = ReverseProxy.startProxy(server.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        server.stop(0);
    }

    @Test
    void proxyPrefixIsStrippedAndTheRestForwarded() throws Exception {
        HttpResponse<String> response = get("/proxy/api/hello?name=DevProxy");

        assertEquals(200, response.statusCode());
        assertEquals("hello from /api/hello?name=DevProxy", response.body());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void upstreamStatusesPassThrough() throws Exception {
        assertEquals(404, get("/proxy/nothing-here").statusCode());
    }

    @Test
    void pathsOutsideThePrefixAreEchoed() throws Exception {
        HttpResponse<String> response = get("/api/hello");

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"path\":\"/api/hello\""), response.body());
    }

    @Test
    void stoppedLocalServerIsA502() throws Exception {
        HttpServer doomed = ReverseProxy.startLocalServer();
        int port = doomed.getAddress().getPort();
        doomed.stop(0);
        try (DevProxy orphan = ReverseProxy.startProxy(port)) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(orphan.baseUri().resolve("/proxy/api/hello"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(502, response.statusCode());
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        URI uri = proxy.baseUri().resolve(path);
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
