package dev.devproxy.jmh.engine;

import dev.devproxy.DevProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One blocking keep-alive connection with TCP_NODELAY that sends a fixed request and reads its whole response,
 * by Content-Length, checking it is a 200. What the engine benchmarks measure one operation with.
 */
final class LoopbackClient implements AutoCloseable {
    private static final byte[] STATUS_200 = "HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);

    private final SocketChannel channel;
    private final ByteBuffer request;
    private final ByteBuffer response = ByteBuffer.allocate(64 * 1024);

    LoopbackClient(InetSocketAddress address, byte[] request) throws IOException {
        this.request = ByteBuffer.wrap(request.clone());
        this.channel = SocketChannel.open(address);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    /**
     * Opens a connection to {@code server} and makes one round trip, checking that the response is what
     * {@code expected} accepts and that the connection stays open: what each benchmark's {@code @Setup} checks.
     *
     * @param what what the response should be, for the failure message
     * @throws IllegalStateException when the server did not start or the response is not right
     */
    static LoopbackClient openChecked(@Nullable DevProxy server, byte[] request, Predicate<String> expected,
            String what) throws IOException {
        if (server == null) {
            throw new IllegalStateException("the proxy did not start");
        }
        LoopbackClient client = new LoopbackClient(server.address(), request);
        client.roundTrip();
        String text = client.lastResponse();
        if (!expected.test(text)) {
            client.close();
            throw new IllegalStateException("not " + what + ":\n" + text);
        }
        if (text.toLowerCase(Locale.ROOT).contains("\r\nconnection: close")) {
            client.close();
            throw new IllegalStateException("the proxy closes the connection after a response:\n" + text);
        }
        return client;
    }

    /** {@link #roundTrip()} on {@code client}, which a {@code @Setup} has opened. */
    static int roundTrip(@Nullable LoopbackClient client) throws IOException {
        if (client == null) {
            throw new IllegalStateException("not connected");
        }
        return client.roundTrip();
    }

    /** Closes {@code client} if a {@code @Setup} opened it. */
    static void close(@Nullable LoopbackClient client) throws IOException {
        if (client != null) {
            client.close();
        }
    }

    /**
     * Sends the request and reads its whole response.
     *
     * @return the response's length in bytes, head and body
     * @throws IllegalStateException when the response is not a 200 or the connection closes
     */
    int roundTrip() throws IOException {
        request.rewind();
        while (request.hasRemaining()) {
            channel.write(request);
        }
        response.clear();
        int headEnd = -1;
        int scanned = 0;
        while (headEnd < 0) {
            read();
            headEnd = indexOfEmptyLine(response.array(), scanned, response.position());
            scanned = Math.max(0, response.position() - 3);
        }
        byte[] bytes = response.array();
        if (!startsWith(bytes, STATUS_200)) {
            throw new IllegalStateException("not a 200: "
                    + new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1));
        }
        int total = headEnd + contentLength(bytes, headEnd);
        if (total > response.capacity()) {
            throw new IllegalStateException("response of " + total + " bytes exceeds the buffer");
        }
        while (response.position() < total) {
            read();
        }
        if (response.position() != total) {
            throw new IllegalStateException("more bytes than one response: " + response.position() + " > " + total);
        }
        return total;
    }

    /** The last response, head and body, as ISO-8859-1 text; for checks in {@code @Setup}. */
    String lastResponse() {
        return new String(response.array(), 0, response.position(), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void read() throws IOException {
        if (channel.read(response) < 0) {
            throw new IllegalStateException("the server closed the connection");
        }
    }

    /** The index just after the first CRLF CRLF in {@code bytes[from, to)}, or -1. */
    static int indexOfEmptyLine(byte[] bytes, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** The Content-Length in the head {@code bytes[0, headEnd)}; the name is matched ignoring case. */
    static int contentLength(byte[] bytes, int headEnd) {
        outer:
        for (int i = 0; i + CONTENT_LENGTH.length < headEnd; i++) {
            for (int j = 0; j < CONTENT_LENGTH.length; j++) {
                int c = bytes[i + j];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != CONTENT_LENGTH[j]) {
                    continue outer;
                }
            }
            int at = i + CONTENT_LENGTH.length;
            while (bytes[at] == ' ') {
                at++;
            }
            int value = 0;
            while (bytes[at] >= '0' && bytes[at] <= '9') {
                value = value * 10 + (bytes[at] - '0');
                at++;
            }
            return value;
        }
        throw new IllegalStateException("no Content-Length in the response head");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
