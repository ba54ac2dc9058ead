package dev.devproxy.proxy;

import static dev.devproxy.proxy.ProxyTestKit.get;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.proxy.ProxyTestKit.HttpUpstream;
import dev.devproxy.proxy.ProxyTestKit.RawClient;
import dev.devproxy.proxy.ProxyTestKit.RawResponse;
import dev.devproxy.proxy.ProxyTestKit.Received;
import dev.devproxy.proxy.ProxyTestKit.ScriptedUpstream;
import dev.devproxy.proxy.ProxyTestKit.UpstreamRequest;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upstream connections are kept per event loop and reused, but never after a response that did not end
 * cleanly, nor after the upstream said {@code Connection: close}.
 */
@Timeout(30)
class ProxyPoolTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private Closeable upstream;
    private DevProxy proxy;

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** One event loop, so that every client connection shares one pool. */
    private DevProxy proxyTo(dev.devproxy.Upstream target) {
        proxy = DevProxy.builder().port(0).ioThreads(1).upstream(target).build().start();
        return proxy;
    }

    private ScriptedUpstream scripted(ProxyTestKit.Script script) throws IOException {
        ScriptedUpstream server = ScriptedUpstream.start(script);
        upstream = server;
        return server;
    }

    @Test
    void sequentialRequestsOnOneClientConnectionShareOneUpstreamConnection() throws Exception {
        HttpUpstream server = HttpUpstream.describing();
        upstream = server;
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            for (int i = 0; i < 10; i++) {
                assertEquals("GET /n/" + i, client.exchange(get("/proxy/n/" + i)).bodyText());
            }
        }

        List<Received> received = server.all();
        assertEquals(10, received.size());
        assertEquals(1, server.connections(), "proxy-side ports seen by the upstream: " + received.stream()
                .map(Received::remotePort).toList());
    }

    @Test
    void successiveClientConnectionsReuseThePooledUpstreamConnection() throws Exception {
        HttpUpstream server = HttpUpstream.describing();
        upstream = server;
        proxyTo(server.upstream());

        for (int i = 0; i < 5; i++) {
            try (RawClient client = RawClient.connect(proxy)) {
                assertEquals(200, client.exchange(get("/proxy/c/" + i)).status());
            }
        }

        assertEquals(1, server.connections());
    }

    @Test
    void burstsFromManyClientsReuseOneUpstreamConnectionPerClient() throws Exception {
        // Every request of a round is held at the upstream until all of them have arrived, so each round has
        // CLIENTS upstream connections in use at once, and all of them idle together between rounds. A pool
        // that kept fewer idle (it kept 64) closed the surplus, and the next round opened it again.
        int clients = 100;
        int rounds = 3;
        CyclicBarrier allArrived = new CyclicBarrier(clients);
        ScriptedUpstream server = scripted(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                allArrived.await(10, TimeUnit.SECONDS);
                peer.send(OK);
            }
        });
        proxyTo(server.upstream());

        List<RawClient> connections = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                connections.add(RawClient.connect(proxy));
            }
            for (int round = 0; round < rounds; round++) {
                for (RawClient client : connections) {
                    client.send(get("/proxy/round/" + round));
                }
                for (RawClient client : connections) {
                    assertEquals("ok", client.read().bodyText());
                }
            }
        } finally {
            for (RawClient client : connections) {
                client.close();
            }
        }

        assertEquals(clients, server.accepted(), "one upstream connection per client, opened in the first round only");
    }

    @Test
    void upstreamThatSaysCloseIsNotReusedEvenIfItStaysOpen() throws Exception {
        ScriptedUpstream server = scripted(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            for (int i = 0; i < 3; i++) {
                RawResponse response = client.exchange(get("/proxy/close/" + i));
                assertEquals("ok", response.bodyText());
                assertNull(response.header("Connection"), "the upstream's close is hop-by-hop: the client stays connected");
            }
        }

        assertEquals(List.of(1, 2, 3), List.of(server.takeRequest().connection(), server.takeRequest().connection(),
                server.takeRequest().connection()), "one request per upstream connection");
    }

    @Test
    void http10UpstreamWithoutKeepAliveIsNotReused() throws Exception {
        ScriptedUpstream server = scripted(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            assertEquals("ok", client.exchange(get("/proxy/a")).bodyText());
            assertEquals("ok", client.exchange(get("/proxy/b")).bodyText());
        }

        assertEquals(1, server.takeRequest().connection());
        assertEquals(2, server.takeRequest().connection());
    }

    @Test
    void upstreamConnectionWithBytesAfterTheResponseIsNotReused() throws Exception {
        ScriptedUpstream server = scripted(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send(OK + "EXTRA BYTES NOBODY ASKED FOR");
            }
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            assertEquals("ok", client.exchange(get("/proxy/a")).bodyText());
            assertEquals("ok", client.exchange(get("/proxy/b")).bodyText(), "not the stray bytes of the first connection");
        }

        assertEquals(1, server.takeRequest().connection());
        assertEquals(2, server.takeRequest().connection());
    }

    @Test
    void upstreamConnectionIsClosedWhenTheClientAbandonsTheResponse() throws Exception {
        CompletableFuture<Boolean> firstClosedByProxy = new CompletableFuture<>();
        ScriptedUpstream server = scripted(peer -> {
            UpstreamRequest request = peer.readRequest();
            if (request == null) {
                return;
            }
            if (peer.number == 1) {
                firstClosedByProxy.complete(ProxyTestKit.streamUntilClosedByProxy(peer, 100 << 20));
                return;
            }
            peer.send(OK);
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            client.send(get("/proxy/big"));
            assertEquals(200, client.readHeadOnly().status());
        }

        assertTrue(firstClosedByProxy.get(15, TimeUnit.SECONDS), "the proxy closed the half-relayed upstream connection");
        try (RawClient client = RawClient.connect(proxy)) {
            assertEquals("ok", client.exchange(get("/proxy/next")).bodyText());
        }
        assertEquals(2, server.accepted());
    }

    @Test
    void getIsRetriedOnAFreshConnectionWhenThePooledOneTurnsOutClosed() throws Exception {
        // Connection 1 answers once, then closes on reading the next request without answering: the race of an
        // upstream closing an idle connection just as the proxy reuses it.
        ScriptedUpstream server = scripted(peer -> {
            peer.readRequest();
            peer.send(OK);
            if (peer.number == 1) {
                peer.readRequest();
                return;
            }
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                peer.send(OK);
            }
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            assertEquals("ok", client.exchange(get("/proxy/first")).bodyText());
            RawResponse retried = client.exchange(get("/proxy/second"));

            assertEquals(200, retried.status(), "a GET without a body is safe to send again (RFC 9112 section 9.3.1)");
        }
        assertAll(
                () -> assertEquals(1, server.takeRequest().connection()),
                () -> assertEquals(1, server.takeRequest().connection(), "reused"),
                () -> assertEquals(2, server.takeRequest().connection(), "then sent again on a fresh one"));
    }

    @Test
    void postIsNotRetriedWhenThePooledConnectionTurnsOutClosed() throws Exception {
        ScriptedUpstream server = scripted(peer -> {
            peer.readRequest();
            peer.send(OK);
            peer.readRequest();
        });
        proxyTo(server.upstream());

        try (RawClient client = RawClient.connect(proxy)) {
            assertEquals("ok", client.exchange(get("/proxy/first")).bodyText());
            RawResponse response = client.exchange(
                    "POST /proxy/order HTTP/1.1\r\nHost: devproxy.test\r\nContent-Length: 3\r\n\r\nabc");

            assertEquals(502, response.status(), "a request with a body may have had effects: never sent twice");
        }
        server.takeRequest();
        assertEquals("POST", server.takeRequest().method());
        assertEquals(1, server.accepted());
    }

    @Test
    void upstreamClosingEachIdleConnectionCostsTheClientsNothing() throws Exception {
        ScriptedUpstream server = scripted(peer -> {
            peer.readRequest();
            peer.send(OK);
            // returns: the upstream closes the idle connection
        });
        proxyTo(server.upstream());

        for (int i = 0; i < 5; i++) {
            try (RawClient client = RawClient.connect(proxy)) {
                assertEquals("ok", client.exchange(get("/proxy/" + i)).bodyText());
            }
        }
        for (int i = 1; i <= 5; i++) {
            assertEquals(i, server.takeRequest().connection());
        }
    }
}
