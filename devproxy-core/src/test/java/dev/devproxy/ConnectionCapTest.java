package dev.devproxy;

import static dev.devproxy.EchoTest.assertContains;
import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** At maxConnections, further clients wait in the accept backlog, unharmed, until a slot frees. */
@Timeout(20)
class ConnectionCapTest {

    @Test
    void clientBeyondTheCapWaitsInTheBacklogAndIsServedWhenASlotFrees() {
        try (DevProxy proxy = proxy().maxConnections(2).build().start();
                RawClient first = RawClient.connect(proxy);
                RawClient second = RawClient.connect(proxy)) {
            assertServed(first, "/first");
            assertServed(second, "/second");

            try (RawClient third = RawClient.connect(proxy)) { // the kernel completes the handshake
                third.send("GET /third HTTP/1.1\r\nHost: h\r\n\r\n");
                third.assertNothingArrivesWithin(Duration.ofMillis(400));
                assertEquals(2, proxy.openConnections());
                assertServed(first, "/first-again"); // the two admitted ones are unaffected

                second.close();

                RawClient.RawResponse response = third.readResponse(Duration.ofSeconds(3));
                assertEquals(200, response.status());
                assertContains(response.bodyText(), "\"target\":\"/third\",");
            }
        }
    }

    @Test
    void everyQueuedClientIsServedInTurnAsSlotsFree() {
        try (DevProxy proxy = proxy().maxConnections(1).build().start()) {
            RawClient[] clients = new RawClient[4];
            try {
                for (int i = 0; i < clients.length; i++) {
                    clients[i] = RawClient.connect(proxy);
                    clients[i].send("GET /client/" + i + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
                }
                // Each is answered, then closed by the server, which admits the next.
                for (int i = 0; i < clients.length; i++) {
                    RawClient.RawResponse response = clients[i].readResponse(Duration.ofSeconds(5));
                    assertContains(response.bodyText(), "\"target\":\"/client/" + i + "\",");
                    clients[i].assertClosedByServer();
                    clients[i].close();
                }
            } finally {
                for (RawClient client : clients) {
                    if (client != null) {
                        client.close();
                    }
                }
            }
            assertEquals(4, proxy.metrics().connectionsTotal());
        }
    }

    private static void assertServed(RawClient client, String target) {
        client.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
        assertContains(client.readResponse().bodyText(), "\"target\":\"" + target + "\",");
    }
}
