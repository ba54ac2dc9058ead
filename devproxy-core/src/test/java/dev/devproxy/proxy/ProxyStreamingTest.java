package dev.devproxy.proxy;

import static dev.devproxy.proxy.ProxyTestKit.ascii;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.parser.ParserLimits;
import dev.devproxy.proxy.ProxyTestKit.Field;
import dev.devproxy.proxy.ProxyTestKit.GeneratedBody;
import dev.devproxy.proxy.ProxyTestKit.HttpUpstream;
import dev.devproxy.proxy.ProxyTestKit.RawClient;
import dev.devproxy.proxy.ProxyTestKit.RawResponse;
import dev.devproxy.proxy.ProxyTestKit.Received;
import dev.devproxy.proxy.ProxyTestKit.ScriptedUpstream;
import dev.devproxy.proxy.ProxyTestKit.UpstreamRequest;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Bodies stream through the proxy in both directions, byte-exact, as they arrive, and a side that cannot keep
 * up slows the other down instead of making the proxy buffer.
 */
@Timeout(60)
class ProxyStreamingTest {
    private static final long MIB = 1L << 20;
    /** Heap growth tolerated across a large transfer, after collection: far below any body it carries. */
    private static final long HEAP_GROWTH_BOUND = 64 * MIB;

    private final HttpClient http = ProxyTestKit.HTTP;
    private DevProxy proxy;
    /** The upstream of the current test, closed after it. */
    private Closeable upstream;

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private DevProxy proxyTo(dev.devproxy.Upstream target) {
        proxy = DevProxy.builder().port(0).upstream(target)
                .limits(ParserLimits.defaults().withMaxBodySize(Long.MAX_VALUE))
                .build().start();
        return proxy;
    }

    private HttpUpstream http(ProxyTestKit.Responder responder) throws IOException {
        HttpUpstream server = HttpUpstream.start(responder);
        upstream = server;
        return server;
    }

    private ScriptedUpstream scripted(ProxyTestKit.Script script) throws IOException {
        ScriptedUpstream server = ScriptedUpstream.start(script);
        upstream = server;
        return server;
    }

    // ---- Large bodies -----------------------------------------------------------------------------------------

    @Test
    void largeResponseIsRelayedByteExactWhileTheHeapStaysFlat() throws Exception {
        downloadThroughTheProxy(256 * MIB);
    }

    @Test
    @Tag("slow")
    @EnabledIfSystemProperty(named = "devproxy.slow", matches = "true",
            disabledReason = "1 GiB takes tens of seconds; run with -Ddevproxy.slow=true")
    @Timeout(300)
    void oneGibibyteResponseIsRelayedByteExactWhileTheHeapStaysFlat() throws Exception {
        downloadThroughTheProxy(1024 * MIB);
    }

    private void downloadThroughTheProxy(long size) throws Exception {
        CompletableFuture<String> sent = new CompletableFuture<>();
        HttpUpstream server = http((request, exchange) -> {
            exchange.sendResponseHeaders(200, size);
            MessageDigest digest = ProxyTestKit.sha256();
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody(); GeneratedBody body = new GeneratedBody(42, size)) {
                for (int n; (n = body.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            sent.complete(HexFormat.of().formatHex(digest.digest()));
        });
        proxyTo(server.upstream());
        long heapBefore = ProxyTestKit.usedHeapAfterGc();

        MessageDigest received = ProxyTestKit.sha256();
        long count = 0;
        try (RawClient client = RawClient.connect(proxy)) {
            client.send(ProxyTestKit.get("/proxy/large"));
            RawResponse head = client.readHeadOnly();
            assertEquals(200, head.status());
            assertEquals(String.valueOf(size), head.header("Content-Length"));
            byte[] buffer = new byte[64 * 1024];
            while (count < size) {
                int n = client.in.read(buffer, 0, (int) Math.min(buffer.length, size - count));
                if (n < 0) {
                    break;
                }
                received.update(buffer, 0, n);
                count += n;
            }
        }

        assertEquals(size, count, "bytes received");
        assertEquals(sent.get(10, TimeUnit.SECONDS), HexFormat.of().formatHex(received.digest()), "SHA-256 of the body");
        long growth = ProxyTestKit.usedHeapAfterGc() - heapBefore;
        assertTrue(growth < HEAP_GROWTH_BOUND, "heap grew by " + growth / MIB + " MiB across a " + size / MIB + " MiB response");
    }

    @Test
    void largeUploadWithContentLengthReachesTheUpstreamByteExact() throws Exception {
        long size = 64 * MIB;
        HttpUpstream server = http((request, exchange) -> HttpUpstream.sendText(exchange, 200, request.bodySha256()));
        proxyTo(server.upstream());
        long heapBefore = ProxyTestKit.usedHeapAfterGc();

        HttpRequest request = HttpRequest.newBuilder(proxy.baseUri().resolve("/proxy/upload"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedBody(7, size)), size))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

        String expected = GeneratedBody.sha256Hex(7, size);
        Received received = server.take();
        assertAll(
                () -> assertEquals(200, response.statusCode()),
                () -> assertEquals(expected, response.body()),
                () -> assertEquals(String.valueOf(size), received.header("Content-Length")),
                () -> assertNull(received.header("Transfer-Encoding")),
                () -> assertEquals(size, received.bodyLength()),
                () -> assertEquals(expected, received.bodySha256()));
        long growth = ProxyTestKit.usedHeapAfterGc() - heapBefore;
        assertTrue(growth < HEAP_GROWTH_BOUND, "heap grew by " + growth / MIB + " MiB across a " + size / MIB + " MiB upload");
    }

    @Test
    void largeChunkedUploadReachesTheUpstreamByteExact() throws Exception {
        long size = 64 * MIB;
        HttpUpstream server = http((request, exchange) -> HttpUpstream.sendText(exchange, 200, request.bodySha256()));
        proxyTo(server.upstream());

        // A publisher of unknown length makes the JDK client send the body chunked.
        HttpRequest request = HttpRequest.newBuilder(proxy.baseUri().resolve("/proxy/upload"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedBody(8, size)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

        String expected = GeneratedBody.sha256Hex(8, size);
        Received received = server.take();
        assertAll(
                () -> assertEquals(200, response.statusCode()),
                () -> assertEquals("chunked", received.header("Transfer-Encoding")),
                () -> assertNull(received.header("Content-Length")),
                () -> assertEquals(size, received.bodyLength()),
                () -> assertEquals(expected, received.bodySha256()));
    }

    @Test
    void chunkedRequestIsReframedAndKeepsItsTrailers() throws Exception {
        ScriptedUpstream server = scripted(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send("HTTP/1.1 204 No Content\r\n\r\n");
            }
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange("POST /proxy/chunks HTTP/1.1\r\nHost: devproxy.test\r\n"
                    + "Transfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
                    + "5;name=value\r\nhello\r\n1\r\n \r\nA\r\nworld, too\r\n0\r\nX-Sum: 42\r\n\r\n");
            assertEquals(204, response.status());
        }

        UpstreamRequest request = server.takeRequest();
        assertAll(
                () -> assertTrue(request.chunked(), request.rawHead()),
                () -> assertFalse(request.has("Content-Length")),
                () -> assertEquals("hello world, too", ProxyTestKit.text(request.body())),
                () -> assertEquals(List.of(new Field("X-Sum", "42")), request.trailers()));
    }

    // ---- Streaming as it arrives --------------------------------------------------------------------------------

    @Test
    void uploadReachesTheUpstreamBeforeTheClientHasSentItAll() throws Exception {
        CompletableFuture<byte[]> firstHalf = new CompletableFuture<>();
        ScriptedUpstream server = scripted(peer -> {
            peer.readHead();
            firstHalf.complete(peer.in.readNBytes(1000));
            byte[] secondHalf = peer.in.readNBytes(1000);
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: " + secondHalf.length + "\r\n\r\n").send(secondHalf);
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            client.send("PUT /proxy/stream HTTP/1.1\r\nHost: devproxy.test\r\nContent-Length: 2000\r\n\r\n");
            client.send("a".repeat(1000));

            assertEquals("a".repeat(1000), ProxyTestKit.text(firstHalf.get(10, TimeUnit.SECONDS)),
                    "the first half reached the upstream while the second was not yet sent");
            client.send("b".repeat(1000));
            assertEquals("b".repeat(1000), client.read().bodyText());
        }
    }

    @Test
    void responseReachesTheClientBeforeTheUpstreamHasSentItAll() throws Exception {
        CountDownLatch clientHasFirstHalf = new CountDownLatch(1);
        ScriptedUpstream server = scripted(peer -> {
            peer.readRequest();
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + "a".repeat(1000));
            if (clientHasFirstHalf.await(10, TimeUnit.SECONDS)) {
                peer.send("b".repeat(1000));
            }
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            client.send(ProxyTestKit.get("/proxy/stream"));
            assertEquals("2000", client.readHeadOnly().header("Content-Length"));
            assertEquals("a".repeat(1000), ProxyTestKit.text(client.in.readNBytes(1000)));
            clientHasFirstHalf.countDown();
            assertEquals("b".repeat(1000), ProxyTestKit.text(client.in.readNBytes(1000)));
        }
    }

    @Test
    void slowReaderHoldsBackTheUpstreamInsteadOfBeingBuffered() throws Exception {
        long declared = 1024 * MIB;
        AtomicLong written = new AtomicLong();
        ScriptedUpstream server = scripted(peer -> {
            peer.readRequest();
            peer.socket.setSendBufferSize(64 * 1024);
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: " + declared + "\r\n\r\n");
            byte[] buffer = new byte[64 * 1024];
            try (GeneratedBody body = new GeneratedBody(3, declared)) {
                for (int n; (n = body.read(buffer)) > 0; ) {
                    peer.out.write(buffer, 0, n);
                    written.addAndGet(n);
                }
            }
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy, 64 * 1024)) {
            client.send(ProxyTestKit.get("/proxy/endless"));
            assertEquals(200, client.readHeadOnly().status());

            long stalledAt = awaitStable(written, Duration.ofMillis(500), Duration.ofSeconds(20));
            // Only socket buffers (the kernel's, bounded by tcp_rmem and tcp_wmem) and the proxy's pool buffers
            // may hold what the client has not read; a proxy that queued the body would read all of it.
            assertTrue(stalledAt < 96 * MIB, "the upstream wrote " + stalledAt / MIB + " MiB to a client reading nothing");

            assertEquals(8 * MIB, client.in.readNBytes((int) (8 * MIB)).length, "the body flows again once the client reads");
            ProxyTestKit.await("the upstream writes again", Duration.ofSeconds(10), () -> written.get() > stalledAt);
        }
    }

    /** Waits until {@code counter} has not changed for {@code quiet}; returns its value then. */
    private static long awaitStable(AtomicLong counter, Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long value = counter.get();
        long since = System.nanoTime();
        while (System.nanoTime() - since < quiet.toNanos()) {
            assertTrue(System.nanoTime() - deadline < 0, "still moving after " + timeout.toMillis() + " ms: " + value);
            TimeUnit.MILLISECONDS.sleep(25);
            long now = counter.get();
            if (now != value) {
                value = now;
                since = System.nanoTime();
            }
        }
        return value;
    }

    // ---- Expect: 100-continue -------------------------------------------------------------------------------------

    @Test
    void expectContinueIsAnsweredByTheProxyAndNotForwarded() throws Exception {
        ScriptedUpstream server = scripted(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: " + request.body().length + "\r\n\r\n").send(request.body());
            }
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            client.send("POST /proxy/expect HTTP/1.1\r\nHost: devproxy.test\r\nContent-Length: 5\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            RawResponse interim = client.read();
            assertEquals("HTTP/1.1 100 Continue", interim.statusLine(), "sent before the body, which is held back");

            client.send(ascii("hello"));
            RawResponse response = client.read();
            assertEquals(200, response.status());
            assertEquals("hello", response.bodyText());
        }
        UpstreamRequest request = server.takeRequest();
        assertFalse(request.has("Expect"), request.rawHead());
        assertEquals("5", request.header("Content-Length"));
    }

    @Test
    void expectContinueWorksWithTheJdkClient() throws Exception {
        HttpUpstream server = http((request, exchange) -> HttpUpstream.sendText(exchange, 200, request.bodySha256()));
        proxyTo(server.upstream());
        byte[] body = ascii("x".repeat(100_000));

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/proxy/expect"))
                .timeout(Duration.ofSeconds(10)).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals(ProxyTestKit.sha256Hex(body), response.body());
        assertNull(server.take().header("Expect"));
    }
}
