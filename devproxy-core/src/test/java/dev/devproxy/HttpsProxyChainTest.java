package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.devproxy.internal.tls.CertificateMaker;
import dev.devproxy.internal.tls.TlsIdentity;
import dev.devproxy.stub.JournalEntry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DevProxy's own HTTPS upstream traffic through the next proxy ({@code HTTPS_PROXY}): a {@code CONNECT} to it per
 * connection, TLS with the upstream inside. A second DevProxy in forward-proxy mode is the next proxy; its journal
 * shows the CONNECTs it was sent. The upstream is a JDK HttpsServer with a certificate from a CA of its own.
 */
@Timeout(60)
class HttpsProxyChainTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final TlsIdentity UPSTREAM_CA = CertificateMaker.certificateAuthority("Upstream CA", Duration.ofDays(1));
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<AutoCloseable> closing = new ArrayList<>();
    private HttpsServer upstream;
    private int upstreamPort;

    @BeforeEach
    void startUpstream() throws Exception {
        TlsIdentity leaf = CertificateMaker.leaf(UPSTREAM_CA, List.of("localhost"), Duration.ofDays(1));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(leaf.keyManagers(), null, null);
        upstream = HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 50);
        upstream.setHttpsConfigurator(new HttpsConfigurator(context));
        upstream.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("upstream saw " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        upstreamPort = upstream.getAddress().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable each : closing) {
            each.close();
        }
        upstream.stop(0);
    }

    private DevProxy start(DevProxy.Builder builder) {
        DevProxy proxy = builder.port(0).build().start();
        closing.add(0, proxy);
        return proxy;
    }

    /** The next proxy: a forward proxy allowing loopback destinations. */
    private DevProxy nextProxy(String allow) {
        return start(DevProxy.builder().forwardProxy(true).forwardAllow(allow));
    }

    private static String url(DevProxy proxy) {
        return "http://127.0.0.1:" + proxy.port();
    }

    private static List<String> connects(DevProxy proxy) {
        return proxy.journal().all().stream().filter(e -> e.method().equals("CONNECT")).map(JournalEntry::target).toList();
    }

    private static HttpResponse<String> get(DevProxy proxy, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anHttpsUpstreamIsReachedThroughACONNECTToTheNextProxyAndTheTunnelIsPooled() throws Exception {
        DevProxy next = nextProxy("localhost");
        DevProxy proxy = start(DevProxy.builder().upstream(Upstream.parse("https://localhost:" + upstreamPort))
                .upstreamSslContext(UPSTREAM_CA.clientContext()).upstreamHttpsProxy(url(next)).noProxy("none.invalid"));

        assertEquals("upstream saw /one", get(proxy, "/proxy/one").body());
        assertEquals("upstream saw /two", get(proxy, "/proxy/two").body());

        assertEquals(List.of("localhost:" + upstreamPort), connects(next),
                "one CONNECT, and the second request went over the pooled tunnel");
        assertEquals(1, next.journal().all().size(), "the next proxy saw no request in the clear");
    }

    @Test
    void anInterceptedHostIsReachedThroughTheNextProxyToo() throws Exception {
        DevProxy next = nextProxy("localhost");
        DevProxy proxy = start(DevProxy.builder().forwardProxy(true).intercept("localhost")
                .upstreamSslContext(UPSTREAM_CA.clientContext()).upstreamHttpsProxy(url(next)).noProxy("none.invalid"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(proxy.interceptionTrust().sslContext()).proxy(ProxySelector.of(proxy.address())).build();

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + upstreamPort + "/chained")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals("upstream saw /chained", response.body());
        assertEquals(List.of("localhost:" + upstreamPort), connects(next));
    }

    @Test
    void aClientsTunnelGoesThroughTheNextProxyAndTheClientSeesTheUpstreamsCertificate() throws Exception {
        DevProxy next = nextProxy("localhost");
        DevProxy proxy = start(DevProxy.builder().forwardProxy(true).upstreamHttpsProxy(url(next)).noProxy("none.invalid"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(UPSTREAM_CA.clientContext()).proxy(ProxySelector.of(proxy.address())).build();

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + upstreamPort + "/tunnelled")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals("upstream saw /tunnelled", response.body());
        assertEquals(List.of("localhost:" + upstreamPort), connects(next), "the next proxy carried the tunnel");
        assertEquals(List.of("localhost:" + upstreamPort), connects(proxy));
    }

    @Test
    void aNextProxyThatRefusesTheCONNECTIsA502() throws Exception {
        DevProxy next = nextProxy("only.invalid");
        DevProxy proxy = start(DevProxy.builder().upstream(Upstream.parse("https://localhost:" + upstreamPort))
                .upstreamSslContext(UPSTREAM_CA.clientContext()).upstreamHttpsProxy(url(next)).noProxy("none.invalid"));

        HttpResponse<String> response = get(proxy, "/proxy/refused");

        assertEquals(502, response.statusCode(), response.body());
        assertEquals(403, next.journal().all().get(0).status());
        TestSupport.awaitNoOpenConnections(next);
    }

    @Test
    void anHttpsUpstreamNeverGoesThroughThePlainHttpProxy() throws Exception {
        DevProxy next = nextProxy("localhost");
        // Only http_proxy: an HTTPS upstream is reached directly, never sent in the clear to the plain-http proxy.
        DevProxy proxy = start(DevProxy.builder().upstream(Upstream.parse("https://localhost:" + upstreamPort))
                .upstreamSslContext(UPSTREAM_CA.clientContext()).upstreamProxy(url(next)).noProxy("none.invalid"));

        HttpResponse<String> response = get(proxy, "/proxy/direct");

        assertEquals("upstream saw /direct", response.body());
        assertTrue(next.journal().all().isEmpty(), () -> "the plain proxy saw: " + next.journal().all());
    }
}
