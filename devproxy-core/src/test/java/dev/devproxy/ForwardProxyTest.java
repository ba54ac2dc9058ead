package dev.devproxy;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.devproxy.internal.tls.CertificateMaker;
import dev.devproxy.internal.tls.TlsIdentity;
import dev.devproxy.stub.JournalEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forward-proxy mode with real clients: curl {@code -x} (absolute-form) and {@code -p -x} (CONNECT), the JDK's
 * HttpClient with a ProxySelector for an http target and for an https one tunnelled to a JDK HttpsServer, and
 * {@code Proxy-Authorization}. Stubs and the journal see forward-proxied requests as they see reverse-proxied ones.
 */
@Timeout(60)
class ForwardProxyTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private DevProxy proxy;
    private HttpServer upstream;
    private final BlockingQueue<Map<String, List<String>>> upstreamHeads = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    private void startUpstream(HttpServer server) {
        upstream = server;
        server.createContext("/", exchange -> {
            Map<String, List<String>> head = new java.util.HashMap<>(exchange.getRequestHeaders());
            head.put(":target", List.of(exchange.getRequestMethod() + " " + exchange.getRequestURI()));
            upstreamHeads.add(head);
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("upstream saw " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    private int startPlainUpstream() throws IOException {
        startUpstream(HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 50));
        return upstream.getAddress().getPort();
    }

    private String proxyUrl() {
        return "http://127.0.0.1:" + proxy.port();
    }

    private Map<String, List<String>> upstreamHead() throws InterruptedException {
        Map<String, List<String>> head = upstreamHeads.poll(5, TimeUnit.SECONDS);
        assertTrue(head != null, "the upstream got no request");
        return head;
    }

    @Test
    void curlWithAProxySendsAbsoluteFormThatGoesToTheNamedHostAsOriginForm() throws Exception {
        int port = startPlainUpstream();
        proxy = DevProxy.builder().port(0).forwardProxy(true).build().start();

        String out = curl("-x", proxyUrl(), "http://127.0.0.1:" + port + "/hello?x=1");

        assertEquals("upstream saw /hello?x=1", out);
        Map<String, List<String>> head = upstreamHead();
        assertEquals(List.of("GET /hello?x=1"), head.get(":target"));
        assertEquals(List.of("127.0.0.1:" + port), head.get("Host"));
        assertNull(head.get("Proxy-connection"), "curl's Proxy-Connection is hop-by-hop");
        assertEquals(List.of("1.1 devproxy"), head.get("Via"));
        JournalEntry entry = proxy.journal().all().get(0);
        assertEquals(RouteKind.FORWARD, entry.route());
        assertEquals("/hello", entry.request().path());
    }

    @Test
    void curlThroughACONNECTTunnelReachesTheUpstreamUntouched() throws Exception {
        int port = startPlainUpstream();
        proxy = DevProxy.builder().port(0).forwardProxy(true).build().start();

        String out = curl("-p", "-x", proxyUrl(), "http://127.0.0.1:" + port + "/tunnelled");

        assertEquals("upstream saw /tunnelled", out);
        Map<String, List<String>> head = upstreamHead();
        assertNull(head.get("Via"), "a tunnel carries bytes; it does not rewrite them");
        assertEquals("CONNECT", proxy.journal().all().get(0).method());
        TestSupport.await("the tunnel closed", () -> proxy.server().metrics().openTunnels() == 0,
                () -> proxy.server().metrics().openTunnels());
        TestSupport.awaitNoBuffersInUse(proxy);
    }

    @Test
    void stubsAnswerForwardProxiedRequestsBeforeTheyLeave() throws Exception {
        int port = startPlainUpstream();
        proxy = DevProxy.builder().port(0).forwardProxy(true).build().start();
        proxy.stubFor(get("/stubbed").willReturn(text(200, "from a stub")));

        assertEquals("from a stub", curl("-x", proxyUrl(), "http://127.0.0.1:" + port + "/stubbed"));
        assertEquals("upstream saw /other", curl("-x", proxyUrl(), "http://127.0.0.1:" + port + "/other"));
        assertEquals(List.of("GET /other"), upstreamHead().get(":target"));
        assertEquals(2, proxy.journal().all().size());
    }

    @Test
    void anAbsoluteFormRequestForADestinationNotAllowedIs403() throws Exception {
        proxy = DevProxy.builder().port(0).forwardProxy(true).build().start();
        assertEquals("403", curl("-o", "/dev/null", "-w", "%{http_code}", "-x", proxyUrl(), "http://192.0.2.1/x"));
    }

    @Test
    void theJdkHttpClientWithAProxySelectorReachesAnHttpTarget() throws Exception {
        int port = startPlainUpstream();
        proxy = DevProxy.builder().port(0).forwardProxy(true).build().start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(proxy.address())).build();

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jdk"))
                .POST(HttpRequest.BodyPublishers.ofString("body")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("upstream saw /jdk", response.body());
        assertEquals(List.of("POST /jdk"), upstreamHead().get(":target"));
    }

    @Test
    void theJdkHttpClientReachesAnHttpsTargetThroughATunnel() throws Exception {
        TlsIdentity authority = CertificateMaker.certificateAuthority("DevProxy test CA", Duration.ofDays(1));
        TlsIdentity leaf = CertificateMaker.leaf(authority, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(leaf.keyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 50);
        https.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        startUpstream(https);
        int port = https.getAddress().getPort();
        proxy = DevProxy.builder().port(0).forwardProxy(true).build().start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(authority.clientContext()).proxy(ProxySelector.of(proxy.address())).build();

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/secret/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("upstream saw /secret/" + i, response.body());
        }
        assertEquals("CONNECT", proxy.journal().all().get(0).method());
        assertEquals("localhost:" + port, proxy.journal().all().get(0).target());
    }

    @Test
    void proxyAuthorizationIsRequiredWhenSetAndNeverPassedOn() throws Exception {
        int port = startPlainUpstream();
        proxy = DevProxy.builder().port(0).forwardProxy(true).forwardProxyCredentials("ann", "s3cret").build().start();
        String target = "http://127.0.0.1:" + port + "/private";

        // RFC 9110 section 15.5.8: a 407 carries Proxy-Authenticate.
        String refused = curl("-i", "-x", proxyUrl(), target);
        assertTrue(refused.startsWith("HTTP/1.1 407 Proxy Authentication Required"), refused);
        assertTrue(refused.contains("Proxy-Authenticate: Basic realm=\"DevProxy\""), refused);
        assertTrue(curl("-i", "-x", proxyUrl(), "-U", "ann:wrong", target).startsWith("HTTP/1.1 407 "));
        assertEquals("403", curl("-o", "/dev/null", "-w", "%{http_code}", "-x", proxyUrl(), "-U", "ann:s3cret",
                "http://192.0.2.1/x"), "authorised, but still only to allowed destinations");

        assertEquals("upstream saw /private", curl("-x", proxyUrl(), "-U", "ann:s3cret", target));
        assertNull(upstreamHead().get("Proxy-authorization"), "the credential is for this proxy alone");
        assertEquals("upstream saw /private", curl("-p", "-x", proxyUrl(), "-U", "ann:s3cret", target));
        assertEquals("407", curl("-o", "/dev/null", "-w", "%{http_connect}", "-p", "-x", proxyUrl(), target));
        for (JournalEntry entry : proxy.journal().all()) {
            assertNull(entry.header("Proxy-Authorization"), () -> "journaled: " + entry);
        }
        // Reverse-proxy requests (origin-form) need no credential.
        try (Socket socket = new Socket(LOOPBACK, proxy.port())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
    }

    /** Runs curl, quietly, and returns what it wrote to stdout. */
    static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "20", "--noproxy", ""));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        return out;
    }
}
