package dev.devproxy;

import static dev.devproxy.TestSupport.assertErrorResponse;
import static dev.devproxy.TestSupport.await;
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

    /** A proxy to test, as {@link TestSupport#proxy()} builds it; with an HTTPS listener in the TLS variant. */
    DevProxy.Builder proxy() {
        return TestSupport.proxy();
    }

    /** A raw client of {@code proxy}: plain here, over TLS in {@link TimeoutOverTlsTest}. */
    RawClient connect(DevProxy proxy) {
        return RawClient.connect(proxy);
    }

    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void partialRequestLineIsAnswered408() {
        try (DevProxy proxy = proxy().requestLineTimeout(SHORT).headerTimeout(LONG).bodyTimeout(LONG).build().start();
                RawClient client = connect(proxy)) {
            client.send("GET /");

            assertErrorResponse(client.readResponse(), 408, "Request Timeout");
            client.assertClosedByServer();
            assertEquals(1, proxy.server().metrics().errors(ErrorKind.REQUEST_TIMEOUT));
        }
    }

    @Test
    void unfinishedHeaderSectionIsAnswered408() {
        try (DevProxy proxy = proxy().requestLineTimeout(LONG).headerTimeout(SHORT).bodyTimeout(LONG).build().start();
                RawClient client = connect(proxy)) {
            client.send("GET / HTTP/1.1\r\nHost: h\r\nX-Half: ");

            assertErrorResponse(client.readResponse(), 408, "Request Timeout");
            client.assertClosedByServer();
            assertEquals(1, proxy.server().metrics().errors(ErrorKind.REQUEST_TIMEOUT));
        }
    }

    @Test
    void unfinishedBodyIsAnswered408() {
        try (DevProxy proxy = proxy().requestLineTimeout(LONG).headerTimeout(LONG).bodyTimeout(SHORT).build().start();
                RawClient client = connect(proxy)) {
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
                RawClient client = connect(proxy)) {
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
                .build().start(); RawClient client = connect(proxy)) {
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
                RawClient client = connect(proxy)) {

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

    /**
     * A client that reads its response in spurts, with pauses, over more time than the write timeout, is not cut
     * off: the timeout counts from the last write that made progress, not from the start of the response.
     *
     * <p>Margin: the reader pauses {@value #READER_PAUSE_MILLIS} ms at most between reads, so with a write
     * timeout of {@value #STEADY_WRITE_TIMEOUT_MILLIS} ms the server may go without progress for over a second
     * more than the reader causes, several times the scheduling gaps seen on a loaded two-core machine (an
     * earlier version, with 500 ms and no pauses, failed once under a parallel build). The test checks that the
     * whole read took longer than the write timeout, or it could not fail.
     */
    @Test
    void slowButSteadyReaderIsNotCutOff() throws Exception {
        byte[] large = new byte[4 * 1024 * 1024];
        Response response = Response.newBuilder(200).body(large).build();
        Duration writeTimeout = Duration.ofMillis(STEADY_WRITE_TIMEOUT_MILLIS);
        try (DevProxy proxy = proxy().router(request -> Route.respond(response)).writeTimeout(writeTimeout)
                .build().start(); RawClient client = RawClient.connect(proxy.address(), 4096)) {
            long start = System.nanoTime();
            client.send("GET /large HTTP/1.1\r\nHost: h\r\n\r\n");

            long received = readPaced(client.socket().getInputStream(), large.length);

            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(large.length, received);
            assertEquals(0, proxy.server().metrics().errors(ErrorKind.WRITE_TIMEOUT));
            assertTrue(elapsedMillis > writeTimeout.toMillis(), "the read must outlast the write timeout to mean "
                    + "anything; it took " + elapsedMillis + " ms");
        }
    }

    private static final long STEADY_WRITE_TIMEOUT_MILLIS = 1_500;
    /** 32 pauses of this (4 MiB in 128 KiB steps) make the read outlast the write timeout by far. */
    private static final long READER_PAUSE_MILLIS = 75;

    /**
     * Reads a response head and {@code bodyLength} body bytes, pausing {@value #READER_PAUSE_MILLIS} ms after
     * every 128 KiB: a reader that is slow on purpose (the pause is the behaviour under test, not a wait for
     * something to happen).
     *
     * @return the body bytes read
     */
    private static long readPaced(java.io.InputStream in, long bodyLength) throws java.io.IOException {
        byte[] buffer = new byte[16 * 1024];
        int matched = 0; // of the CRLF CRLF ending the head
        long body = 0;
        long sincePause = 0;
        while (body < bodyLength) {
            int count = in.read(buffer);
            if (count < 0) {
                break;
            }
            int from = 0;
            while (matched < 4 && from < count) {
                byte b = buffer[from++];
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            body += count - from;
            sincePause += count;
            if (sincePause >= 128 * 1024) {
                sincePause = 0;
                long resumeAt = System.nanoTime() + READER_PAUSE_MILLIS * 1_000_000;
                for (long left; (left = resumeAt - System.nanoTime()) > 0; ) {
                    java.util.concurrent.locks.LockSupport.parkNanos(left); // may return early: park again
                }
            }
        }
        return body;
    }

    @Test
    void eachRequestStageIsTimedOnTheInjectedClockFromItsOwnStart() {
        FakeClock clock = new FakeClock();
        try (DevProxy proxy = proxy().clock(clock).requestLineTimeout(Duration.ofSeconds(5))
                .headerTimeout(Duration.ofSeconds(10)).build().start(); RawClient client = connect(proxy)) {
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
        try (DevProxy proxy = proxy().clock(clock).build().start(); RawClient client = connect(proxy)) {
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
