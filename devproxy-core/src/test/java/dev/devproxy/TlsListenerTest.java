package dev.devproxy;

import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTPS listener over real sockets: what clients that speak TLS, and some that do not, get from it. */
@Timeout(20)
class TlsListenerTest {
    private DevProxy proxy;

    @BeforeEach
    void start() {
        proxy = proxy().tlsPort(0).tlsHandshakeTimeout(Duration.ofMillis(500)).build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void httpClientTrustingTheHandedOutContextGetsEchoOverHttps() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(proxy.tlsTrust().sslContext()).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(proxy.httpsBaseUri().resolve("/over/tls")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version(), "h2 is offered by the client, http/1.1 chosen");
        assertTrue(response.body().contains("\"path\":\"/over/tls\""), response.body());
        assertTrue(proxy.port() != proxy.httpsPort(), "the HTTP listener stays beside the HTTPS one");
    }

    @Test
    void echoReportsTheFactsOfTheHandshakeOnlyOnTlsConnections() throws Exception {
        try (SSLSocket socket = tlsSocket(proxy.tlsTrust().sslContext())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.setEnabledCipherSuites(new String[] {"TLS_AES_128_GCM_SHA256"});
            SSLParameters parameters = socket.getSSLParameters();
            // The JDK sends no SNI for a name without a dot, such as localhost, unless told to.
            parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
            socket.setSSLParameters(parameters);
            String answer = exchange(socket);
            assertTrue(answer.endsWith(",\"tls\":{\"protocol\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\","
                    + "\"sniHost\":\"localhost\",\"alpn\":\"http/1.1\",\"clientCertificate\":null}}"), answer);
        }
        try (RawClient plain = RawClient.connect(proxy)) {
            String json = plain.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").readResponse().bodyText();
            assertTrue(!json.contains("\"tls\"") && json.endsWith("\"authority\":\"h\"}"), json);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsItsHandshake() {
        HttpClient client = HttpClient.newHttpClient(); // the JDK's default trust store
        assertThrows(SSLHandshakeException.class, () -> client.send(
                HttpRequest.newBuilder(proxy.httpsBaseUri()).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void bothProtocolVersionsAreSpoken(String protocol) throws IOException {
        try (SSLSocket socket = tlsSocket(proxy.tlsTrust().sslContext())) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            assertEquals(protocol, socket.getSession().getProtocol());
            assertEquals("http/1.1", socket.getApplicationProtocol());
            assertTrue(exchange(socket).startsWith("HTTP/1.1 200 OK\r\n"));
        }
    }

    @Test
    void aClientOfferingOnlyH2FallsBackToHttp11WithoutAnAlert() throws IOException {
        try (SSLSocket socket = tlsSocket(proxy.tlsTrust().sslContext())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertEquals("", socket.getApplicationProtocol(), "no protocol agreed, and no alert");
            assertTrue(exchange(socket).startsWith("HTTP/1.1 200 OK\r\n"));
        }
    }

    @Test
    void plainHttpSentToTheHttpsPortIsAnswered400InPlainTextThenClosed() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxy.httpsPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
            assertTrue(answer.contains("Connection: close\r\n"), answer);
            assertTrue(answer.endsWith("This port speaks HTTPS: the request was sent as plain HTTP. Use an https:// URL.\n"),
                    answer);
        }
    }

    @Test
    void garbageInsteadOfAClientHelloIsClosedWithoutAWord() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxy.httpsPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(new byte[] {0x00, 0x01, 0x02, (byte) 0xff, 0x13, 0x37});
            assertEquals(-1, socket.getInputStream().read(), "closed, nothing said");
        }
        awaitNoConnections();
    }

    @Test
    void aHandshakeNotFinishedWithinItsTimeoutIsClosed() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxy.httpsPort())) {
            socket.setSoTimeout(5_000);
            // The start of a ClientHello record, never finished. The request-line timeout is 5 s: a close
            // within 4 s is the 500 ms handshake timeout's doing (3.5 s of margin for a loaded machine).
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(-1, read);
            assertTrue(millis < 4_000, "closed after " + millis + " ms");
        }
        awaitNoConnections();
    }

    @Test
    void theCertificateNamesEveryLocalHostAndIsWrittenWhereAsked(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("devproxy.pem");
        try (DevProxy withFile = proxy().tlsPort(0).tlsCertFile(pem).build().start()) {
            assertEquals(pem, withFile.tlsTrust().certificateFile());
            assertEquals(withFile.tlsTrust().certificatePem(), Files.readString(pem));
            SSLContext trusting = withFile.tlsTrust().sslContext();
            // The listener binds 127.0.0.1 here, so ::1 (also named) cannot be dialled.
            for (String host : List.of("localhost", "127.0.0.1")) {
                HttpClient client = HttpClient.newBuilder().sslContext(trusting).build();
                java.net.URI uri = java.net.URI.create("https://" + host + ":" + withFile.httpsPort() + "/");
                assertEquals(200, client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode(), host);
            }
        }
    }

    @Test
    void aKeystoreGivesTheListenerItsIdentity(@TempDir Path dir) throws Exception {
        // A PKCS12 keystore holding a key and its chain, made as an operator would bring one.
        Path keystore = dir.resolve("server.p12");
        var authority = dev.devproxy.internal.tls.CertificateMaker.certificateAuthority("Keystore CA", Duration.ofDays(1));
        var identity = dev.devproxy.internal.tls.CertificateMaker.leaf(authority, List.of("localhost"), Duration.ofDays(1));
        String pemOfThatCa = authority.rootPem();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", identity.privateKey(), "secret".toCharArray(),
                identity.chain().toArray(Certificate[]::new));
        try (OutputStream out = Files.newOutputStream(keystore)) {
            store.store(out, "secret".toCharArray());
        }
        try (DevProxy loaded = proxy().tlsPort(0).tlsKeystore(keystore).tlsKeystorePassword("secret").build().start()) {
            assertEquals(pemOfThatCa, loaded.tlsTrust().certificatePem());
            HttpClient client = HttpClient.newBuilder().sslContext(loaded.tlsTrust().sslContext()).build();
            assertEquals(200, client.send(HttpRequest.newBuilder(loaded.httpsBaseUri()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> proxy().tlsPort(0).tlsKeystore(keystore).tlsKeystorePassword("wrong").build().start());
        assertTrue(wrong.getMessage().contains("password"), wrong.getMessage());
    }

    @Test
    void handshakesThatStallAtTheConnectionCapAreShedSoAnHonestClientGetsIn() throws Exception {
        // Timeouts far beyond the test: only shedding can free a slot. Margin: shedding starts on connections a
        // second old, every 200 ms; the honest client gets 15 s.
        try (DevProxy capped = proxy().tlsPort(0).maxConnections(4).tlsHandshakeTimeout(Duration.ofSeconds(60))
                .requestLineTimeout(Duration.ofSeconds(60)).build().start()) {
            List<Socket> stalled = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket socket = new Socket("127.0.0.1", capped.httpsPort());
                    socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00}); // a ClientHello begun
                    stalled.add(socket);
                }
                TestSupport.await("the stalled handshakes to fill the cap", Duration.ofSeconds(5),
                        () -> capped.openConnections() == 4, capped::openConnections);

                HttpClient client = HttpClient.newBuilder().sslContext(capped.tlsTrust().sslContext())
                        .connectTimeout(Duration.ofSeconds(15)).build();
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(capped.httpsBaseUri())
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void theStandaloneFlagsConfigureTheListener(@TempDir Path dir) {
        Path pem = dir.resolve("trust.pem");
        Config config = Config.fromCommandLine(new String[] {"--tls-port", "0", "--tls-cert-file", pem.toString(),
                "--tls-handshake-timeout", "2.5"}, java.util.Map.of("TLS_KEYSTORE_PASSWORD", "secret"));
        assertEquals(0, config.tlsPort());
        assertEquals(pem, config.tlsCertFile());
        assertEquals(Duration.ofMillis(2_500), config.tlsHandshakeTimeout());
        assertEquals("secret", config.tlsKeystorePassword());
        assertTrue(!config.toString().contains("secret"), "the password is masked: " + config);
        assertEquals(Config.NO_TLS_PORT, Config.defaults().tlsPort(), "no HTTPS listener unless asked");
        try (DevProxy started = DevProxy.builder().config(config).port(0).build().start()) {
            String line = dev.devproxy.internal.server.Server.tlsListeningLine(started.httpsAddress(), pem);
            assertEquals("DevProxy listening on https://127.0.0.1:" + started.httpsPort()
                    + " (certificate to trust: " + pem + ")", line);
            assertTrue(Files.exists(pem), "the certificate is written at start");
        }
    }

    @Test
    void withoutATlsPortThereIsNoHttpsListener() {
        try (DevProxy plain = proxy().build().start()) {
            IllegalStateException none = assertThrows(IllegalStateException.class, plain::httpsPort);
            assertTrue(none.getMessage().contains("tlsPort"), none.getMessage());
        }
    }

    private void awaitNoConnections() {
        TestSupport.await("connections to close", Duration.ofSeconds(5), () -> proxy.openConnections() == 0,
                proxy::openConnections);
    }

    private SSLSocket tlsSocket(SSLContext context) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", proxy.httpsPort());
        socket.setSoTimeout(5_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static String exchange(SSLSocket socket) throws IOException {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
}
