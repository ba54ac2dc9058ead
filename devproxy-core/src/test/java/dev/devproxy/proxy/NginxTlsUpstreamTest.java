package dev.devproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.Upstream;
import dev.devproxy.internal.tls.CertificateMaker;
import dev.devproxy.internal.tls.TlsIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx (Debian package nginx-light) as an HTTPS upstream, one server block per certificate case: for the right
 * host, for another host, expired, and self-signed. Certificates are made in the set-up; skipped without nginx.
 */
@Timeout(60)
class NginxTlsUpstreamTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    static Path dir;
    private static Process nginx;
    private static TlsIdentity authority;
    private static int good;
    private static int otherHost;
    private static int expired;
    private static int selfSigned;

    @BeforeAll
    static void startNginx() throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed (Debian package nginx-light)");
        authority = CertificateMaker.certificateAuthority("nginx test CA", Duration.ofDays(1));
        TlsIdentity selfSignedCa = CertificateMaker.certificateAuthority("self-signed", Duration.ofDays(1));
        StringBuilder servers = new StringBuilder();
        good = server(servers, "good", CertificateMaker.leaf(authority, List.of("localhost"), Duration.ofDays(1)));
        otherHost = server(servers, "other", CertificateMaker.leaf(authority, List.of("other.example"), Duration.ofDays(1)));
        expired = server(servers, "expired", CertificateMaker.leaf(authority, List.of("localhost"), Duration.ofMinutes(-30)));
        selfSigned = server(servers, "self", CertificateMaker.leaf(selfSignedCa, List.of("localhost"), Duration.ofDays(1)));
        String config = "daemon off;\nworker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + ";\nevents { worker_connections 64; }\n"
                + "http {\n  access_log off;\n  client_body_temp_path " + dir + ";\n  proxy_temp_path " + dir + ";\n"
                + "  fastcgi_temp_path " + dir + ";\n  uwsgi_temp_path " + dir + ";\n  scgi_temp_path " + dir + ";\n"
                + servers + "}\n";
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config);
        nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString(), "-e",
                dir.resolve("error.log").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int port : new int[] {good, otherHost, expired, selfSigned}) {
            while (!accepts(port)) {
                if (!nginx.isAlive() || System.nanoTime() > end) {
                    throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("nginx.out"))
                            + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
                }
                nginx.waitFor(20, TimeUnit.MILLISECONDS); // a wait on nginx, which also notices it exiting
            }
        }
    }

    @AfterAll
    static void stopNginx() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(5, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
    }

    /** Adds a server block presenting {@code identity} on a free port, answering {@code 200 name}; returns the port. */
    private static int server(StringBuilder servers, String name, TlsIdentity identity) throws IOException {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Files.writeString(cert, identity.chainPem());
        Files.writeString(key, identity.privateKeyPem());
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free now; nginx binds it a moment later
        }
        servers.append("  server {\n    listen 127.0.0.1:").append(port).append(" ssl;\n    server_name localhost;\n")
                .append("    ssl_certificate ").append(cert).append(";\n    ssl_certificate_key ").append(key)
                .append(";\n    ssl_protocols TLSv1.2 TLSv1.3;\n    keepalive_timeout 30s;\n    location / { return 200 \"").append(name)
                .append(" $ssl_protocol $request_uri connection $connection\\n\"; }\n  }\n");
        return port;
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static HttpResponse<String> throughProxy(int port, DevProxy.Builder builder, String path) throws Exception {
        try (DevProxy proxy = builder.port(0).upstream(Upstream.parse("https://localhost:" + port)).build().start()) {
            return HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void nginxWithACertificateForTheHostAnswersThroughTheProxyOverKeptAliveConnections() throws Exception {
        try (DevProxy proxy = DevProxy.builder().port(0).upstream(Upstream.parse("https://localhost:" + good))
                .upstreamSslContext(authority.clientContext()).build().start()) {
            java.util.Set<String> connections = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(proxy.baseUri().resolve("/proxy/n" + i)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(response.body().startsWith("good TLSv1.3 /n" + i + " connection "), response.body());
                connections.add(response.body().substring(response.body().lastIndexOf(' ') + 1));
            }
            assertEquals(1, connections.size(), "one pooled TLS connection to nginx carried all three: " + connections);
        }
    }

    @Test
    void nginxWithACertificateForAnotherHostIs502() throws Exception {
        assertEquals(502, throughProxy(otherHost, DevProxy.builder().upstreamSslContext(authority.clientContext()),
                "/proxy/x").statusCode());
    }

    @Test
    void nginxWithAnExpiredCertificateIs502() throws Exception {
        assertEquals(502, throughProxy(expired, DevProxy.builder().upstreamSslContext(authority.clientContext()),
                "/proxy/x").statusCode());
    }

    @Test
    void nginxWithASelfSignedCertificateIs502UnlessTheInsecureOptInIsOn() throws Exception {
        assertEquals(502, throughProxy(selfSigned, DevProxy.builder(), "/proxy/x").statusCode());
        HttpResponse<String> insecure = throughProxy(selfSigned,
                DevProxy.builder().insecureTrustAnyUpstreamCertificate(true), "/proxy/x");
        assertEquals(200, insecure.statusCode());
        assertTrue(insecure.body().startsWith("self TLSv1."), insecure.body());
    }
}
