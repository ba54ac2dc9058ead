package dev.devproxy;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.devproxy.internal.tls.CertificateMaker;
import dev.devproxy.internal.tls.TlsIdentity;
import dev.devproxy.stub.JournalEntry;
import java.io.IOException;
import java.io.InputStream;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS interception with real clients: the JDK's HttpClient with a ProxySelector and a context trusting only
 * DevProxy's interception CA, and curl with {@code --cacert}, to an HTTPS upstream (a JDK HttpsServer with a
 * certificate from a CA of its own, which DevProxy is told to trust). Stubbed and forwarded requests, the
 * journal, keep-alive inside one CONNECT, a client that does not trust the CA, SNI for another host, and a
 * destination that is not intercepted and tunnels untouched.
 */
@Timeout(60)
class InterceptionTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final TlsIdentity UPSTREAM_CA = CertificateMaker.certificateAuthority("Upstream CA", Duration.ofDays(1));

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final BlockingQueue<String> upstreamSaw = new LinkedBlockingQueue<>();
    private HttpsServer upstream;
    private int upstreamPort;

    @BeforeEach
    void startUpstream() throws Exception {
        TlsIdentity leaf = CertificateMaker.leaf(UPSTREAM_CA, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(leaf.keyManagers(), null, null);
        upstream = HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 50);
        upstream.setHttpsConfigurator(new HttpsConfigurator(context));
        upstream.createContext("/", exchange -> {
            upstreamSaw.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " Host: "
                    + exchange.getRequestHeaders().getFirst("Host") + " X-Forwarded-Proto: "
                    + exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"));
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

    /** A forward proxy intercepting {@code patterns}, trusting the upstream's CA. */
    private DevProxy proxy(String... patterns) {
        DevProxy proxy = DevProxy.builder().port(0).forwardProxy(true).intercept(patterns)
                .upstreamSslContext(UPSTREAM_CA.clientContext()).interceptCaFile(dir.resolve("ca.pem")).build().start();
        closing.add(0, proxy);
        return proxy;
    }

    private static HttpClient client(DevProxy proxy, SSLContext trusting) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting)
                .proxy(ProxySelector.of(proxy.address())).build();
    }

    private HttpResponse<String> send(HttpClient client, String host, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://" + host + ":" + upstreamPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String upstreamSaw() throws InterruptedException {
        String line = upstreamSaw.poll(5, TimeUnit.SECONDS);
        assertTrue(line != null, "the upstream got no request");
        return line;
    }

    @Test
    void anInterceptedRequestIsForwardedToTheRealHostOverHttpsAndJournalledWithItsHttpsTarget() throws Exception {
        DevProxy proxy = proxy("localhost");

        HttpResponse<String> response = send(client(proxy, proxy.interceptionTrust().sslContext()), "localhost", "/hello?x=1");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("upstream saw /hello?x=1", response.body());
        assertEquals("GET /hello?x=1 Host: localhost:" + upstreamPort + " X-Forwarded-Proto: https", upstreamSaw());
        X509Certificate presented = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals("CN=DevProxy interception CA,O=DevProxy", presented.getIssuerX500Principal().getName(),
                "the client saw DevProxy's leaf, not the upstream's");
        JournalEntry request = proxy.awaitRequest(get("/hello"), Duration.ofSeconds(5));
        assertEquals("https://localhost:" + upstreamPort + "/hello?x=1", request.target());
        assertEquals(200, proxy.journal().all().get(0).status(), "the CONNECT, answered 200");
        assertEquals("CONNECT", proxy.journal().all().get(0).method());
    }

    @Test
    void aStubAnswersAnInterceptedRequestByItsPathAndTheUpstreamIsNotAsked() throws Exception {
        DevProxy proxy = proxy("localhost");
        proxy.stubFor(get("/api/users").willReturn(text(200, "from a stub")));

        HttpResponse<String> response = send(client(proxy, proxy.interceptionTrust().sslContext()), "localhost", "/api/users");

        assertEquals(200, response.statusCode());
        assertEquals("from a stub", response.body());
        proxy.verify(1, get("/api/users"));
        assertEquals("https://localhost:" + upstreamPort + "/api/users",
                proxy.awaitRequest(get("/api/users"), Duration.ofSeconds(5)).target());
        assertEquals(null, upstreamSaw.poll(), "a stubbed request never reaches the upstream");
    }

    @Test
    void aStubbedFaultAppliesInsideTheInterceptedConnection() throws Exception {
        DevProxy proxy = proxy("localhost");
        proxy.stubFor(get("/broken").willReturn(dev.devproxy.stub.Responses.fault(Fault.closeWithoutResponse())));
        String ca = proxy.interceptionTrust().certificateFile().toString();
        String proxyUrl = "http://127.0.0.1:" + proxy.port();

        // curl, which does not retry as the JDK's client does: status 000, nothing received (exit status 52).
        assertEquals("000", curl("-o", "/dev/null", "-w", "%{http_code}", "-x", proxyUrl, "--cacert", ca,
                "https://localhost:" + upstreamPort + "/broken"));

        assertEquals("upstream saw /fine", curl("-x", proxyUrl, "--cacert", ca, "https://localhost:" + upstreamPort + "/fine"),
                "the next CONNECT works");
        proxy.verify(1, get("/broken"));
        assertTrue(upstreamSaw().startsWith("GET /fine "), "the fault came from the stub, not the upstream");
        TestSupport.awaitNoOpenConnections(proxy);
    }

    @Test
    void aCaGivenAsAKeyStoreSignsTheLeavesAndALeafIsMadeOnFirstUseForAWildcard() throws Exception {
        TlsIdentity authority = CertificateMaker.certificateAuthority("Team CA", Duration.ofDays(1));
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("ca", authority.privateKey(), "pw".toCharArray(),
                authority.chain().toArray(java.security.cert.Certificate[]::new));
        DevProxy proxy = DevProxy.builder().port(0).forwardProxy(true).intercept("*")
                .interceptionCa(store, "pw".toCharArray()).upstreamSslContext(UPSTREAM_CA.clientContext())
                .build().start();
        closing.add(0, proxy);
        assertEquals(0, proxy.server().interception().leaves().size(), "a wildcard names no host to prepare");

        HttpResponse<String> response = send(client(proxy, authority.clientContext()), "localhost", "/team");

        assertEquals("upstream saw /team", response.body());
        assertEquals(authority.certificate(), response.sslSession().orElseThrow().getPeerCertificates()[1]);
        assertEquals(1, proxy.server().interception().leaves().size());
    }

    @Test
    void aStubMatchingOnTheBodyAnswersAnInterceptedPost() throws Exception {
        DevProxy proxy = proxy("localhost");
        proxy.stubFor(dev.devproxy.stub.RequestPattern.post("/orders").withBodyContaining("\"sku\":\"A1\"")
                .willReturn(text(201, "created")));
        HttpClient client = client(proxy, proxy.interceptionTrust().sslContext());

        HttpResponse<String> matched = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + upstreamPort + "/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"A1\"}")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> other = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + upstreamPort + "/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"B2\"}")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(201, matched.statusCode());
        assertEquals("created", matched.body());
        assertEquals("upstream saw /orders", other.body(), "a body no stub matches is forwarded");
    }

    @Test
    void withStrictStubbingAnInterceptedRequestNoStubMatchesIs404AndNotForwarded() throws Exception {
        DevProxy proxy = DevProxy.builder().port(0).forwardProxy(true).intercept("localhost").strictStubbing(true)
                .upstreamSslContext(UPSTREAM_CA.clientContext()).build().start();
        closing.add(0, proxy);

        HttpResponse<String> response = send(client(proxy, proxy.interceptionTrust().sslContext()), "localhost", "/none");

        assertEquals(404, response.statusCode());
        assertEquals(null, upstreamSaw.poll(), "strict stubbing forwards nothing");
    }

    @Test
    void manyRequestsGoOverOneInterceptedConnection() throws Exception {
        DevProxy proxy = proxy("localhost");
        HttpClient client = client(proxy, proxy.interceptionTrust().sslContext());

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = send(client, "localhost", "/keep/" + i);
            assertEquals("upstream saw /keep/" + i, response.body());
        }

        long connects = proxy.journal().all().stream().filter(e -> e.method().equals("CONNECT")).count();
        assertEquals(1, connects, () -> "one CONNECT carried every request: " + proxy.journal().all());
        assertEquals(6, proxy.journal().all().size(), () -> proxy.journal().all().toString());
    }

    @Test
    void curlTrustingTheCaFileReachesTheUpstreamThroughTheInterception() throws Exception {
        DevProxy proxy = proxy("localhost");
        proxy.stubFor(get("/stubbed").willReturn(text(200, "stubbed for curl")));
        Path ca = dir.resolve("ca.pem");
        assertEquals(proxy.interceptionTrust().certificatePem(), Files.readString(ca), "INTERCEPT_CA_FILE is written at start");
        String proxyUrl = "http://127.0.0.1:" + proxy.port();

        assertEquals("upstream saw /curl", curl("-x", proxyUrl, "--cacert", ca.toString(),
                "https://localhost:" + upstreamPort + "/curl"));
        assertEquals("stubbed for curl", curl("-x", proxyUrl, "--cacert", ca.toString(),
                "https://localhost:" + upstreamPort + "/stubbed"));
        // Without the CA, curl refuses DevProxy's certificate (exit status 60: peer certificate not trusted).
        assertEquals("000", curl("-o", "/dev/null", "-w", "%{http_code}", "-x", proxyUrl,
                "https://localhost:" + upstreamPort + "/curl"));
        TestSupport.awaitNoOpenConnections(proxy);
    }

    @Test
    void aClientThatDoesNotTrustTheCaFailsItsHandshakeAndNothingLeaks() throws Exception {
        DevProxy proxy = proxy("localhost");

        assertThrows(SSLHandshakeException.class, () -> send(client(proxy, UPSTREAM_CA.clientContext()), "localhost", "/x"));

        TestSupport.awaitNoOpenConnections(proxy);
        TestSupport.awaitNoBuffersInUse(proxy);
        assertEquals(null, upstreamSaw.poll(), "nothing was decrypted, so nothing was forwarded");
    }

    @Test
    void aClientAskingForAnotherNameThanItsConnectNamedIsRefused() throws Exception {
        DevProxy proxy = proxy("localhost");
        try (SSLSocket agreeing = tlsOverConnect(proxy, "localhost")) {
            agreeing.startHandshake(); // the same client naming the CONNECT host is served
        }
        try (SSLSocket other = tlsOverConnect(proxy, "elsewhere.test")) {
            SSLHandshakeException refused = assertThrows(SSLHandshakeException.class, other::startHandshake);
            assertTrue(String.valueOf(refused.getMessage()).contains("unrecognized_name"), refused::toString);
        }
        TestSupport.awaitNoOpenConnections(proxy);
    }

    /** TLS, trusting the interception CA and asking for {@code sni}, over a CONNECT to localhost. */
    private SSLSocket tlsOverConnect(DevProxy proxy, String sni) throws IOException {
        Socket socket = connect(proxy, "localhost:" + upstreamPort);
        SSLSocket tls = (SSLSocket) proxy.interceptionTrust().sslContext().getSocketFactory()
                .createSocket(socket, "localhost", upstreamPort, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(sni)));
        tls.setSSLParameters(parameters);
        return tls;
    }

    @Test
    void aDestinationThatIsNotInterceptedTunnelsAndTheClientSeesTheUpstreamsOwnCertificate() throws Exception {
        DevProxy proxy = proxy("localhost");

        // 127.0.0.1 is allowed (FORWARD_ALLOW's default) but not intercepted: trusting only the upstream's CA works.
        HttpResponse<String> response = send(client(proxy, UPSTREAM_CA.clientContext()), "127.0.0.1", "/tunnelled");

        assertEquals("upstream saw /tunnelled", response.body());
        X509Certificate presented = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals(UPSTREAM_CA.certificate().getSubjectX500Principal(), presented.getIssuerX500Principal());
        assertEquals(List.of("CONNECT"), proxy.journal().all().stream().map(JournalEntry::method).toList(),
                "a tunnel's requests are not seen");
        assertTrue(upstreamSaw().endsWith("X-Forwarded-Proto: null"), "the request reached the upstream untouched");
    }

    @Test
    void aClientPreferringHttp2SpeaksHttp11InsideTheInterception() throws Exception {
        DevProxy proxy = proxy("localhost");
        HttpClient client = HttpClient.newBuilder().sslContext(proxy.interceptionTrust().sslContext())
                .proxy(ProxySelector.of(proxy.address())).build(); // HTTP/2 by default: h2 offered in ALPN

        HttpResponse<String> response = send(client, "localhost", "/h2-offered");

        assertEquals(HttpClient.Version.HTTP_1_1, response.version());
        assertEquals("upstream saw /h2-offered", response.body());
    }

    @Test
    void aConnectToAnIpAddressGetsALeafNamingThatAddress() throws Exception {
        DevProxy proxy = proxy("127.0.0.1");

        HttpResponse<String> response = send(client(proxy, proxy.interceptionTrust().sslContext()), "127.0.0.1", "/by-ip");

        assertEquals("upstream saw /by-ip", response.body());
        X509Certificate presented = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals(List.of(List.of(7, "127.0.0.1")), List.copyOf(presented.getSubjectAlternativeNames()),
                "an iPAddress entry, which the client checked the address against");
    }

    @Test
    void aHostThatIsInterceptedButNotAllowedIsRefused() throws Exception {
        DevProxy proxy = proxy("*.test");
        try (Socket socket = new Socket(LOOPBACK, proxy.port())) {
            socket.getOutputStream().write("CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(readHead(socket.getInputStream()).startsWith("HTTP/1.1 403 "),
                    "FORWARD_ALLOW is checked before interception");
        }
    }

    @Test
    void aClientHelloSentRightBehindTheConnectIsTheStartOfTheHandshake() throws Exception {
        DevProxy proxy = proxy("localhost");
        SSLEngine engine = proxy.interceptionTrust().sslContext().createSSLEngine("localhost", upstreamPort);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        engine.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();
        byte[] connect = ("CONNECT localhost:" + upstreamPort + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer both = ByteBuffer.allocate(connect.length + hello.remaining()).put(connect).put(hello).flip();

        try (Socket socket = new Socket(LOOPBACK, proxy.port())) {
            socket.getOutputStream().write(both.array(), 0, both.limit()); // one write: CONNECT and ClientHello
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            BlockingTls tls = new BlockingTls(engine, socket);
            tls.finishHandshake();
            tls.write("GET /early HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            String response = tls.readAll();
            assertTrue(response.startsWith("HTTP/1.1 200 ") && response.endsWith("upstream saw /early"), response);
        }
    }

    /** Just enough of a blocking TLS client over an SSLEngine to finish a handshake it began itself. */
    private static final class BlockingTls {
        private final SSLEngine engine;
        private final InputStream in;
        private final OutputStream out;
        private final ByteBuffer netIn;
        private final ByteBuffer appIn;

        BlockingTls(SSLEngine engine, Socket socket) throws IOException {
            this.engine = engine;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
            this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
        }

        void finishHandshake() throws IOException {
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                    }
                    case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrap()) {
                            throw new IOException("the proxy closed the connection during the handshake");
                        }
                    }
                    default -> {
                        return;
                    }
                }
            }
        }

        void write(String text) throws IOException {
            wrap(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        }

        String readAll() throws IOException {
            while (!engine.isInboundDone() && unwrap()) {
                // until close_notify or the end of the stream
            }
            appIn.flip();
            return StandardCharsets.ISO_8859_1.decode(appIn).toString();
        }

        private void wrap(ByteBuffer source) throws IOException {
            do {
                ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                engine.wrap(source, net);
                out.write(net.array(), 0, net.position());
            } while (source.hasRemaining());
        }

        /** Unwraps one record, reading more from the socket while none is whole; false at the end of the stream. */
        private boolean unwrap() throws IOException {
            while (true) {
                javax.net.ssl.SSLEngineResult result = engine.unwrap(netIn, appIn);
                if (result.getStatus() != javax.net.ssl.SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    return true;
                }
                netIn.compact();
                int count = in.read(netIn.array(), netIn.position(), netIn.remaining());
                if (count < 0) {
                    netIn.flip();
                    return false;
                }
                netIn.position(netIn.position() + count).flip();
            }
        }
    }

    /** A socket to the proxy whose CONNECT to {@code authority} was answered 200. */
    private static Socket connect(DevProxy proxy, String authority) throws IOException {
        Socket socket = new Socket(LOOPBACK, proxy.port());
        socket.getOutputStream().write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 200 "), head);
        return socket;
    }

    /** Reads a response head byte by byte, so that nothing after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Runs curl, quietly, and returns what it wrote to stdout; the test is skipped where curl is not installed. */
    private static String curl(String... args) throws IOException, InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "20", "--noproxy", ""));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        return out;
    }
}
