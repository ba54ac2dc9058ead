package dev.devproxy.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.Config;
import dev.devproxy.ErrorKind;
import dev.devproxy.Response;
import dev.devproxy.Route;
import dev.devproxy.Router;
import dev.devproxy.internal.loop.HandshakingTransport;
import dev.devproxy.internal.loop.MemoryTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client connection driven over the in-memory transport: no socket, no thread, milliseconds each. */
@Timeout(10)
class ClientConnectionTest {
    /** Answers each request with its path as the body. */
    private static final Router PATH = head -> Route.respond(Response.newBuilder(200).body(head.path()).build());

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnePerWrite() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), PATH)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /three HTTP/1.1\r\nHost: h\r\n\r\n");

            engine.run();

            String out = client.takeOutput();
            assertTrue(out.indexOf("/one") < out.indexOf("/two") && out.indexOf("/two") < out.indexOf("/three"), out);
            assertEquals(3, count(out, "HTTP/1.1 200 OK"));
            assertEquals(3, client.writeCalls(), "each response leaves in one write, head and body together");
            assertFalse(client.isClosed());
        }
    }

    @Test
    void aClientThatDoesNotReadHoldsBackTheNextPipelinedResponse() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), PATH)) {
            MemoryTransport client = engine.connectClient();
            client.limitWrites(20);
            client.feed("GET /first HTTP/1.1\r\nHost: h\r\n\r\nGET /second HTTP/1.1\r\nHost: h\r\n\r\n");

            engine.run();

            assertEquals(20, client.takeOutput().length(), "only what the client made room for");
            assertTrue(client.wantsWrite(), "waiting for the client to read");

            client.unlimitWrites();
            engine.run();

            String out = client.takeOutput();
            assertTrue(out.contains("/first") && out.endsWith("/second"), out);
            assertEquals(1, count(out, "HTTP/1.1 200 OK"), "the second response starts only after the first");
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffAfterTheWriteTimeout() throws Exception {
        Config config = Config.defaults().toBuilder().writeTimeout(Duration.ofSeconds(5)).build();
        try (Embedded engine = new Embedded(config, PATH)) {
            MemoryTransport client = engine.connectClient();
            client.limitWrites(10);
            client.feed("GET /stuck HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();

            engine.advanceMillis(4_900);
            assertFalse(client.isClosed(), "still within the write timeout");
            engine.advanceMillis(200);

            assertTrue(client.isClosed());
            assertEquals(1, engine.metrics.errors(ErrorKind.WRITE_TIMEOUT));
            assertEquals(0, engine.openClients);
            assertEquals(0, engine.loop.buffers.inUse(), "no pool buffer leaked");
        }
    }

    @Test
    void idleConnectionReleasesItsBufferBetweenRequests() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), PATH)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();

            assertTrue(client.takeOutput().startsWith("HTTP/1.1 200 OK"));
            assertEquals(0, engine.loop.buffers.inUse());
        }
    }

    @Test
    void inputATransportHoldsIsReadWithoutTheSocketSignallingIt() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), PATH)) {
            MemoryTransport socket = new MemoryTransport();
            HandshakingTransport layer = new HandshakingTransport(socket);
            engine.connectClient(layer, socket);
            socket.feed(HandshakingTransport.HELLO + "GET /held HTTP/1.1\r\nHost: h\r\n\r\n");

            engine.run();

            assertFalse(layer.isHandshaking());
            assertTrue(layer.readsFromHeldInput() > 0, "the layer handed up bytes it held in pieces");
            assertTrue(socket.takeOutput().endsWith("/held"));
        }
    }

    @Test
    void nothingIsWrittenBeforeTheTransportHasReadItsHandshake() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), PATH)) {
            MemoryTransport socket = new MemoryTransport();
            HandshakingTransport layer = new HandshakingTransport(socket);
            engine.connectClient(layer, socket);
            socket.feed("HEL");

            engine.run();

            assertTrue(layer.isHandshaking());
            assertEquals("", socket.takeOutput());
            socket.feed("LOGET /late HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();
            String out = socket.takeOutput();
            assertTrue(out.startsWith(HandshakingTransport.REPLY + "HTTP/1.1 200 OK\r\n") && out.endsWith("/late"), out);
        }
    }

    @Test
    void aTransportThatMustWriteBeforeItCanReadWaitsForRoomThoughTheConnectionOnlyWantsToRead() throws Exception {
        try (Embedded engine = new Embedded(Config.defaults(), PATH)) {
            MemoryTransport socket = new MemoryTransport();
            HandshakingTransport layer = new HandshakingTransport(socket);
            engine.connectClient(layer, socket);
            socket.limitWrites(2);
            socket.feed(HandshakingTransport.HELLO + "GET /after-reply HTTP/1.1\r\nHost: h\r\n\r\n");

            engine.run();

            assertTrue(layer.isReplying(), "the reply did not fit");
            assertTrue(socket.wantsWrite() && !socket.wantsRead(), "so the socket waits for room, not for input");
            assertEquals(HandshakingTransport.REPLY.substring(0, 2), socket.takeOutput());

            socket.unlimitWrites();
            engine.run();

            String out = socket.takeOutput();
            assertTrue(out.startsWith(HandshakingTransport.REPLY.substring(2) + "HTTP/1.1 200 OK\r\n"), out);
            assertTrue(out.endsWith("/after-reply"), out);
        }
    }

    @Test
    void eachPhaseEndsAfterItsOwnTimeoutFromItsOwnStart() throws Exception {
        Config config = Config.defaults().toBuilder().requestLineTimeout(Duration.ofSeconds(5))
                .headerTimeout(Duration.ofSeconds(10)).build();
        try (Embedded engine = new Embedded(config, PATH)) {
            MemoryTransport client = engine.connectClient();
            engine.advanceMillis(4_000);
            client.feed("GET / HT"); // REQUEST_LINE begins at t = 4 s, due at 9 s
            engine.run();
            engine.advanceMillis(4_900);
            assertEquals("", client.takeOutput(), "the request line has 5 s from its first byte, not from accept");
            client.feed("TP/1.1\r\n"); // HEADERS begins at t = 8.9 s, due at 18.9 s
            engine.run();
            engine.advanceMillis(9_900);
            assertEquals("", client.takeOutput());

            engine.advanceMillis(200);

            assertTrue(client.takeOutput().startsWith("HTTP/1.1 408 Request Timeout\r\n"));
            assertEquals(1, engine.metrics.errors(ErrorKind.REQUEST_TIMEOUT));
        }
    }

    @Test
    void aConnectionThatNeverSendsIsClosedQuietlyAfterTheRequestLineTimeout() throws Exception {
        Config config = Config.defaults().toBuilder().requestLineTimeout(Duration.ofSeconds(5)).build();
        try (Embedded engine = new Embedded(config, PATH)) {
            MemoryTransport client = engine.connectClient();

            engine.advanceMillis(5_100);

            assertTrue(client.isClosed());
            assertEquals("", client.takeOutput(), "nothing was asked, so nothing is answered");
            assertEquals(0, engine.metrics.errors(ErrorKind.REQUEST_TIMEOUT));
        }
    }

    @Test
    void anIdleConnectionIsClosedQuietlyAfterTheKeepAliveTimeout() throws Exception {
        Config config = Config.defaults().toBuilder().keepAliveTimeout(Duration.ofSeconds(3)).build();
        try (Embedded engine = new Embedded(config, PATH)) {
            MemoryTransport client = engine.connectClient();
            client.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            engine.run();
            client.takeOutput();

            engine.advanceMillis(2_900);
            assertFalse(client.isClosed());
            engine.advanceMillis(200);

            assertTrue(client.isClosed());
            assertEquals("", client.takeOutput());
        }
    }

    static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
