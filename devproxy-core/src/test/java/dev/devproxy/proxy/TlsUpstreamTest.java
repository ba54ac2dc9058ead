package dev.devproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.Upstream;
import dev.devproxy.internal.tls.CertificateMaker;
import dev.devproxy.internal.tls.TlsIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS upstreams: a second DevProxy's HTTPS listener plays the upstream (its echo shows the TLS facts of the
 * leg it answered), with certificates made for each case: trusted, for another host, expired, untrusted.
 */
@Timeout(30)
class TlsUpstreamTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final TlsIdentity AUTHORITY = CertificateMaker.certificateAuthority("Upstream CA", Duration.ofDays(1));

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    /** Held here: java.util.logging keeps loggers weakly, and a collected one would take the handler with it. */
    private final Logger devproxyLogger = Logger.getLogger("dev.devproxy");

    @TempDir
    Path dir;

    @BeforeEach
    void captureWarnings() {
        devproxyLogger.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        devproxyLogger.removeHandler(capture);
        for (AutoCloseable each : closing) {
            each.close();
        }
    }

    /** An echoing HTTPS upstream presenting a certificate for {@code hosts} valid for {@code validity}. */
    private DevProxy upstream(List<String> hosts, Duration validity) throws Exception {
        TlsIdentity leaf = CertificateMaker.leaf(AUTHORITY, hosts, validity);
        Path keystore = dir.resolve("upstream-" + System.nanoTime() + ".p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("upstream", leaf.privateKey(), "pw".toCharArray(), leaf.chain().toArray(Certificate[]::new));
        try (OutputStream out = Files.newOutputStream(keystore)) {
            store.store(out, "pw".toCharArray());
        }
        DevProxy upstream = DevProxy.builder().port(0).tlsPort(0).tlsKeystore(keystore).tlsKeystorePassword("pw")
                .build().start();
        closing.add(upstream);
        return upstream;
    }

    private DevProxy proxyTo(Upstream upstream, DevProxy.Builder builder) {
        DevProxy proxy = builder.port(0).upstream(upstream).upstreamConnectTimeout(Duration.ofMillis(500)).build().start();
        closing.add(0, proxy);
        return proxy;
    }

    private static HttpResponse<String> get(DevProxy proxy, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTrustedUpstreamIsReachedOverTlsWithItsHostNameCheckedAndItsConnectionReused() throws Exception {
        DevProxy upstream = upstream(List.of("localhost"), Duration.ofDays(1));
        DevProxy proxy = proxyTo(Upstream.parse("https://localhost:" + upstream.httpsPort()),
                DevProxy.builder().upstreamSslContext(AUTHORITY.clientContext()));

        HttpResponse<String> first = get(proxy, "/proxy/one");
        HttpResponse<String> second = get(proxy, "/proxy/two");

        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.body().contains("\"path\":\"/one\""), first.body());
        assertTrue(first.body().contains("\"tls\":{\"protocol\":\"TLSv1.3\""), "the upstream leg is TLS: " + first.body());
        assertTrue(first.body().contains("\"alpn\":\"http/1.1\""), first.body());
        assertEquals(remoteAddress(first.body()), remoteAddress(second.body()),
                "the second request went over the pooled TLS connection");
    }

    @Test
    void anUntrustedCertificateIs502WithTheCauseLogged() throws Exception {
        DevProxy upstream = upstream(List.of("localhost"), Duration.ofDays(1));
        DevProxy proxy = proxyTo(Upstream.parse("https://localhost:" + upstream.httpsPort()), DevProxy.builder());

        HttpResponse<String> response = get(proxy, "/proxy/x");

        assertEquals(502, response.statusCode());
        assertFalse(response.body().contains("Exception"), "no stack trace or exception text to the client");
        assertLogged("TLS handshake failed: certificate not trusted");
    }

    @Test
    void aCertificateForAnotherHostIs502() throws Exception {
        DevProxy upstream = upstream(List.of("other.example"), Duration.ofDays(1));
        DevProxy proxy = proxyTo(Upstream.parse("https://localhost:" + upstream.httpsPort()),
                DevProxy.builder().upstreamSslContext(AUTHORITY.clientContext()));

        assertEquals(502, get(proxy, "/proxy/x").statusCode());
        assertLogged("TLS handshake failed: certificate is for another host");
    }

    @Test
    void anExpiredCertificateIs502() throws Exception {
        DevProxy upstream = upstream(List.of("localhost"), Duration.ofMinutes(-30));
        DevProxy proxy = proxyTo(Upstream.parse("https://localhost:" + upstream.httpsPort()),
                DevProxy.builder().upstreamSslContext(AUTHORITY.clientContext()));

        assertEquals(502, get(proxy, "/proxy/x").statusCode());
        assertLogged("TLS handshake failed: certificate expired");
    }

    @Test
    void theLoudOptInTrustsAnyCertificateAndWarns() throws Exception {
        DevProxy upstream = upstream(List.of("other.example"), Duration.ofMinutes(-30)); // untrusted, expired, wrong host
        DevProxy proxy = proxyTo(Upstream.parse("https://localhost:" + upstream.httpsPort()),
                DevProxy.builder().insecureTrustAnyUpstreamCertificate(true));

        assertEquals(200, get(proxy, "/proxy/anyway").statusCode());
        assertLogged("trusts ANY certificate");
    }

    @Test
    void aHandshakeNotDoneWithinTheConnectTimeoutIs504() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            DevProxy proxy = proxyTo(Upstream.of("localhost", silent.getLocalPort(), true), DevProxy.builder());
            HttpResponse<String> response = get(proxy, "/proxy/x"); // the kernel accepts; nobody ever answers

            assertEquals(504, response.statusCode());
            assertLogged("did not accept the connection and finish its TLS handshake in time");
        }
    }

    @Test
    void anUpstreamThatDropsTheConnectionWithoutCloseNotifyMidBodyIsATruncation() throws Exception {
        TlsIdentity leaf = CertificateMaker.leaf(AUTHORITY, List.of("localhost"), Duration.ofDays(1));
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(leaf.keyManagers(), null, null);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread upstream = new Thread(() -> {
                try (Socket plain = server.accept()) {
                    // TLS layered on a TCP socket this thread closes itself: no close_notify goes out.
                    SSLSocket tls = (SSLSocket) serverContext.getSocketFactory().createSocket(plain, null, false);
                    readHead(tls.getInputStream());
                    OutputStream out = tls.getOutputStream();
                    // Close-delimited: no Content-Length, no chunking; only close_notify could end it properly.
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart of the body"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException | RuntimeException e) {
                    // the test fails on what the client sees
                }
            });
            upstream.setDaemon(true);
            upstream.start();
            DevProxy proxy = proxyTo(Upstream.of("localhost", server.getLocalPort(), true),
                    DevProxy.builder().upstreamSslContext(AUTHORITY.clientContext()));

            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write("GET /proxy/cut HTTP/1.1\r\nHost: h\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String seen = readUntilClosed(client.getInputStream());
                assertTrue(seen.startsWith("HTTP/1.1 200 OK\r\n"), seen);
                assertTrue(seen.contains("part of the body"), seen);
                assertFalse(seen.endsWith("0\r\n\r\n"), "no terminating chunk: the client sees a cut-off\n" + seen);
            }
            assertLogged("without a TLS close_notify");
            upstream.join(5_000);
        }
    }

    @Test
    void aRequestThatCameOverTheHttpsListenerIsForwardedWithXForwardedProtoHttps() throws Exception {
        DevProxy echo = DevProxy.builder().port(0).build().start();
        closing.add(echo);
        DevProxy proxy = DevProxy.builder().port(0).tlsPort(0).upstream(Upstream.of("127.0.0.1", echo.port())).build()
                .start();
        closing.add(0, proxy);
        HttpClient client = HttpClient.newBuilder().sslContext(proxy.tlsTrust().sslContext()).build();

        String overTls = client.send(HttpRequest.newBuilder(proxy.httpsBaseUri().resolve("/proxy/p")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String plain = get(proxy, "/proxy/p").body();

        assertTrue(overTls.contains("[\"X-Forwarded-Proto\",\"https\"]"), overTls);
        assertTrue(plain.contains("[\"X-Forwarded-Proto\",\"http\"]"), plain);
    }

    @Test
    void upstreamUrisAndTheTlsSettingPickTheScheme() {
        assertEquals(new Upstream("api.example.com", 443, true), Upstream.parse("https://api.example.com"));
        assertEquals(new Upstream("api.example.com", 8443, true), Upstream.parse("https://api.example.com:8443/"));
        assertEquals(new Upstream("localhost", 443, false), Upstream.parse("http://localhost:443"));
        assertTrue(new Upstream("api.example.com", 443).tls(), "auto: TLS on 443");
        assertFalse(Upstream.of("localhost", 3001).tls());
        assertEquals("https://api.example.com:443", Upstream.parse("https://api.example.com").toString());

        assertTrue(dev.devproxy.Config.fromEnv(java.util.Map.of("UPSTREAM_HOST", "api.example.com", "UPSTREAM_PORT", "443"))
                .upstream().tls(), "the design's example, as written");
        assertFalse(dev.devproxy.Config.fromEnv(java.util.Map.of("UPSTREAM_PORT", "443", "UPSTREAM_TLS", "false"))
                .upstream().tls());
        assertTrue(dev.devproxy.Config.fromEnv(java.util.Map.of("UPSTREAM_PORT", "8443", "UPSTREAM_TLS", "true"))
                .upstream().tls());
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.devproxy.Config.fromEnv(java.util.Map.of("UPSTREAM_TLS", "maybe")));
        assertTrue(bad.getMessage().contains("UPSTREAM_TLS"), bad.getMessage());
    }

    private void assertLogged(String fragment) {
        ProxyTestKit.await("a log line containing '" + fragment + "'", Duration.ofSeconds(5),
                () -> warnings.stream().anyMatch(line -> line.contains(fragment)));
    }

    private static String remoteAddress(String json) {
        Matcher matcher = Pattern.compile("\"remoteAddress\":\"([^\"]+)\"").matcher(json);
        assertTrue(matcher.find(), json);
        return matcher.group(1);
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        try {
            int count;
            while ((count = in.read(chunk)) >= 0) {
                seen.write(chunk, 0, count);
            }
        } catch (java.net.SocketException reset) {
            // a reset ends it too
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }
}
