package dev.devproxy.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates made from public JDK APIs: the JDK parses and validates them (RFC 5280), OpenSSL verifies them, and
 * real TLS handshakes with the JDK's HttpClient accept them for exactly the names they carry.
 */
@Timeout(30)
class CertificateMakerTest {
    private static TlsIdentity authority;
    private static TlsIdentity localhost;
    private static ExecutorService servers;

    @BeforeAll
    static void makeCertificates() {
        authority = CertificateMaker.certificateAuthority("DevProxy test CA", Duration.ofDays(1));
        localhost = CertificateMaker.leaf(authority, List.of("localhost", "127.0.0.1", "::1"), Duration.ofDays(1));
        servers = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stopServers() {
        servers.shutdownNow();
    }

    @Test
    void theAuthorityIsASelfSignedCaThatSignsLeavesOnly() throws Exception {
        X509Certificate ca = authority.certificate();
        ca.verify(ca.getPublicKey());
        assertEquals(0, ca.getBasicConstraints(), "cA=TRUE with pathLen 0");
        boolean[] usage = ca.getKeyUsage();
        assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign");
        assertEquals(3, ca.getVersion());
        assertEquals("CN=DevProxy test CA,O=DevProxy", ca.getSubjectX500Principal().getName());
        assertTrue(ca.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
        assertEquals("SHA256withECDSA", ca.getSigAlgName());
    }

    @Test
    void theLeafNamesEveryHostInSubjectAltNameAndIsSignedByTheAuthority() throws Exception {
        X509Certificate leaf = localhost.certificate();
        leaf.verify(authority.certificate().getPublicKey());
        leaf.checkValidity();
        assertEquals(-1, leaf.getBasicConstraints(), "not a CA");
        assertTrue(leaf.getKeyUsage()[0], "digitalSignature");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
        List<String> names = new ArrayList<>();
        for (List<?> name : leaf.getSubjectAlternativeNames()) {
            names.add(name.get(0) + ":" + name.get(1));
        }
        // RFC 5280 section 4.2.1.6: dNSName is [2], iPAddress is [7]; the JDK prints IPv6 in full.
        assertEquals(List.of("2:localhost", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1"), names);
        assertEquals(authority.certificate().getSubjectX500Principal(), leaf.getIssuerX500Principal());
        assertEquals(2, localhost.chain().size());
        assertEquals(authority.certificate(), localhost.root());
    }

    @Test
    void theChainPassesPkixValidationWithTheAuthorityAsAnchor() throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(authority.certificate(), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(localhost.certificate())),
                parameters);
    }

    @Test
    void thePemRoundTripsThroughTheJdksParser() throws Exception {
        Collection<? extends java.security.cert.Certificate> parsed = CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(localhost.chainPem().getBytes(StandardCharsets.US_ASCII)));
        assertEquals(localhost.chain(), List.copyOf(parsed));
        assertTrue(localhost.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----\n"));
    }

    @Test
    void anHttpClientTrustingTheAuthorityConnectsByEveryNameTheLeafCarries() throws Exception {
        try (TlsServer server = TlsServer.start(localhost)) {
            HttpClient client = HttpClient.newBuilder().sslContext(authority.clientContext()).build();
            for (String host : List.of("localhost", "127.0.0.1", "[::1]")) {
                if (host.equals("[::1]") && !hasIpv6Loopback()) {
                    continue;
                }
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(URI.create("https://" + host + ":" + server.port() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("hello over TLS", response.body(), host);
            }
        }
    }

    @Test
    void aClientThatDoesNotTrustTheAuthorityFailsTheHandshake() throws Exception {
        TlsIdentity otherAuthority = CertificateMaker.certificateAuthority("another CA", Duration.ofDays(1));
        try (TlsServer server = TlsServer.start(localhost)) {
            HttpClient client = HttpClient.newBuilder().sslContext(otherAuthority.clientContext()).build();
            assertThrows(SSLHandshakeException.class, () -> client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void aLeafForAnotherHostFailsHostNameVerification() throws Exception {
        // HttpClient checks the name (RFC 6125); the certificate chains to a trusted root but names other.test.
        TlsIdentity other = CertificateMaker.leaf(authority, List.of("other.test"), Duration.ofDays(1));
        try (TlsServer server = TlsServer.start(other)) {
            HttpClient client = HttpClient.newBuilder().sslContext(authority.clientContext()).build();
            assertThrows(SSLHandshakeException.class, () -> client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void aCertificateNeedsAHost() {
        assertThrows(IllegalArgumentException.class, () -> CertificateMaker.leaf(authority, List.of(), Duration.ofDays(1)));
    }

    @Test
    void openSslVerifiesTheChainAndReadsTheNames(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Path ca = dir.resolve("ca.pem");
        Path leaf = dir.resolve("leaf.pem");
        authority.writeRootPem(ca);
        Files.writeString(leaf, TlsIdentity.pem(localhost.certificate()));

        assertEquals(leaf + ": OK\n", run("openssl", "verify", "-CAfile", ca.toString(), leaf.toString()));
        String text = run("openssl", "x509", "-in", leaf.toString(), "-noout", "-text");
        assertTrue(text.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"), text);
        assertTrue(text.contains("ecdsa-with-SHA256"), text);
        assertTrue(text.contains("CA:FALSE"), text);
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    private static boolean hasIpv6Loopback() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A blocking TLS server on an ephemeral port that answers every connection with one fixed response. */
    private record TlsServer(SSLServerSocket socket) implements AutoCloseable {
        static TlsServer start(TlsIdentity identity) throws Exception {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity.keyManagers(), null, null);
            SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getByName("::"));
            TlsServer server = new TlsServer(socket);
            servers.execute(server::serve);
            return server;
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (SSLSocket client = (SSLSocket) socket.accept()) {
                    client.setSoTimeout(10_000);
                    InputStream in = client.getInputStream();
                    // Read the head up to its empty line, then answer and close.
                    int state = 0;
                    for (int b; state < 4 && (b = in.read()) >= 0; ) {
                        state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
                    }
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: 14\r\nConnection: close\r\n\r\nhello over TLS")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // A failed handshake (the tests that expect one) or the socket closing: next connection.
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
