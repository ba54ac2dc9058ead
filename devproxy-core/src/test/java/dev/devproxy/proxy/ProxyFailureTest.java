package dev.devproxy.proxy;

import static dev.devproxy.proxy.ProxyTestKit.LOOPBACK;
import static dev.devproxy.proxy.ProxyTestKit.assertErrorResponse;
import static dev.devproxy.proxy.ProxyTestKit.errorCount;
import static dev.devproxy.proxy.ProxyTestKit.get;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.ErrorKind;
import dev.devproxy.ProxyProbe;
import dev.devproxy.Route;
import dev.devproxy.Upstream;
import dev.devproxy.proxy.ProxyTestKit.Framing;
import dev.devproxy.proxy.ProxyTestKit.RawClient;
import dev.devproxy.proxy.ProxyTestKit.RawResponse;
import dev.devproxy.proxy.ProxyTestKit.Script;
import dev.devproxy.proxy.ProxyTestKit.ScriptedUpstream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way an upstream can fail, each with its status (or, once the head is out, a closed client connection)
 * and its error kind in the metrics; after each, the next request is served. All tests share one proxy, so the
 * last one can check that the failures left no connection, buffer or descriptor behind.
 *
 * <p>The router sends {@code /healthy/...} to an upstream that always answers, {@code /metrics} to the
 * metrics, and everything else, target unchanged, to the upstream the running test put in {@link #target}.
 */
@Timeout(30)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyFailureTest {
    /**
     * Short, so the timeout tests are quick, but not so short that a loaded machine trips it where no timeout
     * is meant: the clock also runs while a client is still sending its body.
     */
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(1);
    private static final AtomicReference<Upstream> target = new AtomicReference<>();

    private static ScriptedUpstream healthy;
    private static DevProxy proxy;
    private static int descriptorsAtStart;
    private static int threadsAtStart;

    /** The misbehaving upstream of the running test. */
    private ScriptedUpstream failing;

    @BeforeAll
    static void startProxy() throws IOException {
        healthy = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        Upstream healthyUpstream = healthy.upstream();
        proxy = DevProxy.builder().port(0)
                .upstreamTimeout(UPSTREAM_TIMEOUT)
                .upstreamConnectTimeout(UPSTREAM_TIMEOUT)
                .router(request -> {
                    if (request.path().equals("/metrics")) {
                        return Route.metrics();
                    }
                    if (request.target().startsWith("/healthy/")) {
                        return Route.forward(healthyUpstream, request.target().substring("/healthy".length()));
                    }
                    return Route.forward(target.get(), request.target());
                })
                .build().start();
        descriptorsAtStart = ProxyTestKit.openFileDescriptors();
        threadsAtStart = ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
        if (healthy != null) {
            healthy.close();
        }
    }

    @AfterEach
    void closeFailingUpstream() {
        if (failing != null) {
            failing.close();
        }
    }

    private void failWith(Script script) throws IOException {
        failing = ScriptedUpstream.start(script);
        target.set(failing.upstream());
    }

    /** After a failure, a new connection is served normally. */
    private static void assertNextRequestIsServed() throws IOException {
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(get("/healthy/next"));
            assertEquals(200, response.status(), response.statusLine());
            assertEquals("ok", response.bodyText());
        }
    }

    /** Sends a GET to the current target and checks the proxy answers {@code status} in DevProxy's plain-text error format. */
    private static void assertAnsweredWithError(int status, String body) throws IOException {
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(get("/failing"));
            assertErrorResponse(client, response, status, body);
        }
    }

    // ---- Before the response head: 502 and 504 -------------------------------------------------------------------

    @Test
    void refusedConnectionIsAnswered502AndCountedAsUpstreamConnect() throws Exception {
        target.set(Upstream.of("127.0.0.1", ProxyTestKit.closedPort()));
        long before = errorCount(proxy, ErrorKind.UPSTREAM_CONNECT);

        assertAnsweredWithError(502, "BAD GATEWAY");

        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_CONNECT));
        assertNextRequestIsServed();
    }

    @Test
    void unresolvableHostIsAnswered502AndCountedAsUpstreamConnect() throws Exception {
        target.set(Upstream.of("no-such-host.invalid", 80));
        long before = errorCount(proxy, ErrorKind.UPSTREAM_CONNECT);

        assertAnsweredWithError(502, "BAD GATEWAY");

        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_CONNECT));
        assertNextRequestIsServed();
    }

    @ParameterizedTest(name = "upstream sends {0}")
    @ValueSource(strings = {"nothing", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"})
    void upstreamWithoutAWholeHeadInTimeIsAnswered504AndCountedAsUpstreamTimeout(String partial) throws Exception {
        CompletableFuture<Boolean> closedByProxy = new CompletableFuture<>();
        failWith(peer -> {
            peer.readRequest();
            if (!partial.equals("nothing")) {
                peer.send(partial);
            }
            closedByProxy.complete(peer.awaitClosedByProxy());
        });
        long before = errorCount(proxy, ErrorKind.UPSTREAM_TIMEOUT);

        long start = System.nanoTime();
        assertAnsweredWithError(504, "GATEWAY TIMEOUT");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertAll(
                () -> assertTrue(elapsedMillis >= UPSTREAM_TIMEOUT.toMillis() - 50, "answered after " + elapsedMillis + " ms"),
                () -> assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_TIMEOUT)),
                () -> assertTrue(closedByProxy.get(10, TimeUnit.SECONDS), "the proxy gave up on the upstream connection"));
        assertNextRequestIsServed();
    }

    /**
     * A listener whose accept queue is full drops new SYNs (Linux), so a connect to it neither succeeds nor
     * fails: the one loopback way to make a connect time out. Skipped where the queue does not fill.
     */
    @Test
    void upstreamThatNeverAcceptsIsAnswered504AfterTheConnectTimeout() throws Exception {
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, LOOPBACK)) {
            List<Socket> queued = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 16 && !full; i++) {
                    Socket probe = new Socket();
                    try {
                        probe.connect(neverAccepts.getLocalSocketAddress(), 200);
                        queued.add(probe);
                    } catch (SocketTimeoutException e) {
                        probe.close();
                        full = true;
                    }
                }
                assumeTrue(full, "the accept queue did not fill, so a connect cannot be made to time out here");
                target.set(Upstream.of("127.0.0.1", neverAccepts.getLocalPort()));
                long before = errorCount(proxy, ErrorKind.UPSTREAM_TIMEOUT);

                assertAnsweredWithError(504, "GATEWAY TIMEOUT");

                assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_TIMEOUT));
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
        assertNextRequestIsServed();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "garbage\r\n\r\n",
        "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: value\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
    })
    void invalidResponseIsAnswered502AndCountedAsUpstreamProtocol(String response) throws Exception {
        // The upstream stays connected after its answer, so the proxy reacts to the syntax, not to a close.
        failWith(peer -> {
            peer.readRequest();
            peer.send(response);
            peer.awaitClosedByProxy();
        });
        long before = errorCount(proxy, ErrorKind.UPSTREAM_PROTOCOL);

        assertAnsweredWithError(502, "BAD GATEWAY");

        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_PROTOCOL));
        assertNextRequestIsServed();
    }

    static Stream<Arguments> responseHeadsOverTheLimits() {
        String ok = "HTTP/1.1 200 OK\r\n";
        return Stream.of(
                Arguments.of("a status line over 4 KiB", "HTTP/1.1 200 " + "r".repeat(5_000) + "\r\n\r\n"),
                Arguments.of("a header line over 8 KiB", ok + "X-Long: " + "v".repeat(9_000) + "\r\n\r\n"),
                Arguments.of("101 header fields", ok + "X-Many: v\r\n".repeat(101) + "Content-Length: 0\r\n\r\n"),
                Arguments.of("a header section over 64 KiB", ok + ("X-Pad: " + "p".repeat(2_000) + "\r\n").repeat(34)
                        + "Content-Length: 0\r\n\r\n"),
                Arguments.of("header lines without end", null));
    }

    /**
     * The response parser has the request parser's head limits: an upstream cannot make the proxy buffer a head
     * without bound. The 502 comes as soon as a limit is crossed, even while the upstream is still sending.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("responseHeadsOverTheLimits")
    void responseHeadOverTheLimitsIsAnswered502AndTheNextRequestIsServed(String name, String head) throws Exception {
        failWith(peer -> {
            peer.readRequest();
            try {
                if (head != null) {
                    peer.send(head);
                } else {
                    peer.send("HTTP/1.1 200 OK\r\n");
                    for (int i = 0; i < 1_000_000; i++) {
                        peer.send("X-Endless-" + i + ": v\r\n");
                    }
                }
                peer.awaitClosedByProxy();
            } catch (SocketException closedByTheProxy) {
                // The proxy gave up on the head and closed while the upstream was still writing: expected.
            }
        });
        long before = errorCount(proxy, ErrorKind.UPSTREAM_PROTOCOL);

        assertAnsweredWithError(502, "BAD GATEWAY");

        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_PROTOCOL));
        assertNextRequestIsServed();
    }

    @ParameterizedTest(name = "reset: {0}")
    @ValueSource(booleans = {false, true})
    void upstreamClosingBeforeAnsweringIsAnswered502AndCountedAsUpstreamAbort(boolean reset) throws Exception {
        failWith(peer -> {
            peer.readRequest();
            if (reset) {
                peer.reset();
            }
        });
        long before = errorCount(proxy, ErrorKind.UPSTREAM_ABORT);

        assertAnsweredWithError(502, "BAD GATEWAY");

        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_ABORT));
        assertNextRequestIsServed();
    }

    // ---- After the response head: the client connection is closed -------------------------------------------------

    @Test
    void upstreamResetMidBodyLeavesTheClientShortOfContentLengthAndClosed() throws Exception {
        CountDownLatch clientHasPart = new CountDownLatch(1);
        failWith(peer -> {
            peer.readRequest();
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
            if (clientHasPart.await(10, TimeUnit.SECONDS)) {
                peer.reset();
            }
        });
        long before = errorCount(proxy, ErrorKind.UPSTREAM_ABORT);

        try (RawClient client = RawClient.connect(proxy)) {
            client.send(get("/failing"));
            RawResponse head = client.readHeadOnly();
            assertEquals(200, head.status());
            assertEquals("100000", head.header("Content-Length"));
            assertEquals(1000, client.in.readNBytes(1000).length);
            clientHasPart.countDown();

            assertEquals(0, client.drainUntilClosed(), "closed, 99000 bytes short: the truncation is visible");
        }
        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_ABORT));
        assertNextRequestIsServed();
    }

    @Test
    void upstreamClosingMidChunkedBodyLeavesTheClientWithoutTheLastChunk() throws Exception {
        failWith(peer -> {
            peer.readRequest();
            peer.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        });
        long before = errorCount(proxy, ErrorKind.UPSTREAM_ABORT);

        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(get("/failing"));

            assertAll(
                    () -> assertEquals(Framing.CHUNKED, response.framing()),
                    () -> assertFalse(response.complete(), "no last chunk: the client can tell the body is cut"),
                    () -> assertEquals("hello", response.bodyText()));
        }
        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_ABORT));
        assertNextRequestIsServed();
    }

    @Test
    void upstreamClosingMidContentLengthBodyLeavesTheClientShortAndClosed() throws Exception {
        failWith(peer -> {
            peer.readRequest();
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
        });
        long before = errorCount(proxy, ErrorKind.UPSTREAM_ABORT);

        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(get("/failing"));

            assertFalse(response.complete(), "5 of 10 bytes, then the close");
            assertEquals("hello", response.bodyText());
        }
        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_ABORT));
        assertNextRequestIsServed();
    }

    @Test
    void upstreamStallingMidBodyClosesTheClientConnectionAfterTheUpstreamTimeout() throws Exception {
        CompletableFuture<Boolean> closedByProxy = new CompletableFuture<>();
        failWith(peer -> {
            peer.readRequest();
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
            closedByProxy.complete(peer.awaitClosedByProxy());
        });
        long before = errorCount(proxy, ErrorKind.UPSTREAM_TIMEOUT);

        try (RawClient client = RawClient.connect(proxy)) {
            client.send(get("/failing"));
            assertEquals(200, client.readHeadOnly().status());
            assertEquals(1000, client.in.readNBytes(1000).length);
            long start = System.nanoTime();

            assertEquals(0, client.drainUntilClosed());
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMillis >= UPSTREAM_TIMEOUT.toMillis() / 2, "closed after " + elapsedMillis + " ms");
        }
        assertTrue(closedByProxy.get(10, TimeUnit.SECONDS));
        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_TIMEOUT));
        assertNextRequestIsServed();
    }

    @Test
    void invalidChunkAfterTheHeadClosesTheClientConnection() throws Exception {
        failWith(peer -> {
            peer.readRequest();
            peer.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n");
            peer.awaitClosedByProxy();
        });
        long before = errorCount(proxy, ErrorKind.UPSTREAM_PROTOCOL);

        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(get("/failing"));

            assertFalse(response.complete());
            assertEquals("hello", response.bodyText());
        }
        assertEquals(before + 1, errorCount(proxy, ErrorKind.UPSTREAM_PROTOCOL));
        assertNextRequestIsServed();
    }

    // ---- The client goes away ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "reset: {0}")
    @ValueSource(booleans = {false, true})
    void clientDisconnectingMidRequestClosesTheUpstreamConnection(boolean reset) throws Exception {
        CompletableFuture<byte[]> partReceived = new CompletableFuture<>();
        CompletableFuture<Boolean> closedByProxy = new CompletableFuture<>();
        failWith(peer -> {
            peer.readHead();
            partReceived.complete(peer.in.readNBytes(100));
            closedByProxy.complete(peer.awaitClosedByProxy());
        });
        long before = errorCount(proxy, ErrorKind.CLIENT_ABORT);

        RawClient client = RawClient.connect(proxy);
        try {
            client.send("POST /failing HTTP/1.1\r\nHost: devproxy.test\r\nContent-Length: 1000\r\n\r\n" + "p".repeat(100));
            assertEquals(100, partReceived.get(10, TimeUnit.SECONDS).length, "the request is under way upstream");
        } finally {
            if (reset) {
                client.reset();
            } else {
                client.close();
            }
        }

        assertTrue(closedByProxy.get(10, TimeUnit.SECONDS), "the proxy closed the upstream connection");
        ProxyTestKit.await("a client abort is counted", Duration.ofSeconds(5),
                () -> errorCount(proxy, ErrorKind.CLIENT_ABORT) == before + 1);
        assertNextRequestIsServed();
    }

    @ParameterizedTest(name = "reset: {0}")
    @ValueSource(booleans = {false, true})
    void clientDisconnectingMidResponseClosesTheUpstreamConnection(boolean reset) throws Exception {
        CompletableFuture<Boolean> closedByProxy = new CompletableFuture<>();
        failWith(peer -> {
            peer.readRequest();
            closedByProxy.complete(ProxyTestKit.streamUntilClosedByProxy(peer, 1L << 30));
        });
        long before = errorCount(proxy, ErrorKind.CLIENT_ABORT);

        RawClient client = RawClient.connect(proxy);
        try {
            client.send(get("/failing"));
            assertEquals(200, client.readHeadOnly().status());
            assertEquals(100_000, client.in.readNBytes(100_000).length);
        } finally {
            if (reset) {
                client.reset();
            } else {
                client.close();
            }
        }

        assertTrue(closedByProxy.get(10, TimeUnit.SECONDS), "the proxy closed the upstream connection");
        ProxyTestKit.await("a client abort is counted", Duration.ofSeconds(5),
                () -> errorCount(proxy, ErrorKind.CLIENT_ABORT) == before + 1);
        assertNextRequestIsServed();
    }

    // ---- Metrics and leaks ---------------------------------------------------------------------------------------

    @Test
    void metricsEndpointCountsErrorsByKind() throws Exception {
        target.set(Upstream.of("127.0.0.1", ProxyTestKit.closedPort()));
        assertAnsweredWithError(502, "BAD GATEWAY");
        long expected = errorCount(proxy, ErrorKind.UPSTREAM_CONNECT);

        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse metrics = client.exchange(get("/metrics"));

            assertEquals(200, metrics.status());
            assertEquals(expected, errorCount(metrics.bodyText(), ErrorKind.UPSTREAM_CONNECT));
            assertTrue(expected >= 1);
        }
        assertTrue(proxy.metrics().errorsTotal() >= expected, "the snapshot's total includes every kind");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noConnectionBufferDescriptorOrThreadOutlivesTheFailures() {
        // Closing the healthy upstream retires the proxy's pooled connections to it too.
        healthy.close();

        ProxyTestKit.await("no client connection is open", Duration.ofSeconds(10), () -> proxy.openConnections() == 0);
        ProxyTestKit.await("every pool buffer is released", Duration.ofSeconds(10),
                () -> ProxyProbe.pooledBuffersInUse(proxy) == 0);
        if (descriptorsAtStart >= 0) {
            ProxyTestKit.await("open descriptors are back near " + descriptorsAtStart, Duration.ofSeconds(10),
                    () -> ProxyTestKit.openFileDescriptors() <= descriptorsAtStart + 8);
        }
        // Each failing upstream's threads stopped with it; the proxy's loops are the ones it started with.
        ProxyTestKit.await("live threads are back near " + threadsAtStart, Duration.ofSeconds(10),
                () -> ManagementFactory.getThreadMXBean().getThreadCount() <= threadsAtStart + 4);
    }
}
