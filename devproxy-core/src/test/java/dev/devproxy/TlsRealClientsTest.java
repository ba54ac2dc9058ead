package dev.devproxy;

import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTPS listener against the clients people use: curl with {@code --cacert} and {@code openssl s_client}
 * (both protocol versions, SNI, ALPN, a TLS 1.3 KeyUpdate mid-stream, a TLS 1.2 renegotiation). Each test is
 * skipped when its tool is not installed (Debian packages curl and openssl; .ci/run installs them).
 */
@Timeout(60)
class TlsRealClientsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private DevProxy proxy;
    private Path pem;

    @BeforeEach
    void start() {
        proxy = proxy().tlsPort(0).build().start();
        pem = proxy.tlsTrust().certificateFile();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private static void assumeInstalled(String tool) {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/" + tool)), tool + " is not installed");
    }

    @Test
    void curlTrustingTheHandedOutPemGetsEchoOverTls13AndTls12() throws Exception {
        assumeInstalled("curl");
        String url = "https://localhost:" + proxy.httpsPort() + "/from/curl";
        String tls13 = run(List.of("curl", "-sS", "--cacert", pem.toString(), url));
        String tls12 = run(List.of("curl", "-sS", "--cacert", pem.toString(), "--tlsv1.2", "--tls-max", "1.2", url));
        String http2 = run(List.of("curl", "-sS", "--http2", "--cacert", pem.toString(), "-w", "\\n%{http_version}", url));

        assertTrue(tls13.contains("\"path\":\"/from/curl\"") && tls13.contains("\"protocol\":\"TLSv1.3\""), tls13);
        assertTrue(tls13.contains("\"sniHost\":\"localhost\"") && tls13.contains("\"alpn\":\"http/1.1\""), tls13);
        assertTrue(tls12.contains("\"protocol\":\"TLSv1.2\""), tls12);
        assertTrue(http2.endsWith("\n1.1"), "curl asked for h2 and fell back to HTTP/1.1: " + http2);
    }

    @Test
    void curlWithoutTheCertificateRefusesTheConnection() throws Exception {
        assumeInstalled("curl");
        Process curl = new ProcessBuilder("curl", "-sS", "https://localhost:" + proxy.httpsPort() + "/")
                .redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(60, curl.exitValue(), "curl's 'peer certificate cannot be authenticated': " + output);
    }

    @Test
    void opensslSeesSniAlpnAndAVerifiedChainOnBothVersions() throws Exception {
        assumeInstalled("openssl");
        for (String version : List.of("-tls1_3", "-tls1_2")) {
            try (SClient client = new SClient(version)) {
                client.send("GET /s_client HTTP/1.1\nHost: localhost\n\n");
                String out = client.await("the echo", text -> text.contains("\"authority\":\"localhost\""));
                assertTrue(out.contains("ALPN protocol: http/1.1"), out);
                assertTrue(out.contains("Verify return code: 0 (ok)"), out);
                assertTrue(out.contains("\"sniHost\":\"localhost\""), out);
                assertTrue(out.contains(version.equals("-tls1_3") ? "\"protocol\":\"TLSv1.3\"" : "\"protocol\":\"TLSv1.2\""), out);
            }
        }
    }

    @Test
    void aTls13KeyUpdateMidStreamIsAnsweredAndTheConnectionGoesOn() throws Exception {
        assumeInstalled("openssl");
        try (SClient client = new SClient("-tls1_3")) {
            client.send("GET /before HTTP/1.1\nHost: localhost\n\n");
            client.await("the first answer", text -> text.contains("\"path\":\"/before\""));
            client.send("K\n"); // a KeyUpdate asking the proxy to update its keys too
            client.await("the key update", text -> text.contains("KEYUPDATE"));
            client.send("GET /after HTTP/1.1\nHost: localhost\n\n");
            String out = client.await("the answer after the key update", text -> text.contains("\"path\":\"/after\""));
            assertFalse(out.contains("alert"), out);
        }
    }

    @Test
    void aTls12RenegotiationIsRefused() throws Exception {
        assumeInstalled("openssl");
        try (SClient client = new SClient("-tls1_2")) {
            client.send("GET /before HTTP/1.1\nHost: localhost\n\n");
            client.await("the first answer", text -> text.contains("\"path\":\"/before\""));
            client.send("R\n");
            String out = client.awaitExit();
            assertTrue(out.contains("RENEGOTIATING"), out);
            assertFalse(out.contains("\"path\":\"/after\""), out);
        }
        TestSupport.await("the refused connection to close", Duration.ofSeconds(5), () -> proxy.openConnections() == 0,
                proxy::openConnections);
    }

    private String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "did not finish: " + command);
        assertEquals(0, process.exitValue(), () -> command + " said:\n" + output);
        return output;
    }

    /** {@code openssl s_client} in its interactive mode (so K and R are commands), read by a thread of its own. */
    private final class SClient implements AutoCloseable {
        private final Process process;
        private final OutputStream stdin;
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;

        SClient(String version) throws IOException {
            List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                    "127.0.0.1:" + proxy.httpsPort(), "-servername", "localhost", "-alpn", "h2,http/1.1",
                    "-CAfile", pem.toString(), "-crlf", version));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            stdin = process.getOutputStream();
            InputStream in = process.getInputStream();
            reader = new Thread(() -> {
                byte[] chunk = new byte[4096];
                try {
                    int count;
                    while ((count = in.read(chunk)) >= 0) {
                        output.append(new String(chunk, 0, count, StandardCharsets.ISO_8859_1));
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "s_client-reader");
            reader.setDaemon(true);
            reader.start();
            await("the handshake", text -> text.contains("Verify return code"));
        }

        void send(String text) throws IOException {
            stdin.write(text.getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        }

        /** Polls what s_client printed until {@code done} holds, with a deadline; s_client signals nothing else. */
        String await(String what, Predicate<String> done) {
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < end) {
                String text = output.toString();
                if (done.test(text)) {
                    return text;
                }
                if (!process.isAlive() && !reader.isAlive()) {
                    break;
                }
                Thread.onSpinWait();
                try {
                    reader.join(20); // waits on the reader, not a clock: returns as soon as it ends
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw new AssertionError("s_client never showed " + what + ":\n" + output);
        }

        String awaitExit() throws InterruptedException {
            assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "s_client did not exit:\n" + output);
            reader.join(DEADLINE.toMillis());
            return output.toString();
        }

        @Override
        public void close() throws IOException {
            stdin.close();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
