package dev.devproxy;

import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Floods against one running proxy with its default limits: requests that never stop growing (header lines,
 * header sections, request lines, bodies, blank lines, garbage) and a connection flood ten times the cap. Each
 * flood gets its status or waits its turn; afterwards the proxy serves a normal request, and the connections,
 * pooled buffers, descriptors and threads are back where they were.
 *
 * <p>A flooding client writes without end on a thread of its own and reads the answer on the test's thread:
 * the proxy must answer while the bytes still pour in, not after the client stops. After an error it reads
 * and throws away at most 1 MiB (or 2 s) of what follows, then closes; the flood's write fails there.
 */
@Timeout(60)
class FloodTest {
    private static final String HEAD = "GET /flood HTTP/1.1\r\nHost: flood.test\r\n";
    /** What a flooding client may send before the proxy has answered and closed: the linger's 1 MiB, and buffers. */
    private static final long MOST_BYTES_ACCEPTED = 16L << 20;

    private static DevProxy proxy;
    private static ResourceBaseline baseline;

    @BeforeAll
    static void start() {
        proxy = proxy().ioThreads(2).build().start();
        assertServesNormally(); // warm up: classes loaded and buffers allocated before the baseline
        baseline = ResourceBaseline.take();
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    /** An endless request: {@code head} once, then {@code unit} again and again. */
    record Flood(String name, String head, byte[] unit, int status, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Flood flood(String name, String head, String unit, int status, String reason) {
        return new Flood(name, head, unit.getBytes(StandardCharsets.ISO_8859_1), status, reason);
    }

    static Stream<Flood> floods() {
        byte[] garbage = new byte[4096];
        new SplittableRandom(7).nextBytes(garbage);
        return Stream.of(
                flood("header fields without end", HEAD, "X-Flood: x\r\n", 431,
                        "MAX_HEADERS: the 101st field line fails, whatever its size"),
                flood("one header line without end", HEAD + "X-Long: ", "a".repeat(1024), 431,
                        "MAX_HEADER_SIZE: the 8,193rd byte of a line fails it, before any CRLF"),
                flood("a header section over 64 KiB", HEAD, "X-Pad: " + "p".repeat(2000) + "\r\n", 431,
                        "MAX_TOTAL_HEADERS: 33 lines of 2 KB pass every other limit, not this one"),
                flood("a request line without end", "GET /", "a".repeat(1024), 414,
                        "MAX_REQUEST_LINE: the 4,097th byte fails, before any CRLF"),
                flood("empty lines without end", "", "\r\n", 414,
                        "RFC 9112 §2.2 lets empty lines precede a request; they count toward MAX_REQUEST_LINE"),
                flood("a Content-Length over the limit", "POST /flood HTTP/1.1\r\nHost: flood.test\r\n"
                                + "Content-Length: 10000001\r\n\r\n", "b".repeat(1024), 413,
                        "MAX_BODY_SIZE: refused at the head, before a byte of the body is read"),
                flood("a chunked body over the limit", "POST /flood HTTP/1.1\r\nHost: flood.test\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n", "ffff\r\n" + "c".repeat(0xffff) + "\r\n", 413,
                        "MAX_BODY_SIZE: the chunk line that takes the sum of sizes past 10,000,000 fails"),
                new Flood("random bytes", "", garbage, 400, "not a request line"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("floods")
    void floodIsAnsweredWithItsStatusAndTheProxyServesNormallyAfterwards(Flood flood) throws Exception {
        try (RawClient client = RawClient.connect(proxy)) {
            client.send(flood.head());
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        client.send(flood.unit());
                    }
                } catch (UncheckedIOException closedByTheProxy) {
                    // The proxy closed after its answer and the linger: the flood is over.
                }
            }, "flood-writer");
            writer.start();
            try {
                RawClient.RawResponse response = client.readResponse(Duration.ofSeconds(20));
                assertEquals(flood.status(), response.status(), flood::reason);
                assertEquals("close", response.header("Connection"));
                client.awaitConnectionEnd(Duration.ofSeconds(10));
            } finally {
                stop.set(true);
                writer.join(10_000);
            }
            assertTrue(client.bytesSent() < MOST_BYTES_ACCEPTED, "the proxy took " + client.bytesSent() + " bytes");
        }
        assertServesNormally();
        baseline.assertRestored(proxy, Duration.ofSeconds(10));
    }

    /**
     * Ten times the cap, all at once, each connection sending a request: the cap holds (never more open than
     * it allows), the rest wait in the accept backlog or retry their SYN as the kernel does, and every one is
     * answered 200. Scaled to 2,000 against a cap of 200, so that client and server ends (4,200 descriptors)
     * fit one JVM and the proxy's own count of open connections can be watched; {@link TenThousandConnectionsTest}
     * runs 10,000 against the default cap of 1,000 in a proxy of its own process.
     */
    @Test
    void tenTimesTheCapInConnectionsAreEachAnsweredAndTheCapHolds() throws Exception {
        try (DevProxy capped = proxy().maxConnections(200).ioThreads(2).build().start()) {
            AtomicInteger mostOpen = new AtomicInteger();
            AtomicBoolean flooding = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (flooding.get()) {
                    mostOpen.accumulateAndGet(capped.openConnections(), Math::max);
                    LockSupport.parkNanos(1_000_000);
                }
            }, "open-connections-sampler");
            sampler.setDaemon(true);
            sampler.start();
            ConnectionFlood.Result result;
            try {
                result = ConnectionFlood.run(capped.address(), 2_000, 2_000, Duration.ofSeconds(45));
            } finally {
                flooding.set(false);
                sampler.join(5_000);
            }
            System.out.println("connection flood, cap 200: " + result + "; most open at once " + mostOpen.get());

            ConnectionFlood.Result answered = result;
            assertAll(
                    () -> assertEquals(2_000, answered.answered(200), answered::toString),
                    () -> assertEquals(0, answered.failures(), answered::toString),
                    () -> assertTrue(mostOpen.get() <= 200, "open connections reached " + mostOpen.get()));
            try (RawClient client = RawClient.connect(capped)) {
                client.send("GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
                assertEquals(200, client.readResponse().status());
            }
            TestSupport.awaitNoOpenConnections(capped);
            TestSupport.awaitNoBuffersInUse(capped);
        }
        baseline.assertRestored(proxy, Duration.ofSeconds(10));
    }

    private static void assertServesNormally() {
        try (RawClient client = RawClient.connect(proxy)) {
            client.send("GET /normal HTTP/1.1\r\nHost: h\r\n\r\n");
            RawClient.RawResponse response = client.readResponse();
            assertEquals(200, response.status(), response::toString);
            assertTrue(response.bodyText().contains("\"target\":\"/normal\""), response::bodyText);
        }
    }
}
