package dev.devproxy;

import static dev.devproxy.TestSupport.assertErrorResponse;
import static dev.devproxy.TestSupport.await;
import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request timeouts (request line, headers, body: 408 and close), the quiet close of a silent connection,
 * and the write timeout. Each test shortens the timeout under test to a few hundred milliseconds and leaves
 * the others long, so the 408 can only come from the stage under test.
 */
@Timeout(20)
class TimeoutTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void partialRequestLineIsAnswered408() {
        try (DevProxy proxy = proxy().requestLineTimeout(SHORT).headerTimeout(LONG).bodyTimeout(LONG).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send("GET /");

            assertErrorResponse(client.readResponse(), 408, "Request Timeout");
            client.assertClosedByServer();
            assertEquals(1, proxy.server().metrics().errors(ErrorKind.REQUEST_TIMEOUT));
        }
    }

    @Test
    void unfinishedHeaderSectionIsAnswered408() {
        try (DevProxy proxy = proxy().requestLineTimeout(LONG).headerTimeout(SHORT).bodyTimeout(LONG).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send("GET / HTTP/1.1\r\nHost: h\r\nX-Half: ");

            assertErrorResponse(client.readResponse(), 408, "Request Timeout");
            client.assertClosedByServer();
            assertEquals(1, proxy.server().metrics().errors(ErrorKind.REQUEST_TIMEOUT));
        }
    }

    @Test
    void unfinishedBodyIsAnswered408() {
        try (DevProxy proxy = proxy().requestLineTimeout(LONG).headerTimeout(LONG).bodyTimeout(SHORT).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");

            assertErrorResponse(client.readResponse(), 408, "Request Timeout");
            client.assertClosedByServer();
            assertEquals(1, proxy.server().metrics().errors(ErrorKind.REQUEST_TIMEOUT));
        }
    }

    @Test
    void headerTimeoutCountsFromTheStartOfTheStageNotFromTheLastByte() {
        Duration headerTimeout = Duration.ofMillis(500);
        try (DevProxy proxy = proxy().requestLineTimeout(LONG).headerTimeout(headerTimeout).bodyTimeout(LONG).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send("GET / HTTP/1.1\r\nHost: h\r\n");
            long stageStart = System.nanoTime();

            // A slow-loris client: one header byte every 50 ms, never finishing. Waiting for a response between
            // bytes paces the loop, so no sleep is needed.
            RawClient.RawResponse response = trickleUntilAnswered(client, "X-Slow: " + "s".repeat(200));

            long elapsedMillis = (System.nanoTime() - stageStart) / 1_000_000;
            assertErrorResponse(response, 408, "Request Timeout");
            assertTrue(elapsedMillis < 3_000, "answered after " + elapsedMillis + " ms of trickling");
        }
    }

    @Test
    void bodyTimeoutCountsFromTheStartOfTheStageNotFromTheLastByte() {
        try (DevProxy proxy = proxy().requestLineTimeout(LONG).headerTimeout(LONG).bodyTimeout(Duration.ofMillis(500))
                .build().start(); RawClient client = RawClient.connect(proxy)) {
            client.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n");
            long stageStart = System.nanoTime();

            RawClient.RawResponse response = trickleUntilAnswered(client, "b".repeat(999));

            long elapsedMillis = (System.nanoTime() - stageStart) / 1_000_000;
            assertErrorResponse(response, 408, "Request Timeout");
            assertTrue(elapsedMillis < 3_000, "answered after " + elapsedMillis + " ms of trickling");
        }
    }

    @Test
    void connectionThatSendsNothingIsClosedQuietly() {
        try (DevProxy proxy = proxy().requestLineTimeout(SHORT).build().start();
                RawClient client = RawClient.connect(proxy)) {

            client.assertClosedByServer(Duration.ofSeconds(3));

            TestSupport.awaitNoOpenConnections(proxy);
            assertEquals(0, proxy.metrics().requestsTotal());
            assertEquals(0, proxy.metrics().errorsTotal(), "a silent connection is not an error");
        }
    }

    @Test
    void clientThatStopsReadingIsCutOffAfterTheWriteTimeout() {
        byte[] huge = new byte[16 * 1024 * 1024]; // far more than both socket buffers hold (tcp_wmem max is 4 MiB)
        Response response = Response.newBuilder(200).header("Content-Type", "application/octet-stream").body(huge).build();
        try (DevProxy proxy = proxy().router(request -> Route.respond(response)).writeTimeout(SHORT).build().start();
                RawClient client = RawClient.connect(proxy.address(), 4096)) {
            client.send("GET /huge HTTP/1.1\r\nHost: h\r\n\r\n");
            // The client never reads.

            await("a write timeout", Duration.ofSeconds(10),
                    () -> proxy.server().metrics().errors(ErrorKind.WRITE_TIMEOUT) == 1, proxy::metricsText);
            TestSupport.awaitNoOpenConnections(proxy);
            assertTrue(proxy.metricsText().contains("devproxy_errors_total{kind=\"write_timeout\"} 1\n"));
            // The client sees its connection end (by reset, as unsent data was dropped) without the full body.
            client.awaitConnectionEnd(Duration.ofSeconds(10));
        }
    }

    @Test
    void slowButSteadyReaderIsNotCutOff() {
        byte[] large = new byte[4 * 1024 * 1024];
        Response response = Response.newBuilder(200).body(large).build();
        try (DevProxy proxy = proxy().router(request -> Route.respond(response)).writeTimeout(Duration.ofMillis(500))
                .build().start(); RawClient client = RawClient.connect(proxy.address(), 4096)) {
            client.send("GET /large HTTP/1.1\r\nHost: h\r\n\r\n");

            RawClient.RawResponse received = client.readResponse(Duration.ofSeconds(15));

            assertEquals(large.length, received.body().length);
            assertEquals(0, proxy.server().metrics().errors(ErrorKind.WRITE_TIMEOUT));
        }
    }

    @Test
    void eachRequestStageIsTimedOnTheInjectedClockFromItsOwnStart() {
        FakeClock clock = new FakeClock();
        try (DevProxy proxy = proxy().clock(clock).requestLineTimeout(Duration.ofSeconds(5))
                .headerTimeout(Duration.ofSeconds(10)).build().start(); RawClient client = RawClient.connect(proxy)) {
            client.send("GET / HT"); // t = 0: the request-line stage starts
            TestSupport.awaitEventLoopsIdle(proxy);
            clock.advance(Duration.ofSeconds(4));
            client.assertNothingArrivesWithin(Duration.ofMillis(400));
            client.send("TP/1.1\r\nHost: h\r\n"); // t = 4 s: the header stage starts, due at 14 s
            TestSupport.awaitEventLoopsIdle(proxy);

            clock.advance(Duration.ofSeconds(9)); // t = 13 s: past 10 s from the request's start, not from the stage's
            client.assertNothingArrivesWithin(Duration.ofMillis(600));
            clock.advance(Duration.ofMillis(1500)); // t = 14.5 s

            assertErrorResponse(client.readResponse(), 408, "Request Timeout");
        }
    }

    @Test
    void idleConnectionLivesForTheKeepAliveTimeoutOnTheInjectedClock() {
        FakeClock clock = new FakeClock();
        try (DevProxy proxy = proxy().clock(clock).build().start(); RawClient client = RawClient.connect(proxy)) {
            client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            client.readResponse();
            TestSupport.awaitEventLoopsIdle(proxy); // the idle stage starts just after the response is written

            clock.advance(Duration.ofSeconds(29)); // the default keep-alive timeout is 30 s
            client.assertNothingArrivesWithin(Duration.ofMillis(600));
            clock.advance(Duration.ofSeconds(2));

            client.assertClosedByServer();
        }
    }

    /** A clock that moves only when told to; the loops scan it at least every 250 ms of real time. */
    static final class FakeClock implements dev.devproxy.internal.loop.EngineClock {
        private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1L << 40);

        @Override
        public long nanoTime() {
            return nanos.get();
        }

        void advance(Duration duration) {
            nanos.addAndGet(duration.toNanos());
        }
    }

    /** Sends {@code bytes} one at a time, waiting up to 50 ms for a response after each, and returns it. */
    private static RawClient.RawResponse trickleUntilAnswered(RawClient client, String bytes) {
        for (int i = 0; i < bytes.length(); i++) {
            client.send(bytes.substring(i, i + 1));
            RawClient.RawResponse response = client.pollResponse(Duration.ofMillis(50));
            if (response != null) {
                return response;
            }
        }
        throw new AssertionError("no response after trickling all " + bytes.length() + " bytes");
    }
}
