package dev.devproxy.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.Upstream;
import dev.devproxy.internal.loop.MemoryTransport;
import dev.devproxy.internal.loop.TransportHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The CONNECT layer to the next proxy over an in-memory socket: what it sends, that it reports a connection only
 * on a 2xx however the answer is split, and that anything else fails the connect naming the answer.
 */
class ProxyConnectTransportTest {
    private final MemoryTransport socket = new MemoryTransport();
    private final ProxyConnectTransport transport = new ProxyConnectTransport(socket, Upstream.of("api.test", 443, true));
    private final Recorder above = new Recorder();

    ProxyConnectTransportTest() {
        transport.bind(above);
    }

    /** What the layer above (TLS) hears. */
    private static final class Recorder implements TransportHandler {
        boolean connected;
        @Nullable IOException failure;

        @Override
        public void onReady(boolean readable, boolean writable) {
        }

        @Override
        public void onConnected() {
            connected = true;
        }

        @Override
        public void onConnectFailed(IOException failure) {
            this.failure = failure;
        }

        @Override
        public void forceClose() {
        }
    }

    private void pumpAll() {
        while (socket.pump()) {
            // until nothing is signalled
        }
    }

    @Test
    void aCONNECTForTheUpstreamIsSentAndA200SplitAnyhowOpensTheTunnel() throws IOException {
        assertFalse(transport.connect(new InetSocketAddress("127.0.0.1", 3128)), "connected only once the proxy answers");
        assertEquals("CONNECT api.test:443 HTTP/1.1\r\nHost: api.test:443\r\n\r\n", socket.takeOutput());

        String answer = "HTTP/1.1 200 Connection Established\r\nVia: 1.1 next\r\n\r\n";
        for (int i = 0; i < answer.length(); i++) {
            assertFalse(above.connected, "not before the end of the head");
            socket.feed(answer.substring(i, i + 1));
            pumpAll();
        }

        assertTrue(above.connected);
        assertNull(above.failure);
        transport.write(new ByteBuffer[] {ByteBuffer.wrap("tls".getBytes(StandardCharsets.US_ASCII))}, 0, 1);
        assertEquals("tls", socket.takeOutput(), "then the layer is the socket itself");
    }

    @Test
    void aRefusalFailsTheConnectWithTheProxysStatusLine() throws IOException {
        transport.connect(new InetSocketAddress("127.0.0.1", 3128));
        socket.takeOutput();

        socket.feed("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        pumpAll();

        assertFalse(above.connected);
        assertTrue(above.failure != null && above.failure.getMessage().contains("403 Forbidden"), String.valueOf(above.failure));
    }

    @Test
    void aProxyThatClosesOrSendsBytesAfterItsAnswerFailsTheConnect() throws IOException {
        transport.connect(new InetSocketAddress("127.0.0.1", 3128));
        socket.feed("HTTP/1.1 200 OK\r\n\r\nunasked");
        pumpAll();
        assertTrue(above.failure != null && above.failure.getMessage().contains("after its 2xx"), String.valueOf(above.failure));

        MemoryTransport closing = new MemoryTransport();
        ProxyConnectTransport second = new ProxyConnectTransport(closing, Upstream.of("api.test", 443, true));
        Recorder heard = new Recorder();
        second.bind(heard);
        second.connect(new InetSocketAddress("127.0.0.1", 3128));
        closing.endInput();
        closing.pump();
        assertTrue(heard.failure != null && heard.failure.getMessage().contains("closed"), String.valueOf(heard.failure));
    }
}
