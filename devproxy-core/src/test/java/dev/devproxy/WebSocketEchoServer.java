package dev.devproxy;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * An RFC 6455 echo server on a loopback port, written for the tests so that nothing between the client and it
 * but DevProxy can be at fault: each connection's request head is answered with what a function makes of it,
 * and after a {@code 101} naming websocket every frame the client sends comes back unmasked.
 */
final class WebSocketEchoServer implements Closeable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    /** Every request head received, in order of arrival. */
    final BlockingQueue<String> heads = new LinkedBlockingQueue<>();

    private WebSocketEchoServer(ServerSocket server) {
        this.server = server;
    }

    /** An echo server that accepts every handshake. */
    static WebSocketEchoServer start() throws IOException {
        return start(WebSocketEchoServer::accept101);
    }

    /** Accepts connections; answers each head with {@code answer}, then, after a 101, echoes frames. */
    static WebSocketEchoServer start(Function<String, String> answer) throws IOException {
        WebSocketEchoServer echo = new WebSocketEchoServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(() -> {
            while (!echo.server.isClosed()) {
                try {
                    Socket socket = echo.server.accept();
                    Thread worker = new Thread(() -> echo.serve(socket, answer), "ws-upstream");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "ws-upstream-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return echo;
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** The handshake's answer: 101 with the accept key of RFC 6455 section 4.2.2. */
    static String accept101(String head) {
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

    private void serve(Socket socket, Function<String, String> answer) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String head = TunnelTest.readHead(in);
            heads.add(head);
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
}
