package dev.devproxy.proxy;

import static dev.devproxy.proxy.ProxyTestKit.get;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.proxy.ProxyTestKit.Field;
import dev.devproxy.proxy.ProxyTestKit.GeneratedBody;
import dev.devproxy.proxy.ProxyTestKit.RawClient;
import dev.devproxy.proxy.ProxyTestKit.RawResponse;
import dev.devproxy.proxy.ProxyTestKit.ScriptedUpstream;
import dev.devproxy.proxy.ProxyTestKit.UpstreamRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A head and the body bytes that arrive with it leave the proxy in one write, in both directions; a head whose
 * body has not arrived yet leaves at once, alone. Requests are sent twice on one client connection: the first
 * goes over a fresh upstream connection, the second over the pooled one, where the request head is held back
 * until the client's bytes of that read have been parsed.
 */
@Timeout(30)
class ProxyHeadWithBodyTest {
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

    private void start(ProxyTestKit.Script script) throws IOException {
        upstream = ScriptedUpstream.start(script);
        proxy = DevProxy.builder().port(0).ioThreads(1).upstream(upstream.upstream()).build().start();
    }

    /** An upstream that answers every request with {@code response}, in one write. */
    private void startAnswering(byte[] response) throws IOException {
        start(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send(response);
            }
        });
    }

    // ---- Responses ----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 2, 16_000, 16_384, 200_000, 1 << 20})
    void contentLengthBodyThatCameWithItsHeadIsRelayedByteExact(int size) throws Exception {
        byte[] body = new GeneratedBody(size, size).readAllBytes();
        startAnswering(concat(ProxyTestKit.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"), body));

        try (RawClient client = RawClient.connect(proxy)) {
            for (int i = 0; i < 2; i++) {
                RawResponse response = client.exchange(get("/proxy/" + i));
                assertAll(
                        () -> assertEquals(200, response.status()),
                        () -> assertEquals(String.valueOf(size), response.header("Content-Length")),
                        () -> assertTrue(response.complete()),
                        () -> assertArrayEquals(body, response.body()));
            }
        }
        assertEquals(1, upstream.accepted());
    }

    @Test
    void chunkedBodyThatCameWithItsHeadKeepsEveryChunkAndTrailer() throws Exception {
        startAnswering(ProxyTestKit.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\n"));

        try (RawClient client = RawClient.connect(proxy)) {
            for (int i = 0; i < 2; i++) {
                RawResponse response = client.exchange(get("/proxy/" + i));
                assertAll(
                        () -> assertEquals("chunked", response.header("Transfer-Encoding")),
                        () -> assertTrue(response.complete()),
                        () -> assertEquals("hello, world", response.bodyText()),
                        () -> assertEquals("42", response.trailer("X-Sum")));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "HTTP/1.1 204 No Content\r\nX-Kind: none\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 10\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX-Kind: none\r\n\r\n",
    })
    void responseWithoutBodyIsTheHeadAloneAndTheNextOneFollowsInStep(String response) throws Exception {
        start(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send(request.target().equals("/next") ? "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext" : response);
            }
        });

        try (RawClient client = RawClient.connect(proxy)) {
            for (int i = 0; i < 2; i++) {
                RawResponse first = client.exchange(get("/proxy/first"));
                assertEquals(0, first.body().length);
                assertEquals("next", client.exchange(get("/proxy/next")).bodyText(), "in step after the bodiless response");
            }
        }
    }

    @Test
    void responseToHeadIsTheHeadAloneWithItsContentLength() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
        start(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send(request.method().equals("HEAD") ? head : head + "x".repeat(1234));
            }
        });

        try (RawClient client = RawClient.connect(proxy)) {
            for (int i = 0; i < 2; i++) {
                client.send("HEAD /proxy/" + i + " HTTP/1.1\r\nHost: devproxy.test\r\n\r\n");
                assertEquals("1234", client.readToHead().header("Content-Length"));
            }
            client.send(get("/proxy/last"));
            assertEquals(1234, client.read().body().length, "the HEAD responses left no body bytes behind");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length: 5", "Transfer-Encoding: chunked"})
    void responseHeadReachesTheClientBeforeItsBodyExists(String framing) throws Exception {
        CountDownLatch clientHasHead = new CountDownLatch(1);
        start(peer -> {
            peer.readRequest();
            peer.send("HTTP/1.1 200 OK\r\n" + framing + "\r\n\r\n");
            if (clientHasHead.await(10, TimeUnit.SECONDS)) {
                peer.send(framing.startsWith("Content-Length") ? "hello" : "5\r\nhello\r\n0\r\n\r\n");
            }
        });

        try (RawClient client = RawClient.connect(proxy)) {
            client.send(get("/proxy/slow-body"));
            assertEquals(200, client.readHeadOnly().status(), "the head came alone, before any body byte existed");
            clientHasHead.countDown();
            byte[] rest = framing.startsWith("Content-Length")
                    ? client.in.readNBytes(5) : client.in.readNBytes("5\r\nhello\r\n0\r\n\r\n".length());
            assertTrue(ProxyTestKit.text(rest).contains("hello"));
        }
    }

    // ---- Requests -----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 5, 16_000, 100_000})
    void contentLengthRequestSentWithItsHeadReachesTheUpstreamByteExact(int size) throws Exception {
        start(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        byte[] body = new GeneratedBody(size, size).readAllBytes();

        try (RawClient client = RawClient.connect(proxy)) {
            for (int i = 0; i < 2; i++) {
                String target = "/" + i;
                client.send(concat(ProxyTestKit.ascii("PUT /proxy" + target + " HTTP/1.1\r\nHost: devproxy.test\r\n"
                        + "Content-Length: " + size + "\r\n\r\n"), body));
                assertEquals("ok", client.read().bodyText());
                UpstreamRequest received = upstream.takeRequest();
                assertAll(
                        () -> assertEquals(target, received.target()),
                        () -> assertEquals(String.valueOf(size), received.header("Content-Length")),
                        () -> assertArrayEquals(body, received.body()));
            }
        }
        assertEquals(1, upstream.accepted(), "the second request went over the pooled connection");
    }

    @Test
    void chunkedRequestSentWithItsHeadReachesTheUpstreamWithItsTrailers() throws Exception {
        start(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send("HTTP/1.1 204 No Content\r\n\r\n");
            }
        });

        try (RawClient client = RawClient.connect(proxy)) {
            for (int i = 0; i < 2; i++) {
                client.send("POST /proxy/" + i + " HTTP/1.1\r\nHost: devproxy.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\n");
                assertEquals(204, client.read().status());
                UpstreamRequest received = upstream.takeRequest();
                assertAll(
                        () -> assertTrue(received.chunked()),
                        () -> assertEquals("hello world", ProxyTestKit.text(received.body())),
                        () -> assertEquals(List.of(new Field("X-Sum", "42")), received.trailers()));
            }
        }
        assertEquals(1, upstream.accepted());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length: 5", "Transfer-Encoding: chunked"})
    void requestHeadReachesAPooledUpstreamConnectionBeforeItsBodyIsSent(String framing) throws Exception {
        CompletableFuture<UpstreamRequest> secondHead = new CompletableFuture<>();
        start(peer -> {
            peer.readRequest();
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
            UpstreamRequest head = peer.readHead();
            secondHead.complete(head);
            byte[] body = framing.startsWith("Content-Length")
                    ? peer.in.readNBytes(5) : peer.in.readNBytes("5\r\nhello\r\n0\r\n\r\n".length());
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").send(body);
        });

        try (RawClient client = RawClient.connect(proxy)) {
            assertEquals("first", client.exchange(get("/proxy/first")).bodyText());
            client.send("POST /proxy/second HTTP/1.1\r\nHost: devproxy.test\r\n" + framing + "\r\n\r\n");

            UpstreamRequest head = secondHead.get(10, TimeUnit.SECONDS);
            assertEquals("/second", head.target(), "the head went ahead, alone, on the pooled connection");
            client.send(framing.startsWith("Content-Length") ? "hello" : "5\r\nhello\r\n0\r\n\r\n");
            assertTrue(client.read().bodyText().contains("hello"));
        }
        assertEquals(1, upstream.accepted());
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream(first.length + second.length);
        joined.writeBytes(first);
        joined.writeBytes(second);
        return joined.toByteArray();
    }
}
