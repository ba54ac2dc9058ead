package dev.devproxy;

import static dev.devproxy.stub.RequestPattern.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.Responses;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser, headless Chromium (Debian package {@code chromium}; skipped without it), as users point one at
 * DevProxy: trusting the HTTPS listener's key, opening a WebSocket through {@code /proxy/} from a page, and
 * configured with DevProxy as its proxy for plain and TLS destinations. Each test waits for the request the
 * browser's page makes to show up in a journal, so a certificate Chromium refused or a tunnel that failed ends in
 * the deadline's failure, never in a pass.
 */
@Timeout(90)
class ChromiumTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Chromium's first start on a loaded machine takes seconds; far from this. */
    private static final Duration BROWSER_DEADLINE = Duration.ofSeconds(45);

    @TempDir
    Path profile;
    private final List<DevProxy> proxies = new ArrayList<>();
    private final List<Process> browsers = new ArrayList<>();

    @BeforeEach
    void needsChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (Debian package chromium)");
    }

    @AfterEach
    void stop() throws Exception {
        for (Process browser : browsers) {
            // Chromium runs a tree of processes (zygote, renderers, network service): end them all.
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
            assertTrue(browser.waitFor(20, TimeUnit.SECONDS), "chromium did not exit");
        }
        for (DevProxy proxy : proxies) {
            proxy.close();
        }
    }

    @Test
    void chromiumTrustsTheHttpsListenerByItsKeyAndGetsTheEcho() throws Exception {
        DevProxy proxy = start(DevProxy.builder().port(0).tlsPort(0));

        browse("https://localhost:" + proxy.httpsPort() + "/from-chromium", trustKeyOf(proxy));

        JournalEntry entry = proxy.awaitRequest(get("/from-chromium"), BROWSER_DEADLINE);
        assertEquals(200, awaitStatus(proxy, "/from-chromium"));
        assertTrue(String.valueOf(entry.header("User-Agent")).contains("HeadlessChrome"), entry::toString);
    }

    @Test
    void aPageOpensAWebSocketThroughTheProxyPrefixAndGetsItsEcho() throws Exception {
        WebSocketEchoServer echo = WebSocketEchoServer.start();
        try (echo) {
            DevProxy proxy = start(DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", echo.port())));
            proxy.stubFor(get("/page").willReturn(Responses.text(200, """
                    <!doctype html><title>ws</title><script>
                    const socket = new WebSocket("ws://" + location.host + "/proxy/echo");
                    socket.onopen = () => socket.send("hello through DevProxy");
                    socket.onmessage = event => fetch("/result?echoed=" + encodeURIComponent(event.data));
                    </script>""").header("Content-Type", "text/html; charset=utf-8")));

            browse("http://127.0.0.1:" + proxy.port() + "/page");

            JournalEntry result = proxy.awaitRequest(get("/result"), BROWSER_DEADLINE);
            assertEquals("echoed=hello%20through%20DevProxy", result.request().query());
            String head = echo.heads.poll(5, TimeUnit.SECONDS);
            assertTrue(head != null && head.startsWith("GET /echo HTTP/1.1\r\n"), String.valueOf(head));
        }
    }

    @Test
    void chromiumWithDevProxyAsItsProxyReachesAPlainHttpOrigin() throws Exception {
        DevProxy origin = start(DevProxy.builder().port(0));
        DevProxy proxy = start(DevProxy.builder().port(0).forwardProxy(true));

        browse("http://127.0.0.1:" + origin.port() + "/through-the-proxy", proxyFlags(proxy).toArray(String[]::new));

        JournalEntry forwarded = proxy.awaitRequest(get("/through-the-proxy"), BROWSER_DEADLINE);
        assertEquals("http://127.0.0.1:" + origin.port() + "/through-the-proxy", forwarded.target(),
                "a browser talking to a proxy sends the absolute form");
        origin.awaitRequest(get("/through-the-proxy"), BROWSER_DEADLINE);
    }

    @Test
    void chromiumWithDevProxyAsItsProxyTunnelsToAnHttpsOrigin() throws Exception {
        DevProxy origin = start(DevProxy.builder().port(0).tlsPort(0));
        DevProxy proxy = start(DevProxy.builder().port(0).forwardProxy(true));
        List<String> flags = new ArrayList<>(proxyFlags(proxy));
        flags.add(trustKeyOf(origin));

        browse("https://localhost:" + origin.httpsPort() + "/through-a-tunnel", flags.toArray(String[]::new));

        origin.awaitRequest(get("/through-a-tunnel"), BROWSER_DEADLINE);
        // A browser sends requests of its own through its proxy too: find the tunnel among them.
        List<JournalEntry> seen = proxy.journal().all();
        assertTrue(seen.stream().anyMatch(entry -> entry.method().equals("CONNECT")
                && entry.target().equals("localhost:" + origin.httpsPort())), seen::toString);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private DevProxy start(DevProxy.Builder builder) {
        DevProxy proxy = builder.build().start();
        proxies.add(proxy);
        return proxy;
    }

    /** The status the journal recorded for {@code path} once the exchange is complete. */
    private static int awaitStatus(DevProxy proxy, String path) {
        int[] status = {0};
        TestSupport.await("the answer to " + path + " recorded", () -> proxy.journal().all().stream()
                .filter(entry -> entry.request().path().equals(path) && entry.status() > 0)
                .peek(entry -> status[0] = entry.status()).findFirst().isPresent(), () -> proxy.journal().all());
        return status[0];
    }

    private static List<String> proxyFlags(DevProxy proxy) {
        // Chromium never sends loopback destinations to a proxy unless told: <-loopback> removes that rule.
        return List.of("--proxy-server=http://127.0.0.1:" + proxy.port(), "--proxy-bypass-list=<-loopback>");
    }

    /** Chromium's way to trust one key without a CA: the base64 SHA-256 of the certificate's SubjectPublicKeyInfo. */
    private static String trustKeyOf(DevProxy proxy) throws Exception {
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(proxy.tlsTrust().certificatePem().getBytes(StandardCharsets.US_ASCII)));
        byte[] spki = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
        return "--ignore-certificate-errors-spki-list=" + Base64.getEncoder().encodeToString(spki);
    }

    /** Starts headless Chromium on {@code url} with its own profile; it runs until the test ends. */
    private void browse(String url, String... flags) throws IOException {
        Path userData = Files.createTempDirectory(profile, "chromium");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                // The SPKI list is honoured only with a profile of its own, a guard against misuse.
                "--user-data-dir=" + userData));
        command.addAll(List.of(flags));
        command.add(url);
        Process browser = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(userData.resolve("chromium.log").toFile()).start();
        browser.getOutputStream().close();
        browsers.add(browser);
    }
}
