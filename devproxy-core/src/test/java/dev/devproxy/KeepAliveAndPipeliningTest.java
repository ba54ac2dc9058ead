package dev.devproxy;

import static dev.devproxy.EchoTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Persistent connections: reuse, pipelining in order, and the ways a connection ends. */
@Timeout(20)
class KeepAliveAndPipeliningTest {

    /** A proxy to test, as {@link TestSupport#proxy()} builds it; with an HTTPS listener in the TLS variant. */
    DevProxy.Builder proxy() {
        return TestSupport.proxy();
    }

    /** A raw client of {@code proxy}: plain here, over TLS in {@link KeepAliveAndPipeliningOverTlsTest}. */
    RawClient connect(DevProxy proxy) {
        return RawClient.connect(proxy);
    }


    @Test
    void severalRequestsInTurnShareOneConnection() {
        try (DevProxy proxy = proxy().build().start(); RawClient client = connect(proxy)) {
            for (int i = 1; i <= 3; i++) {
                client.send("GET /turn/" + i + " HTTP/1.1\r\nHost: h\r\n\r\n");
                RawClient.RawResponse response = client.readResponse();

                assertEquals(200, response.status());
                assertNull(response.header("Connection"), "HTTP/1.1 persistence needs no Connection field");
                assertContains(response.bodyText(), "\"target\":\"/turn/" + i + "\",");
            }
            assertEquals(1, proxy.metrics().connectionsTotal());
        }
    }

    @Test
    void pipelinedRequestsInOneWriteAreAnsweredInOrder() {
        try (DevProxy proxy = proxy().build().start(); RawClient client = connect(proxy)) {
            client.send("GET /first HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 20\r\n\r\nGET /not-a-request\r\n"
                    + "GET /third?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");

            RawClient.RawResponse first = client.readResponse();
            RawClient.RawResponse second = client.readResponse();
            RawClient.RawResponse third = client.readResponse();

            assertContains(first.bodyText(), "\"method\":\"GET\",\"target\":\"/first\",");
            assertContains(second.bodyText(), "\"method\":\"POST\",\"target\":\"/second\",");
            assertContains(second.bodyText(), "\"bodyLength\":20,");
            assertContains(second.bodyText(), "\"body\":\"GET /not-a-request\\r\\n\",");
            assertContains(third.bodyText(), "\"method\":\"GET\",\"target\":\"/third?x=1\",");
            client.assertNothingArrivesWithin(Duration.ofMillis(100));
            TestSupport.awaitEventLoopsIdle(proxy);
            assertEquals(3, proxy.metrics().requestsTotal());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhenResponsesFillTheSocket() {
        // Each echo of a 200 kB body is small, but these responses are held back while earlier ones drain.
        byte[] big = new byte[200_000];
        java.util.Arrays.fill(big, (byte) 'x');
        String bigBody = new String(big, java.nio.charset.StandardCharsets.US_ASCII);
        Router router = request -> request.path().equals("/big")
                ? Route.respond(Response.text(200, bigBody))
                : Route.echo();
        try (DevProxy proxy = proxy().router(router).build().start(); RawClient client = connect(proxy)) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                requests.append("GET /big HTTP/1.1\r\nHost: h\r\n\r\nGET /small/").append(i).append(" HTTP/1.1\r\nHost: h\r\n\r\n");
            }
            client.send(requests.toString());

            for (int i = 0; i < 5; i++) {
                RawClient.RawResponse large = client.readResponse();
                RawClient.RawResponse small = client.readResponse();
                assertEquals(200_000, large.body().length);
                assertEquals(bigBody, large.bodyText());
                assertContains(small.bodyText(), "\"target\":\"/small/" + i + "\",");
            }
        }
    }

    @Test
    void connectionCloseIsHonouredAfterTheResponse() {
        try (DevProxy proxy = proxy().build().start(); RawClient client = connect(proxy)) {
            client.send("GET /bye HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");

            RawClient.RawResponse response = client.readResponse();

            assertEquals(200, response.status());
            assertEquals("close", response.header("Connection"));
            client.assertClosedByServer();
        }
    }

    @Test
    void pipelinedRequestsAfterConnectionCloseAreNotAnswered() {
        try (DevProxy proxy = proxy().build().start(); RawClient client = connect(proxy)) {
            client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                    + "GET /c HTTP/1.1\r\nHost: h\r\n\r\n");

            RawClient.RawResponse a = client.readResponse();
            RawClient.RawResponse b = client.readResponse();

            assertNull(a.header("Connection"));
            assertContains(a.bodyText(), "\"target\":\"/a\",");
            assertEquals("close", b.header("Connection"));
            assertContains(b.bodyText(), "\"target\":\"/b\",");
            client.assertClosedByServer();
            assertEquals(2, proxy.metrics().requestsTotal());
        }
    }

    @Test
    void http10WithoutKeepAliveClosesAfterTheResponse() {
        try (DevProxy proxy = proxy().build().start(); RawClient client = connect(proxy)) {
            client.send("GET /old HTTP/1.0\r\n\r\n");

            RawClient.RawResponse response = client.readResponse();

            assertEquals("close", response.header("Connection"));
            client.assertClosedByServer();
        }
    }

    @Test
    void http10WithKeepAliveStaysOpenAndSaysSo() {
        try (DevProxy proxy = proxy().build().start(); RawClient client = connect(proxy)) {
            client.send("GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawClient.RawResponse first = client.readResponse();
            client.send("GET /two HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
            RawClient.RawResponse second = client.readResponse();
            client.send("GET /three HTTP/1.0\r\n\r\n");
            RawClient.RawResponse third = client.readResponse();

            assertEquals("keep-alive", first.header("Connection"));
            assertEquals("keep-alive", second.header("Connection"));
            assertContains(second.bodyText(), "\"target\":\"/two\",\"path\":\"/two\",\"query\":null,\"version\":\"HTTP/1.0\",");
            assertEquals("close", third.header("Connection"));
            client.assertClosedByServer();
            assertEquals(1, proxy.metrics().connectionsTotal());
        }
    }

    @Test
    void idleConnectionIsClosedQuietlyAfterTheKeepAliveTimeout() {
        Duration keepAlive = Duration.ofMillis(300);
        try (DevProxy proxy = proxy().keepAliveTimeout(keepAlive).build().start();
                RawClient client = connect(proxy)) {
            client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(200, client.readResponse().status());
            long idleSince = System.nanoTime();

            client.assertClosedByServer(Duration.ofSeconds(3));

            long idleMillis = (System.nanoTime() - idleSince) / 1_000_000;
            assertTrue(idleMillis >= 250, "closed after " + idleMillis + " ms, before the keep-alive timeout");
            assertEquals(0, proxy.metrics().errorsTotal(), "an idle close is not an error");
            TestSupport.awaitNoOpenConnections(proxy);
        }
    }

    /**
     * Margin: the client starts its next request right after reading a response, so a scheduling gap of up to
     * the keep-alive timeout (1 s) is tolerated; the wait after it (1.5 s) outlasts that timeout, so an idle
     * deadline still running would close the connection and fail the test.
     */
    @Test
    void aRequestStartedBeforeTheKeepAliveTimeoutKeepsTheConnection() {
        try (DevProxy proxy = proxy().keepAliveTimeout(Duration.ofSeconds(1)).build().start();
                RawClient client = connect(proxy)) {
            client.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n");
            client.readResponse();
            // Well within the keep-alive timeout, the next request starts but is not finished yet...
            client.send("GET /2 HTTP/1.1\r\n");
            // ...and the idle timeout no longer applies: the header stage (10 s) does.
            client.assertNothingArrivesWithin(Duration.ofMillis(1_500));

            client.send("Host: h\r\n\r\n");

            assertContains(client.readResponse().bodyText(), "\"target\":\"/2\",");
        }
    }

    @Test
    void clientThatHalfClosesAfterItsRequestStillGetsTheResponse() {
        try (DevProxy proxy = proxy().build().start(); RawClient client = connect(proxy)) {
            client.send("GET /half HTTP/1.1\r\nHost: h\r\n\r\n");
            client.shutdownOutput();

            RawClient.RawResponse response = client.readResponse();

            assertContains(response.bodyText(), "\"target\":\"/half\",");
            client.assertClosedByServer();
        }
    }
}
