package dev.devproxy.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.Config;
import dev.devproxy.Route;
import dev.devproxy.Router;
import dev.devproxy.Upstream;
import dev.devproxy.internal.loop.MemoryTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A WebSocket upgrade that becomes a byte tunnel, between an in-memory client and an in-memory upstream, on a
 * manual clock: the switch, bytes both ways, backpressure, half-close and the tunnel's own timeout, with no
 * socket and no thread.
 */
@Timeout(10)
class TunnelExchangeTest {
    private static final Upstream UPSTREAM = Upstream.of("127.0.0.1", 9);
    private static final Router FORWARD = head -> Route.forward(UPSTREAM, head.target());
    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    private static final String SWITCHED = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

    /** Opens a tunnel through {@code engine} and returns the upstream's transport; the 101 is taken. */
    private static MemoryTransport openTunnel(Embedded engine, MemoryTransport client) {
        client.feed(UPGRADE);
        engine.run();
        MemoryTransport upstream = engine.upstream(0);
        String forwarded = upstream.takeOutput();
        assertTrue(forwarded.startsWith("GET /ws HTTP/1.1\r\n") && forwarded.contains("\r\nUpgrade: websocket\r\n"),
                forwarded);
        upstream.feed(SWITCHED);
        engine.run();
        String answer = client.takeOutput();
        assertTrue(answer.startsWith("HTTP/1.1 101 "), answer);
        return upstream;
    }

    @Test
    void anIdleTunnelOutlivesTheWriteTimeoutAndClosesAtItsOwnIdleTimeout() throws Exception {
        Config config = Config.defaults();
        try (Embedded engine = new Embedded(config, FORWARD)) {
            MemoryTransport client = engine.connectClient();
            MemoryTransport upstream = openTunnel(engine, client);

            // The 101 was queued when the connection entered the tunnel and written at once after: the deadline set
            // while it waited is the write timeout's, and must not outlive the write.
            engine.advanceMillis(config.writeTimeout().toMillis() + 1_000);
            assertFalse(client.isClosed(), "an idle tunnel is not cut off by the write timeout");
            client.feed("ping");
            engine.run();
            assertEquals("ping", upstream.takeOutput());

            engine.advanceMillis(config.tunnelIdleTimeout().toMillis() - 1_000);
            assertFalse(client.isClosed(), "bytes moved: the idle timeout starts again");
            engine.advanceMillis(2_000);
            assertTrue(client.isClosed() && upstream.isClosed(), "idle for the whole tunnel idle timeout: both closed");
        }
    }

    @Test
    void bytesTheUpstreamSendsRightBehindThe101ReachTheClient() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            client.feed(UPGRADE);
            engine.run();
            MemoryTransport upstream = engine.upstream(0);
            upstream.takeOutput();

            upstream.feed(SWITCHED + "\u0081\u0005hello"); // a text frame in the same read as the head
            engine.run();

            String answer = client.takeOutput();
            assertTrue(answer.startsWith("HTTP/1.1 101 ") && answer.endsWith("\r\n\r\n\u0081\u0005hello"), answer);
            assertEquals(1, engine.metrics.openTunnels());
        }
    }

    @Test
    void aClientThatReadsSlowlyPausesTheUpstreamUntilItDrains() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            MemoryTransport upstream = openTunnel(engine, client);
            client.limitWrites(10);

            upstream.feed("x".repeat(100_000));
            engine.run();
            assertEquals(10, client.takeOutput().length());
            assertTrue(upstream.unreadInput() > 0, "the upstream is not read while the client cannot take more");

            client.unlimitWrites();
            engine.run();
            assertEquals(100_000 - 10, client.takeOutput().length(), "every byte, once the client reads");
            assertEquals(0, upstream.unreadInput());
        }
    }

    @Test
    void aHalfCloseFromEitherSideIsPassedOnAndTheTunnelEndsWhenBothHaveEnded() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), FORWARD)) {
            MemoryTransport client = engine.connectClient();
            MemoryTransport upstream = openTunnel(engine, client);

            client.feed("last words");
            client.endInput();
            engine.run();
            assertEquals("last words", upstream.takeOutput());
            assertTrue(upstream.isOutputShut(), "the client's FIN goes on to the upstream once its bytes are written");
            assertFalse(client.isClosed(), "the other direction still carries bytes");

            upstream.feed("reply");
            upstream.endInput();
            engine.run();
            assertEquals("reply", client.takeOutput());
            assertTrue(client.isClosed() && upstream.isClosed(), "both directions ended: the tunnel closed");
            assertEquals(0, engine.metrics.openTunnels());
            assertEquals(0, engine.loop.buffers.inUse());
        }
    }
}
