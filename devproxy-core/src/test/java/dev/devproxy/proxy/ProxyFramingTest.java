package dev.devproxy.proxy;

import static dev.devproxy.proxy.ProxyTestKit.ascii;
import static dev.devproxy.proxy.ProxyTestKit.get;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.proxy.ProxyTestKit.Framing;
import dev.devproxy.proxy.ProxyTestKit.GeneratedBody;
import dev.devproxy.proxy.ProxyTestKit.Legs;
import dev.devproxy.proxy.ProxyTestKit.RawClient;
import dev.devproxy.proxy.ProxyTestKit.RawResponse;
import dev.devproxy.proxy.ProxyTestKit.Script;
import dev.devproxy.proxy.ProxyTestKit.ScriptedUpstream;
import dev.devproxy.proxy.ProxyTestKit.UpstreamRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Response framing across the proxy (RFC 9112 section 6.3): bodiless responses stay bodiless, chunked stays
 * well-framed with its trailers, a close-delimited body is re-chunked for HTTP/1.1 clients and delimited by the
 * close for HTTP/1.0 ones, which never see chunked. After each response the client connection must be exactly
 * in step, so most tests send a second request on it.
 */
@Timeout(30)
class ProxyFramingTest {
    private static final String AFTER = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter";

    private ScriptedUpstream upstream;
    private DevProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** The transport of both legs; {@link ProxyFramingOverTlsTest} runs every case over TLS. */
    Legs legs() {
        return Legs.PLAIN;
    }

    private RawClient connect() throws IOException {
        return legs().connect(proxy);
    }

    private void start(Script script) throws IOException {
        upstream = legs().upstream(script);
        proxy = legs().proxy().upstream(upstream.upstream()).build().start();
    }

    /** An upstream that answers {@code /first} with {@code first} and anything else with {@link #AFTER}. */
    private void startAnsweringFirstWith(String first) throws IOException {
        start(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send(request.target().equals("/first") ? first : AFTER);
            }
        });
    }

    private static void assertInStep(RawClient client) throws IOException {
        RawResponse after = client.exchange(get("/proxy/after"));
        assertEquals("after", after.bodyText(), "the next response on the connection is intact");
    }

    // ---- Responses without a body ---------------------------------------------------------------------------------

    @Test
    void headResponseKeepsItsContentLengthAndHasNoBody() throws Exception {
        startAnsweringFirstWith("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1234\r\n\r\n");

        try (RawClient client = connect()) {
            client.send("HEAD /proxy/first HTTP/1.1\r\nHost: devproxy.test\r\n\r\n");
            RawResponse response = client.readToHead();

            assertAll(
                    () -> assertEquals(200, response.status()),
                    () -> assertEquals("1234", response.header("Content-Length")),
                    () -> assertNull(response.header("Transfer-Encoding")));
            assertInStep(client);
        }
        assertEquals("HEAD", upstream.takeRequest().method());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "HTTP/1.1 204 No Content\r\nX-Deleted: yes\r\n\r\n",
        "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n",
    })
    void noContentAndNotModifiedHaveNoBody(String bodiless) throws Exception {
        startAnsweringFirstWith(bodiless);

        try (RawClient client = connect()) {
            RawResponse response = client.exchange(get("/proxy/first"));

            assertEquals(bodiless.substring(0, bodiless.indexOf('\r')), response.statusLine());
            assertNull(response.header("Transfer-Encoding"), "no chunked framing on a response that has no body");
            assertInStep(client);
        }
    }

    @Test
    void notModifiedKeepsTheContentLengthOfTheRepresentation() throws Exception {
        startAnsweringFirstWith("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 1234\r\n\r\n");

        try (RawClient client = connect()) {
            RawResponse response = client.exchange(get("/proxy/first"));

            assertEquals(304, response.status());
            assertEquals("1234", response.header("Content-Length"));
            assertEquals("\"v1\"", response.header("ETag"));
            assertInStep(client);
        }
    }

    @Test
    void a100IsDroppedOtherInterimResponsesRelayedAndTheFinalOneFollows() throws Exception {
        startAnsweringFirstWith("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");

        try (RawClient client = connect()) {
            // RFC 9110 section 15.2: 1xx responses are forwarded to HTTP/1.1 clients; a 100 is the proxy's own
            // to send, since it answers Expect itself.
            RawResponse hints = client.exchange(get("/proxy/first"));
            assertEquals(103, hints.status());
            RawResponse response = client.read();

            assertEquals(200, response.status());
            assertEquals("final", response.bodyText());
            assertInStep(client);
        }
    }

    // ---- Chunked ------------------------------------------------------------------------------------------------

    private static final String CHUNKED_WITH_TRAILERS = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
            + "Trailer: X-Checksum\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Checksum: 42\r\nX-Other: b\r\n\r\n";

    @Test
    void chunkedResponseStaysWellFramedWithItsTrailers() throws Exception {
        startAnsweringFirstWith(CHUNKED_WITH_TRAILERS);

        try (RawClient client = connect()) {
            RawResponse response = client.exchange(get("/proxy/first"));

            assertAll(
                    () -> assertEquals(Framing.CHUNKED, response.framing()),
                    () -> assertTrue(response.complete()),
                    () -> assertNull(response.header("Content-Length")),
                    () -> assertEquals("hello world", response.bodyText()),
                    () -> assertEquals("42", response.trailer("X-Checksum")),
                    () -> assertEquals("b", response.trailer("X-Other")));
            assertInStep(client);
        }
    }

    @Test
    void chunkedResponseArrivingOneByteAtATimeStaysWellFramed() throws Exception {
        start(peer -> {
            peer.socket.setTcpNoDelay(true);
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                if (!request.target().equals("/first")) {
                    peer.send(AFTER);
                    continue;
                }
                for (byte b : ascii(CHUNKED_WITH_TRAILERS)) {
                    peer.send(new byte[] {b});
                }
            }
        });

        try (RawClient client = connect()) {
            RawResponse response = client.exchange(get("/proxy/first"));

            assertEquals("hello world", response.bodyText());
            assertEquals("42", response.trailer("X-Checksum"));
            assertInStep(client);
        }
    }

    @Test
    void largeChunkedResponseWithOddChunkSizesIsRelayedByteExact() throws Exception {
        byte[] body = new GeneratedBody(11, 5 << 20).readAllBytes();
        start(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                if (!request.target().equals("/first")) {
                    peer.send(AFTER);
                    continue;
                }
                peer.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                SplittableRandom sizes = new SplittableRandom(5);
                for (int offset = 0; offset < body.length; ) {
                    int size = Math.min(body.length - offset, 1 + sizes.nextInt(70_000));
                    ByteArrayOutputStream chunk = new ByteArrayOutputStream(size + 16);
                    chunk.write(ascii(Integer.toHexString(size) + "\r\n"));
                    chunk.write(body, offset, size);
                    chunk.write(ascii("\r\n"));
                    peer.send(chunk.toByteArray());
                    offset += size;
                }
                peer.send("0\r\n\r\n");
            }
        });

        try (RawClient client = connect()) {
            RawResponse response = client.exchange(get("/proxy/first"));

            assertTrue(response.complete());
            assertEquals(ProxyTestKit.sha256Hex(body), ProxyTestKit.sha256Hex(response.body()));
            assertInStep(client);
        }
    }

    // ---- Close-delimited ----------------------------------------------------------------------------------------

    /** Answers {@code /first} with {@code head} and {@code body}, then closes; other requests with {@link #AFTER}. */
    private void startClosingAfter(String head, byte[] body) throws IOException {
        start(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                if (request.target().equals("/first")) {
                    peer.send(head).send(body);
                    return; // the close ends the body
                }
                peer.send(AFTER);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n", "HTTP/1.0 200 OK\r\n\r\n"})
    void closeDelimitedResponseIsRechunkedForAnHttp11Client(String head) throws Exception {
        byte[] body = new GeneratedBody(12, 300_000).readAllBytes();
        startClosingAfter(head, body);

        try (RawClient client = connect()) {
            RawResponse response = client.exchange(get("/proxy/first"));

            assertAll(
                    () -> assertEquals(Framing.CHUNKED, response.framing()),
                    () -> assertTrue(response.complete(), "ends with the last chunk"),
                    () -> assertNull(response.header("Connection"), "re-framed, the client connection can stay open"),
                    () -> assertArrayEquals(body, response.body()));
            assertInStep(client);
        }
    }

    @Test
    void closeDelimitedResponseReachesAnHttp10ClientByClosing() throws Exception {
        byte[] body = new GeneratedBody(13, 300_000).readAllBytes();
        startClosingAfter("HTTP/1.1 200 OK\r\n\r\n", body);

        try (RawClient client = connect()) {
            RawResponse response = client.exchange("GET /proxy/first HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

            assertAll(
                    () -> assertEquals(Framing.CLOSE, response.framing()),
                    () -> assertNull(response.header("Content-Length")),
                    () -> assertNull(response.header("Transfer-Encoding")),
                    () -> assertEquals("close", response.header("Connection")),
                    () -> assertArrayEquals(body, response.body()));
        }
    }

    @ParameterizedTest(name = "Connection: {0}")
    @ValueSource(strings = {"keep-alive", "close"})
    void chunkedResponseReachesAnHttp10ClientUnchunkedAndDelimitedByTheClose(String connection) throws Exception {
        startAnsweringFirstWith(CHUNKED_WITH_TRAILERS);

        try (RawClient client = connect()) {
            RawResponse response = client.exchange("GET /proxy/first HTTP/1.0\r\nConnection: " + connection + "\r\n\r\n");

            assertAll(
                    () -> assertEquals(Framing.CLOSE, response.framing(), "an HTTP/1.0 client never gets chunked"),
                    () -> assertNull(response.header("Transfer-Encoding")),
                    () -> assertEquals("close", response.header("Connection")),
                    () -> assertEquals("hello world", response.bodyText()));
        }
    }

    @Test
    void contentLengthResponseKeepsAnHttp10KeepAliveClientOpen() throws Exception {
        startAnsweringFirstWith("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");

        try (RawClient client = connect()) {
            RawResponse response = client.exchange("GET /proxy/first HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

            assertEquals("keep-alive", response.header("Connection"));
            assertEquals("5", response.header("Content-Length"));
            assertEquals("first", response.bodyText());
            RawResponse after = client.exchange("GET /proxy/after HTTP/1.0\r\n\r\n");
            assertEquals("after", after.bodyText());
            assertEquals("close", after.header("Connection"), "without keep-alive the HTTP/1.0 connection ends");
            assertEquals(0, client.drainUntilClosed());
        }
    }

    @Test
    void http10ClientWithoutKeepAliveIsClosedAfterAContentLengthResponse() throws Exception {
        startAnsweringFirstWith("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");

        try (RawClient client = connect()) {
            RawResponse response = client.exchange("GET /proxy/first HTTP/1.0\r\n\r\n");

            assertEquals("first", response.bodyText());
            assertFalse(response.has("Transfer-Encoding"));
            assertEquals(0, client.drainUntilClosed());
        }
    }
}
