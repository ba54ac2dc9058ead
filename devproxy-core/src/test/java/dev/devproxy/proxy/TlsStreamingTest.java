package dev.devproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.devproxy.DevProxy;
import dev.devproxy.Upstream;
import dev.devproxy.internal.tls.CertificateMaker;
import dev.devproxy.internal.tls.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Large bodies through TLS on both legs (client to the HTTPS listener, proxy to an HTTPS upstream), byte-exact,
 * with the heap flat: encrypted bytes stream through record buffers without piling up anywhere.
 */
@Timeout(120)
class TlsStreamingTest {
    private static final long MIB = 1024 * 1024;
    private static final long HEAP_GROWTH_BOUND = 64 * MIB;

    @Test
    void aLargeResponseCrossesBothTlsLegsByteExact() throws Exception {
        downloadOverTlsBothLegs(16 * MIB, false);
    }

    @Test
    void aLargeChunkedResponseCrossesBothTlsLegsByteExact() throws Exception {
        downloadOverTlsBothLegs(16 * MIB, true);
    }

    @Test
    void aLargeUploadCrossesBothTlsLegsByteExact() throws Exception {
        uploadOverTlsBothLegs(16 * MIB);
    }

    @Test
    @Tag("slow")
    @EnabledIfSystemProperty(named = "devproxy.slow", matches = "true",
            disabledReason = "1 GiB through four TLS record layers takes a minute; run with -Ddevproxy.slow=true")
    @Timeout(600)
    void oneGibibyteCrossesBothTlsLegsByteExactWhileTheHeapStaysFlat() throws Exception {
        downloadOverTlsBothLegs(1024 * MIB, false);
    }

    @Test
    @Tag("slow")
    @EnabledIfSystemProperty(named = "devproxy.slow", matches = "true",
            disabledReason = "1 GiB through four TLS record layers takes a minute; run with -Ddevproxy.slow=true")
    @Timeout(600)
    void oneGibibyteChunkedCrossesBothTlsLegsByteExactWhileTheHeapStaysFlat() throws Exception {
        downloadOverTlsBothLegs(1024 * MIB, true);
    }

    @Test
    @Tag("slow")
    @EnabledIfSystemProperty(named = "devproxy.slow", matches = "true",
            disabledReason = "100 MiB up through four TLS record layers takes seconds; run with -Ddevproxy.slow=true")
    @Timeout(300)
    void oneHundredMebibytesUpCrossBothTlsLegsByteExactWhileTheHeapStaysFlat() throws Exception {
        uploadOverTlsBothLegs(100 * MIB);
    }

    /**
     * {@code size} bytes POSTed over TLS to the proxy and forwarded over TLS to an upstream that hashes what it
     * reads and answers with the hash: the upstream's hash is the sent bytes' hash, and the heap stays flat.
     */
    private static void uploadOverTlsBothLegs(long size) throws Exception {
        TlsIdentity authority = CertificateMaker.certificateAuthority("Streaming CA", Duration.ofDays(1));
        TlsIdentity leaf = CertificateMaker.leaf(authority, List.of("localhost"), Duration.ofDays(1));
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(leaf.keyManagers(), null, null);
        HttpsServer upstream = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        upstream.setExecutor(Executors.newSingleThreadExecutor());
        upstream.createContext("/", exchange -> {
            MessageDigest digest = ProxyTestKit.sha256();
            long count = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = exchange.getRequestBody()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    count += n;
                }
            }
            byte[] answer = (count + " " + HexFormat.of().formatHex(digest.digest())).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        upstream.start();
        try (DevProxy proxy = DevProxy.builder().port(0).tlsPort(0).maxBodySize(size)
                .upstream(Upstream.of("localhost", upstream.getAddress().getPort(), true))
                .upstreamSslContext(authority.clientContext()).build().start()) {
            long heapBefore = ProxyTestKit.usedHeapAfterGc();
            try (SSLSocket client = (SSLSocket) proxy.tlsTrust().sslContext().getSocketFactory()
                    .createSocket("localhost", proxy.httpsPort())) {
                client.setSoTimeout(30_000);
                OutputStream out = client.getOutputStream();
                out.write(("POST /proxy/upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + size + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] buffer = new byte[64 * 1024];
                try (ProxyTestKit.GeneratedBody body = new ProxyTestKit.GeneratedBody(13, size)) {
                    for (int n; (n = body.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                    }
                }
                out.flush();
                InputStream in = client.getInputStream();
                assertEquals("HTTP/1.1 200 OK", ProxyTestKit.readLine(in));
                long length = -1;
                for (String line; !(line = ProxyTestKit.readLine(in)).isEmpty(); ) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Long.parseLong(line.substring(15).trim());
                    }
                }
                String answer = new String(in.readNBytes((int) length), StandardCharsets.US_ASCII);
                assertEquals(size + " " + ProxyTestKit.GeneratedBody.sha256Hex(13, size), answer,
                        "bytes and SHA-256 the upstream read");
            }
            long growth = ProxyTestKit.usedHeapAfterGc() - heapBefore;
            assertTrue(growth < HEAP_GROWTH_BOUND, "heap grew by " + growth / MIB + " MiB across " + size / MIB + " MiB");
        } finally {
            upstream.stop(0);
        }
    }

    private static void downloadOverTlsBothLegs(long size, boolean chunked) throws Exception {
        TlsIdentity authority = CertificateMaker.certificateAuthority("Streaming CA", Duration.ofDays(1));
        TlsIdentity leaf = CertificateMaker.leaf(authority, List.of("localhost"), Duration.ofDays(1));
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(leaf.keyManagers(), null, null);
        HttpsServer upstream = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        upstream.setExecutor(Executors.newSingleThreadExecutor());
        upstream.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, chunked ? 0 : size); // 0: the JDK's server sends it chunked
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody();
                    ProxyTestKit.GeneratedBody body = new ProxyTestKit.GeneratedBody(11, size)) {
                for (int n; (n = body.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
            }
        });
        upstream.start();
        try (DevProxy proxy = DevProxy.builder().port(0).tlsPort(0)
                .upstream(Upstream.of("localhost", upstream.getAddress().getPort(), true))
                .upstreamSslContext(authority.clientContext()).build().start()) {
            long heapBefore = ProxyTestKit.usedHeapAfterGc();
            MessageDigest received = ProxyTestKit.sha256();
            long count = 0;
            try (SSLSocket client = (SSLSocket) proxy.tlsTrust().sslContext().getSocketFactory()
                    .createSocket("localhost", proxy.httpsPort())) {
                client.setSoTimeout(30_000);
                client.getOutputStream().write("GET /proxy/large HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = client.getInputStream();
                String head = ProxyTestKit.readLine(in);
                assertEquals("HTTP/1.1 200 OK", head);
                boolean chunkedOnTheWire = false;
                for (String line; !(line = ProxyTestKit.readLine(in)).isEmpty(); ) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        assertEquals(String.valueOf(size), line.substring(15).trim());
                    }
                    chunkedOnTheWire |= line.equalsIgnoreCase("Transfer-Encoding: chunked");
                }
                assertEquals(chunked, chunkedOnTheWire, "the framing the upstream chose reaches the client");
                InputStream body = chunked ? new ChunkedInput(in) : in;
                byte[] buffer = new byte[64 * 1024];
                while (count < size) {
                    int n = body.read(buffer, 0, (int) Math.min(buffer.length, size - count));
                    if (n < 0) {
                        break;
                    }
                    received.update(buffer, 0, n);
                    count += n;
                }
            }
            assertEquals(size, count, "bytes received");
            assertEquals(ProxyTestKit.GeneratedBody.sha256Hex(11, size), HexFormat.of().formatHex(received.digest()),
                    "SHA-256 of the body");
            long growth = ProxyTestKit.usedHeapAfterGc() - heapBefore;
            assertTrue(growth < HEAP_GROWTH_BOUND, "heap grew by " + growth / MIB + " MiB across " + size / MIB + " MiB");
        } finally {
            upstream.stop(0);
        }
    }

    /** A chunked body (RFC 9112 section 7.1) read as its bytes; extensions and trailers are not expected here. */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long left;
        private boolean ended;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] destination, int offset, int length) throws IOException {
            if (ended) {
                return -1;
            }
            if (left == 0) {
                left = Long.parseLong(ProxyTestKit.readLine(in).trim(), 16);
                if (left == 0) {
                    ended = true;
                    return -1;
                }
            }
            int n = in.read(destination, offset, (int) Math.min(length, left));
            if (n < 0) {
                throw new java.io.EOFException("chunked body cut short");
            }
            left -= n;
            if (left == 0) {
                ProxyTestKit.readLine(in); // the CRLF after the chunk's data
            }
            return n;
        }
    }
}
