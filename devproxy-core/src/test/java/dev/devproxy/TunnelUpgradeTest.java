package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upgrade pass-through: a WebSocket handshake is forwarded with its Upgrade fields, and only a {@code 101} naming
 * websocket turns the connection into a tunnel (RFC 9110 sections 7.8 and 15.2.2). The JDK's WebSocket client
 * talks through {@code /proxy/} to an RFC 6455 echo server written here; raw sockets check the refusals.
 */
@Timeout(30)
class TunnelUpgradeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private DevProxy proxy;
    private WebSocketEchoServer upstream;

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void theJdkWebSocketClientTalksThroughTheProxyToAnEchoServer() throws Exception {
        upstream = WebSocketEchoServer.start(WebSocketEchoServer::accept101);
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.port())).build().start();
        Listener listener = new Listener();

        CompletableFuture<WebSocket> opening = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + proxy.port() + "/proxy/echo"), listener);
        String head = upstream.heads.poll(5, TimeUnit.SECONDS);
        assertTrue(head.startsWith("GET /echo HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nUpgrade: websocket\r\n") && head.contains("\r\nConnection: Upgrade\r\n"), head);
        WebSocket socket = opening.get(10, TimeUnit.SECONDS);

        socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertEquals("hello", listener.messages.poll(10, TimeUnit.SECONDS)); // 10 s: margin for a loaded machine
        byte[] large = new byte[300_000]; // larger than a pool buffer: backpressure both ways
        new Random(7).nextBytes(large);
        String encoded = Base64.getEncoder().encodeToString(large);
        socket.sendText(encoded, true).get(10, TimeUnit.SECONDS);
        assertEquals(encoded, listener.messages.poll(10, TimeUnit.SECONDS));
        assertEquals(1, proxy.server().metrics().openTunnels());

        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, listener.closed.get(5, TimeUnit.SECONDS));
        TestSupport.await("the tunnel closed", () -> proxy.server().metrics().openTunnels() == 0,
                () -> proxy.server().metrics().openTunnels());
        TestSupport.awaitNoOpenConnections(proxy);
        TestSupport.awaitNoBuffersInUse(proxy);
        assertEquals(101, proxy.journal().all().get(0).status());
    }

    @Test
    void anUpgradeAnsweredWithAnythingButA101IsRelayedAsAResponseAndOpensNoTunnel() throws Exception {
        upstream = WebSocketEchoServer.start(head -> "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 4\r\n\r\nnope");
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.port())).build().start();
        try (Socket client = new Socket(LOOPBACK, proxy.port())) {
            client.setSoTimeout(10_000);
            send(client, upgradeRequest("/proxy/ws") + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 426 "), answer);
            // The request behind it is parsed as HTTP (echoed), not tunnelled to the upstream.
            assertTrue(answer.indexOf("HTTP/1.1 200 ") > 0, answer);
        }
        assertEquals(0, proxy.server().metrics().openTunnels());
    }

    @Test
    void a101NamingAnotherProtocolIs502() throws Exception {
        upstream = WebSocketEchoServer.start(head -> "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.port())).build().start();
        try (Socket client = new Socket(LOOPBACK, proxy.port())) {
            client.setSoTimeout(10_000);
            send(client, upgradeRequest("/proxy/ws"));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
        }
        assertEquals(0, proxy.server().metrics().openTunnels());
    }

    @Test
    void upgradeToH2cIsNeverPassedOn() throws Exception {
        upstream = WebSocketEchoServer.start(head -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.port())).build().start();
        try (Socket client = new Socket(LOOPBACK, proxy.port())) {
            client.setSoTimeout(10_000);
            send(client, "GET /proxy/x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            assertTrue(TunnelTest.readHead(client.getInputStream()).startsWith("HTTP/1.1 200 "));
        }
        String head = upstream.heads.poll(5, TimeUnit.SECONDS);
        assertFalse(head.toLowerCase().contains("upgrade"), head);
        assertFalse(head.toLowerCase().contains("http2-settings"), head);
    }

    @Test
    @Timeout(120) // about 2.5 s on an idle 2-core machine
    void oneHundredMebibytesEachWayCrossAWebSocketTunnelByteExactWhileTheHeapStaysFlat() throws Exception {
        long size = 100L * 1024 * 1024;
        int frame = 64 * 1024;
        upstream = WebSocketEchoServer.start();
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.port())).build().start();
        long heapBefore = usedHeapAfterGc();
        try (Socket client = new Socket(LOOPBACK, proxy.port())) {
            client.setSoTimeout(30_000);
            send(client, upgradeRequest("/proxy/ws"));
            assertTrue(TunnelTest.readHead(client.getInputStream()).startsWith("HTTP/1.1 101 "));
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                // Binary frames with a zero masking key (RFC 6455 section 5.3: any key; XOR with zeros keeps the
                // bytes), so the echo comes back as sent.
                byte[] head = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0, 0, (byte) (frame >> 16), (byte) (frame >> 8),
                    (byte) frame, 0, 0, 0, 0};
                byte[] payload = new byte[frame];
                Random random = new Random(9);
                try {
                    OutputStream out = client.getOutputStream();
                    for (long left = size; left > 0; left -= frame) {
                        random.nextBytes(payload);
                        sent.update(payload);
                        out.write(head);
                        out.write(payload);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream(), 64 * 1024));
            byte[] payload = new byte[frame];
            for (long total = 0; total < size; total += frame) {
                assertEquals(0x82, in.readUnsignedByte(), "a binary frame, final");
                assertEquals(127, in.readUnsignedByte(), "unmasked, with a 64-bit length");
                assertEquals(frame, in.readLong());
                in.readFully(payload);
                received.update(payload);
            }
            writing.get(60, TimeUnit.SECONDS);
            assertArrayEquals(sent.digest(), received.digest(), "the bytes that came back are the bytes sent");
        }
        long grown = usedHeapAfterGc() - heapBefore;
        // Each direction holds one 16 KiB pool buffer at most; 16 MiB of margin covers the JDK's own noise.
        assertTrue(grown < 16L * 1024 * 1024, () -> "the heap grew by " + grown + " bytes");
        TestSupport.await("the tunnel closed", () -> proxy.server().metrics().openTunnels() == 0,
                () -> proxy.server().metrics().openTunnels());
        TestSupport.awaitNoBuffersInUse(proxy);
    }

    /** Heap in use after asking for a full collection twice; coarse, so compare with a generous bound. */
    private static long usedHeapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String upgradeRequest(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Collects whole text messages and the close. */
    private static final class Listener implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
