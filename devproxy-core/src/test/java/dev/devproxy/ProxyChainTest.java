package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chaining: DevProxy sends its own upstream traffic through another proxy, in absolute-form (RFC 9112 section
 * 3.2.2), unless NO_PROXY names the upstream. The next proxy here is a second DevProxy in forward-proxy mode,
 * whose journal shows what arrived.
 */
@Timeout(30)
class ProxyChainTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpServer upstream;
    private DevProxy next;
    private DevProxy proxy;

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        upstream.createContext("/", exchange -> {
            byte[] body = ("upstream saw " + exchange.getRequestURI() + " for " + exchange.getRequestHeaders().getFirst("Host"))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        next = DevProxy.builder().port(0).forwardProxy(true).build().start();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        next.close();
        upstream.stop(0);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return response.body();
    }

    @Test
    void proxiedRequestsGoToTheNextProxyInAbsoluteForm() throws Exception {
        int port = upstream.getAddress().getPort();
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", port))
                .upstreamProxy("http://127.0.0.1:" + next.port()).noProxy("").build().start();

        assertEquals("upstream saw /api?x=1 for 127.0.0.1:" + port, get("/proxy/api?x=1"));
        assertEquals("upstream saw /again for 127.0.0.1:" + port, get("/proxy/again"));

        List<String> targets = next.journal().all().stream().map(entry -> entry.target()).toList();
        assertEquals(List.of("http://127.0.0.1:" + port + "/api?x=1", "http://127.0.0.1:" + port + "/again"), targets);
    }

    @Test
    void upstreamsNamedByNoProxyAreReachedDirectly() throws Exception {
        int port = upstream.getAddress().getPort();
        // The default NO_PROXY is loopback: the local upstream is never sent through a machine-wide proxy.
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", port))
                .upstreamProxy("http://127.0.0.1:" + next.port()).build().start();

        assertTrue(get("/proxy/direct").startsWith("upstream saw /direct"));
        assertEquals(0, next.journal().all().size());
    }
}
