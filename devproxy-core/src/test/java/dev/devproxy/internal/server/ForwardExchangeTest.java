package dev.devproxy.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.Config;
import dev.devproxy.ErrorKind;
import dev.devproxy.Route;
import dev.devproxy.Router;
import dev.devproxy.Upstream;
import dev.devproxy.internal.loop.HandshakingTransport;
import dev.devproxy.internal.loop.MemoryTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A forward exchange between an in-memory client and in-memory upstreams: the relays, their shared framing,
 * backpressure both ways and failures, with no socket and no thread, milliseconds each.
 */
@Timeout(10)
class ForwardExchangeTest {
    private static final Upstream UPSTREAM = Upstream.of("127.0.0.1", 9);
    private static final Router FORWARD = head -> Route.forward(UPSTREAM, head.target());

    @Test
    void aRequestGoesUpAndItsResponseComesBackAndTheUpstreamIsPooled() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET /a HTTP/1.1\r\nHost: client.example\r\n\r\n");
            engine.run();

            MemoryTransport upstream = engine.upstream(0);
            String request = upstream.takeOutput();
            assertTrue(request.startsWith("GET /a HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"), request);
            assertEquals(1, upstream.writeCalls(), "the head alone, in one write");

            upstream.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
            engine.run();

            String response = client.takeOutput();
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n") && response.endsWith("\r\n\r\nhello"), response);
            assertEquals(1, client.writeCalls(), "head and body in one write");
            assertEquals(1, engine.proxy.idleUpstreams(), "the upstream connection went back to the pool");
            assertEquals(0, engine.loop.buffers.inUse());
        }
    }

    @Test
    void pipelinedRequestsReuseThePooledUpstreamInOrder() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();
            MemoryTransport upstream = engine.upstream(0);
            assertTrue(upstream.takeOutput().startsWith("GET /1 "), "only the first request is forwarded yet");

            upstream.feed("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
            engine.run();
            assertTrue(upstream.takeOutput().startsWith("GET /2 "), "then the second, on the same connection");
            upstream.feed("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
            engine.run();

            String out = client.takeOutput();
            assertTrue(out.indexOf("one") < out.indexOf("two"), out);
            assertEquals(1, engine.upstreams.size(), "one upstream connection served both");
        }
    }

    @Test
    void aSlowClientPausesTheUpstreamUntilItReads() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();
            MemoryTransport upstream = engine.upstream(0);
            client.limitWrites(100);
            String body = "x".repeat(30_000);
            upstream.feed("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);

            engine.run();

            assertFalse(upstream.wantsRead(), "the upstream is not read while the client is full");
            assertTrue(upstream.unreadInput() > 0, "so its bytes wait in the upstream's socket");
            String first = client.takeOutput();
            assertEquals(100, first.length());

            client.unlimitWrites();
            engine.run();

            String all = first + client.takeOutput();
            assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n") && all.endsWith("\r\n\r\n" + body));
            assertEquals(0, upstream.unreadInput());
            assertEquals(0, engine.loop.buffers.inUse());
        }
    }

    @Test
    void aFullUpstreamPausesTheClientsBodyUntilItDrains() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            client.feed("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n");
            engine.run();
            MemoryTransport upstream = engine.upstream(0);
            String head = upstream.takeOutput();
            upstream.limitWrites(4);
            client.feed("0123456789");

            engine.run();

            assertEquals("0123", upstream.takeOutput());
            assertFalse(client.wantsRead(), "the client's body waits while the upstream is full");

            upstream.unlimitWrites();
            engine.run();
            assertEquals("456789", upstream.takeOutput());
            assertTrue(head.endsWith("Content-Length: 10\r\n\r\n"), head);
        }
    }

    @Test
    void aResponseThatArrivesBeforeTheRequestBodyEndsIsRelayedAndTheConnectionCloses() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            client.feed("POST /early HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npart");
            engine.run();
            MemoryTransport upstream = engine.upstream(0);
            assertTrue(upstream.takeOutput().endsWith("\r\n\r\npart"), "the head and the body so far, in one write");
            assertEquals(1, upstream.writeCalls());

            upstream.feed("HTTP/1.1 413 Content Too Large\r\nContent-Length: 4\r\n\r\nnope");
            engine.run();

            String response = client.takeOutput();
            assertTrue(response.startsWith("HTTP/1.1 413 ") && response.endsWith("nope"), response);
            assertTrue(client.isOutputShut() || client.isClosed(), "the rest of the body cannot be framed: close");
            assertTrue(upstream.isClosed(), "an upstream given half a request is not reused");
            assertEquals(0, engine.proxy.idleUpstreams());
        }
    }

    @Test
    void anUpstreamFailureMidBodyCutsTheClientOff() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET /cut HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();
            MemoryTransport upstream = engine.upstream(0);
            upstream.feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..");
            engine.run();
            assertTrue(client.takeOutput().endsWith("only ten.."));

            upstream.endInput();
            engine.run();

            assertTrue(client.isClosed(), "closing is the only way to show the body is incomplete");
            assertEquals(1, engine.metrics.errors(ErrorKind.UPSTREAM_ABORT));
            assertEquals(0, engine.openClients);
            assertEquals(0, engine.loop.buffers.inUse());
        }
    }

    @Test
    void anUpstreamThatClosesBeforeAnsweringIsAnswered502() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET /gone HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();

            engine.upstream(0).endInput();
            engine.run();

            assertTrue(client.takeOutput().startsWith("HTTP/1.1 502 Bad Gateway\r\n"));
            assertEquals(1, engine.metrics.errors(ErrorKind.UPSTREAM_ABORT));
        }
    }

    @Test
    void aChunkedResponseIsReframedForTheClientWithItsTrailers() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET /chunks HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();
            engine.upstream(0).feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n");

            engine.run();

            String out = client.takeOutput();
            assertTrue(out.contains("Transfer-Encoding: chunked\r\n"), out);
            assertTrue(out.endsWith("\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n"), out);
        }
    }

    @Test
    void theRequestWaitsForAnUpstreamTransportThatMustReadBeforeItCanWrite() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD, HandshakingTransport::new)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET /tls-like HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();
            MemoryTransport upstream = engine.upstream(0);

            assertEquals("", upstream.takeOutput(), "nothing leaves before the handshake");
            assertTrue(upstream.wantsRead(), "the transport waits to read, though the connection waits to write");

            upstream.feed(HandshakingTransport.HELLO);
            engine.run();
            assertTrue(upstream.takeOutput().startsWith(HandshakingTransport.REPLY + "GET /tls-like HTTP/1.1\r\n"),
                    "the transport's own reply, then the request");

            upstream.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            engine.run();
            assertTrue(client.takeOutput().endsWith("\r\n\r\nok"));
        }
    }
}
