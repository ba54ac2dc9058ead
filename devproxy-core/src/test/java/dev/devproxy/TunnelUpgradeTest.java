package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.function.Function;
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
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private DevProxy proxy;
    private ServerSocket upstream;
    private final BlockingQueue<String> upstreamHeads = new LinkedBlockingQueue<>();

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
        startUpstream(TunnelUpgradeTest::accept101);
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.getLocalPort())).build().start();
        Listener listener = new Listener();

        CompletableFuture<WebSocket> opening = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + proxy.port() + "/proxy/echo"), listener);
        String head = upstreamHeads.poll(5, TimeUnit.SECONDS);
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
        startUpstream(head -> "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 4\r\n\r\nnope");
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.getLocalPort())).build().start();
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
        startUpstream(head -> "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.getLocalPort())).build().start();
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
        startUpstream(head -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.getLocalPort())).build().start();
        try (Socket client = new Socket(LOOPBACK, proxy.port())) {
            client.setSoTimeout(10_000);
            send(client, "GET /proxy/x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            assertTrue(TunnelTest.readHead(client.getInputStream()).startsWith("HTTP/1.1 200 "));
        }
        String head = upstreamHeads.poll(5, TimeUnit.SECONDS);
        assertFalse(head.toLowerCase().contains("upgrade"), head);
        assertFalse(head.toLowerCase().contains("http2-settings"), head);
    }

    // ---- An RFC 6455 echo server ---------------------------------------------------------------------------

    /** The handshake's answer: 101 with the accept key of RFC 6455 section 4.2.2, and a frame sent at once. */
    private static String accept101(String head) {
        String key = null;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                key = line.substring(18).trim();
            }
        }
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(sha1) + "\r\n\r\n";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Accepts connections; answers each head with {@code answer}, then, after a 101, echoes frames. */
    private void startUpstream(Function<String, String> answer) throws IOException {
        upstream = new ServerSocket(0, 50, LOOPBACK);
        Thread acceptor = new Thread(() -> {
            while (!upstream.isClosed()) {
                try {
                    Socket socket = upstream.accept();
                    Thread worker = new Thread(() -> serve(socket, answer), "ws-upstream");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "ws-upstream-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(Socket socket, Function<String, String> answer) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String head = TunnelTest.readHead(in);
            upstreamHeads.add(head);
            OutputStream out = socket.getOutputStream();
            String response = answer.apply(head);
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (response.startsWith("HTTP/1.1 101 ") && response.contains("websocket")) {
                echoFrames(new DataInputStream(in), out);
            }
        } catch (IOException e) {
            // the peer went away
        }
    }

    /** Echoes each client frame (masked, RFC 6455 section 5.3) unmasked; answers a close with a close. */
    private static void echoFrames(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = new byte[4];
            if ((second & 0x80) != 0) {
                in.readFully(mask);
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(first);
            if (length < 126) {
                frame.write((int) length);
            } else if (length < 65_536) {
                frame.write(126);
                frame.write((int) (length >> 8));
                frame.write((int) length);
            } else {
                frame.write(127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    frame.write((int) (length >> shift));
                }
            }
            frame.write(payload);
            out.write(frame.toByteArray());
            out.flush();
            if ((first & 0x0f) == 0x8) {
                return; // close: answered, and the server closes the connection (RFC 6455 section 5.5.1)
            }
        }
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
