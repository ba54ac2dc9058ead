package dev.devproxy;

import static dev.devproxy.EchoTest.assertContains;
import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The defences beyond the seed's flat timeouts: shedding idle and stalled connections when the cap is reached
 * (so slowloris cannot starve honest clients while every timeout works as written), and a body deadline that
 * stretches with the data received (so slow honest uploads finish).
 */
@Timeout(30)
class SlowClientDefenceTest {
    private static final String PARTIAL_HEAD = "GET /slow HTTP/1.1\r\nHost: h\r\nX-Slow: ";

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
    void bodyArrivingAtTheMinimumRateOutlivesTheBodyTimeout() {
        try (DevProxy proxy = proxy().bodyTimeout(Duration.ofMillis(300)).minBodyRate(1_000).build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 900\r\n\r\n");
            byte[] piece = new byte[100];
            for (int i = 0; i < 9; i++) {
                client.send(piece);
                if (i < 8) {
                    client.assertNothingArrivesWithin(Duration.ofMillis(60)); // 100 bytes per ~60 ms: > 1000 B/s
                }
            }
            RawClient.RawResponse response = client.readResponse();
            assertEquals(200, response.status());
            assertContains(response.bodyText(), "\"bodyLength\":900");
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
