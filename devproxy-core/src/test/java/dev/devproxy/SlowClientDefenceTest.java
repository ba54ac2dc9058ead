package dev.devproxy;

import static dev.devproxy.EchoTest.assertContains;
import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The defences beyond the flat request-line, header and body timeouts: shedding idle and stalled connections when the cap is reached
 * (so slowloris cannot starve honest clients while every timeout works as written), then bodies arriving below
 * the minimum rate and responses their client has stopped reading (so R-U-Dead-Yet and slow read cannot either),
 * and a body deadline that stretches with the data received (so slow honest uploads finish).
 */
@Timeout(30)
class SlowClientDefenceTest {
    private static final String PARTIAL_HEAD = "GET /slow HTTP/1.1\r\nHost: h\r\nX-Slow: ";
    /** More than the kernel's socket buffers take at once, so a client that reads slowly makes the writes wait. */
    private static final byte[] MEDIUM = new byte[8 << 20];
    private static final Route BIG_RESPONSE = Route.respond(Response.newBuilder(200).body(new byte[16 << 20]).build());
    private static final Route MEDIUM_RESPONSE = Route.respond(Response.newBuilder(200).body(MEDIUM).build());
    private static final Router BIG_ON_BIG = request -> switch (request.path()) {
        case "/big" -> BIG_RESPONSE;
        case "/medium" -> MEDIUM_RESPONSE;
        default -> Route.echo();
    };

    @Test
    void honestClientFindsASlotWhileSlowlorisHoldsEveryOne() {
        try (DevProxy proxy = proxy().maxConnections(20).build().start()) {
            List<RawClient> attackers = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    attackers.add(RawClient.connect(proxy).send(PARTIAL_HEAD));
                }
                TestSupport.await("every slot held by a stalled request", () -> proxy.openConnections() == 20,
                        proxy::openConnections);

                long start = System.nanoTime();
                try (RawClient honest = RawClient.connect(proxy)) {
                    honest.send("GET /honest HTTP/1.1\r\nHost: h\r\n\r\n");
                    RawClient.RawResponse response = honest.readResponse(Duration.ofSeconds(5));
                    assertEquals(200, response.status());
                    assertContains(response.bodyText(), "\"target\":\"/honest\"");
                }
                long waitedMillis = (System.nanoTime() - start) / 1_000_000;
                // Stalled requests become sheddable after 1 s; the header timeout alone would take 10 s.
                assertTrue(waitedMillis < 4_000, "the honest client waited " + waitedMillis + " ms");
                assertTrue(proxy.metrics().errorsTotal() > 0, "shed requests count as request timeouts");
            } finally {
                attackers.forEach(RawClient::close);
            }
        }
    }

    @Test
    void idlePersistentConnectionsAreShedBeforeStalledRequests() {
        // One loop: each loop ranks its own connections, so the order is only defined within a loop.
        try (DevProxy proxy = proxy().maxConnections(2).ioThreads(1).build().start();
                RawClient idle = RawClient.connect(proxy);
                RawClient stalled = RawClient.connect(proxy)) {
            idle.send("GET /once HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(200, idle.readResponse().status());
            stalled.send(PARTIAL_HEAD);

            try (RawClient newcomer = RawClient.connect(proxy)) {
                newcomer.send("GET /new HTTP/1.1\r\nHost: h\r\n\r\n");
                assertEquals(200, newcomer.readResponse(Duration.ofSeconds(5)).status());
                // The round that made room took the idle connection, quietly, and left the stalled request
                // alone. (It is fair game for the next round, 200 ms on, since the proxy is at its cap again.)
                idle.assertClosedByServer(Duration.ofMillis(100));
                stalled.assertNothingArrivesWithin(Duration.ofMillis(20));
            }
        }
    }

    @Test
    void busyClientIsNeverShedWhileOthersWait() {
        try (DevProxy proxy = proxy().maxConnections(1).build().start();
                RawClient busy = RawClient.connect(proxy);
                RawClient waiting = RawClient.connect(proxy)) {
            waiting.send("GET /waiting HTTP/1.1\r\nHost: h\r\n\r\n");
            long until = System.nanoTime() + Duration.ofMillis(1_600).toNanos();
            int answered = 0;
            while (System.nanoTime() - until < 0) {
                busy.send("GET /busy HTTP/1.1\r\nHost: h\r\n\r\n");
                assertEquals(200, busy.readResponse().status());
                answered++;
            }
            assertTrue(answered > 10, "the busy client kept being served: " + answered);
            waiting.assertNothingArrivesWithin(Duration.ofMillis(50));

            busy.close();
            assertEquals(200, waiting.readResponse(Duration.ofSeconds(3)).status());
        }
    }

    @Test
    void bodyTricklingBelowTheMinimumRateIsShedWhenAnotherClientWaits() {
        // The body timeout is the default 30 s: without shedding, the trickle would hold the only slot that long.
        try (DevProxy proxy = proxy().maxConnections(1).minBodyRate(1_000).build().start();
                RawClient trickle = RawClient.connect(proxy);
                RawClient waiting = RawClient.connect(proxy)) {
            trickle.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n").send(new byte[10]);
            waiting.send("GET /waiting HTTP/1.1\r\nHost: h\r\n\r\n");

            assertEquals(200, waiting.readResponse(Duration.ofSeconds(4)).status());
            assertEquals(408, trickle.readResponse().status());
        }
    }

    @Test
    void bodyArrivingFasterThanTheMinimumRateIsNotShed() {
        try (DevProxy proxy = proxy().maxConnections(1).minBodyRate(1_000).build().start();
                RawClient upload = RawClient.connect(proxy);
                RawClient waiting = RawClient.connect(proxy)) {
            upload.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 3400\r\n\r\n");
            waiting.send("GET /waiting HTTP/1.1\r\nHost: h\r\n\r\n");
            for (int i = 0; i < 34; i++) { // 100 bytes every 50 ms: 2,000 B/s for 1.7 s, past the 1 s shedding age
                upload.send(new byte[100]);
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            waiting.assertNothingArrivesWithin(Duration.ofMillis(10));

            assertEquals(200, upload.readResponse().status());
            upload.close();
            assertEquals(200, waiting.readResponse(Duration.ofSeconds(3)).status());
        }
    }

    @Test
    void clientThatStopsReadingItsResponseIsShedWhenAnotherClientWaits() {
        // The write timeout is the default 30 s: without shedding, the reader would hold the only slot that long.
        try (DevProxy proxy = proxy().maxConnections(1).router(BIG_ON_BIG).build().start();
                RawClient reader = RawClient.connect(proxy.address(), 4096);
                RawClient waiting = RawClient.connect(proxy)) {
            reader.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n"); // and never reads
            waiting.send("GET /waiting HTTP/1.1\r\nHost: h\r\n\r\n");

            // Shed once no byte of its response could be written for 3 s.
            assertEquals(200, waiting.readResponse(Duration.ofSeconds(8)).status());
            reader.awaitConnectionEnd(Duration.ofSeconds(5));
        }
    }

    @Test
    void clientReadingItsResponseSteadilyIsNotShed() throws IOException {
        try (DevProxy proxy = proxy().maxConnections(1).router(BIG_ON_BIG).build().start();
                RawClient reader = RawClient.connect(proxy.address(), 4096);
                RawClient waiting = RawClient.connect(proxy)) {
            reader.send("GET /medium HTTP/1.1\r\nHost: h\r\n\r\n");
            waiting.send("GET /waiting HTTP/1.1\r\nHost: h\r\n\r\n");
            InputStream in = reader.socket().getInputStream();
            byte[] piece = new byte[64 * 1024];
            long received = 0;
            long whole = MEDIUM.length + 60; // the body and a head of at least 60 bytes (the Date field alone: 37)
            for (int n; received < whole && (n = in.read(piece)) > 0; ) {
                received += n; // what fits the small window, every millisecond: a few MB/s, in lumps
                LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
            }
            assertTrue(received >= whole, "received " + received + " bytes");

            reader.close();
            assertEquals(200, waiting.readResponse(Duration.ofSeconds(3)).status());
        }
    }

    /**
     * A body sent at more than the minimum rate for longer than the body timeout is not cut off. Margin: the
     * body timeout (1 s) is the least slack the deadline ever has, and each 100-byte piece, sent about every
     * 60 ms, earns 100 ms more, so a stall of over a second between two pieces would be needed to fail; the
     * upload lasts about 1.5 s, longer than the body timeout, so the test can fail. (It was 300 ms and 540 ms,
     * a margin a loaded machine's scheduling gaps can eat.)
     */
    @Test
    void bodyArrivingAtTheMinimumRateOutlivesTheBodyTimeout() {
        int pieces = 25;
        try (DevProxy proxy = proxy().bodyTimeout(Duration.ofSeconds(1)).minBodyRate(1_000).build().start();
                RawClient client = RawClient.connect(proxy)) {
            long start = System.nanoTime();
            client.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + pieces * 100 + "\r\n\r\n");
            byte[] piece = new byte[100];
            for (int i = 0; i < pieces; i++) {
                client.send(piece);
                if (i < pieces - 1) {
                    client.assertNothingArrivesWithin(Duration.ofMillis(60)); // 100 bytes per ~60 ms: > 1000 B/s
                }
            }
            RawClient.RawResponse response = client.readResponse();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, response.status());
            assertContains(response.bodyText(), "\"bodyLength\":" + pieces * 100);
            assertTrue(elapsedMillis > 1_000, "the upload must outlast the body timeout; it took " + elapsedMillis + " ms");
        }
    }

    @Test
    void bodyTricklingBelowTheMinimumRateGets408() {
        try (DevProxy proxy = proxy().bodyTimeout(Duration.ofMillis(300)).minBodyRate(1_000).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 900\r\n\r\n");
            client.send(new byte[10]); // earns 10 ms beyond the 300 ms body timeout
            RawClient.RawResponse response = client.readResponse(Duration.ofSeconds(3));
            assertEquals(408, response.status());
        }
    }
}
