package dev.devproxy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A blocking client on a raw {@link Socket}, for what {@code java.net.http} will not send or will not show:
 * malformed requests, pipelining, half-finished requests, and exactly when the server closes.
 *
 * <p>Every read has a deadline: a test that waits for a response that never comes fails with what did arrive,
 * instead of hanging. Responses are framed by {@code Content-Length} (every DevProxy response has one);
 * bytes beyond a response stay buffered for the next {@link #readResponse()}.
 */
final class RawClient implements AutoCloseable {
    static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Bytes read from the socket and not yet handed out as part of a response. */
    private byte[] buffered = new byte[0];
    private long bytesSent;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to the proxy. */
    static RawClient connect(DevProxy proxy) {
        return connect(proxy.address(), 0);
    }

    /**
     * Connects to {@code address}; a positive {@code receiveBufferSize} is set before connecting, so that it
     * bounds the TCP window the server sees.
     */
    static RawClient connect(InetSocketAddress address, int receiveBufferSize) {
        Socket socket = new Socket();
        try {
            if (receiveBufferSize > 0) {
                socket.setReceiveBufferSize(receiveBufferSize);
            }
            socket.connect(address, 5_000);
            return new RawClient(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot connect to " + address, e);
        }
    }

    /**
     * Connects to the proxy's HTTPS listener over TLS as {@code localhost}, trusting its certificate; the JDK's
     * client sends no SNI for that name (only for names with a dot). The handshake is done when this returns.
     */
    static RawClient connectTls(DevProxy proxy) {
        return connectTls(proxy, 0);
    }

    /** {@link #connectTls(DevProxy)} with a receive buffer set before connecting, as {@link #connect(InetSocketAddress, int)}. */
    static RawClient connectTls(DevProxy proxy, int receiveBufferSize) {
        try {
            Socket plain = new Socket();
            if (receiveBufferSize > 0) {
                plain.setReceiveBufferSize(receiveBufferSize);
            }
            plain.connect(proxy.httpsAddress(), 5_000);
            javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) proxy.tlsTrust().sslContext().getSocketFactory()
                    .createSocket(plain, "localhost", proxy.httpsPort(), true);
            socket.setSoTimeout((int) DEFAULT_DEADLINE.toMillis());
            socket.startHandshake();
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect over TLS to " + proxy.httpsAddress(), e);
        }
    }

    Socket socket() {
        return socket;
    }

    /** {@code host:port} of this end, as the server sees it. */
    String localAddress() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** Bytes written so far. */
    long bytesSent() {
        return bytesSent;
    }

    /** Writes {@code text} as ISO-8859-1, one byte per char, in one write. */
    RawClient send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes {@code bytes} in one write. */
    RawClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            bytesSent += bytes.length;
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send " + bytes.length + " bytes", e);
        }
    }

    /** Ends the request stream: the server reads end of input, and this client can still read. */
    void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one complete response, waiting at most {@link #DEFAULT_DEADLINE}. */
    RawResponse readResponse() {
        return readResponse(DEFAULT_DEADLINE);
    }

    /** Reads one complete response, failing the test when it is not complete within {@code deadline}. */
    RawResponse readResponse(Duration deadline) {
        return readResponse(deadline, true);
    }

    /** Reads the response to a HEAD request: its Content-Length announces a body that is not sent. */
    RawResponse readHeadOnlyResponse() {
        return readResponse(DEFAULT_DEADLINE, false);
    }

    private RawResponse readResponse(Duration deadline, boolean bodyFollows) {
        long end = System.nanoTime() + deadline.toNanos();
        int headEnd;
        while ((headEnd = indexOf(buffered, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) < 0) {
            readMore(end, "a response head");
        }
        String head = new String(buffered, 0, headEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n", -1);
        String statusLine = lines[0];
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            fail("not a status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                fail("malformed header line '" + lines[i] + "' in:\n" + head);
            }
            headers.add(Map.entry(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()));
        }
        int bodyStart = headEnd + 4;
        int bodyLength = 0;
        if (status >= 200 && bodyFollows) {
            String contentLength = RawResponse.first(headers, "Content-Length");
            if (contentLength == null) {
                fail("response without Content-Length:\n" + head);
            }
            bodyLength = Integer.parseInt(contentLength);
        }
        while (buffered.length < bodyStart + bodyLength) {
            readMore(end, "a body of " + bodyLength + " bytes");
        }
        byte[] body = java.util.Arrays.copyOfRange(buffered, bodyStart, bodyStart + bodyLength);
        int wireLength = bodyStart + bodyLength;
        buffered = java.util.Arrays.copyOfRange(buffered, wireLength, buffered.length);
        return new RawResponse(statusLine, status, List.copyOf(headers), body, wireLength);
    }

    /**
     * Returns null when no byte arrives within {@code wait}; otherwise reads the whole response that began to
     * arrive, within the default deadline.
     */
    @Nullable RawResponse pollResponse(Duration wait) {
        if (buffered.length == 0) {
            byte[] chunk = new byte[16 * 1024];
            int count;
            try {
                socket.setSoTimeout(Math.toIntExact(Math.max(1, wait.toMillis())));
                count = in.read(chunk);
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                throw new AssertionError("connection failed while polling for a response", e);
            }
            if (count < 0) {
                fail("the server closed the connection without a response");
            }
            buffered = java.util.Arrays.copyOf(chunk, count);
        }
        return readResponse();
    }

    /** Fails unless nothing at all (no byte, no end of stream) arrives within {@code wait}. */
    void assertNothingArrivesWithin(Duration wait) {
        if (buffered.length > 0) {
            fail("expected nothing, but already have: " + printable(buffered));
        }
        try {
            socket.setSoTimeout(Math.toIntExact(Math.max(1, wait.toMillis())));
            byte[] chunk = new byte[8192];
            int count = in.read(chunk);
            if (count < 0) {
                fail("expected nothing within " + wait.toMillis() + " ms, but the server closed the connection");
            }
            fail("expected nothing within " + wait.toMillis() + " ms, but got: "
                    + printable(java.util.Arrays.copyOf(chunk, count)));
        } catch (SocketTimeoutException expected) {
            // Nothing arrived: what we wanted.
        } catch (IOException e) {
            throw new UncheckedIOException("expected nothing, but the connection failed", e);
        }
    }

    /** Fails unless the server ends the stream (an orderly close, not a reset) within the default deadline, sending nothing more. */
    void assertClosedByServer() {
        assertClosedByServer(DEFAULT_DEADLINE);
    }

    /** Fails unless the server ends the stream (an orderly close, not a reset) within {@code deadline}, sending nothing more. */
    void assertClosedByServer(Duration deadline) {
        if (buffered.length > 0) {
            fail("expected the connection to close, but have unread bytes: " + printable(buffered));
        }
        long end = System.nanoTime() + deadline.toNanos();
        try {
            socket.setSoTimeout(remainingMillis(end, "the server to close the connection"));
            byte[] chunk = new byte[8192];
            int count = in.read(chunk);
            if (count >= 0) {
                fail("expected the connection to close, but got: " + printable(java.util.Arrays.copyOf(chunk, count)));
            }
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection within " + deadline.toMillis() + " ms");
        } catch (SocketException e) {
            fail("expected an orderly close, but the connection failed: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the server ends the connection (orderly or by reset), discarding whatever arrives; fails
     * after {@code deadline}. For clients the server cuts off, where a reset is expected.
     */
    void awaitConnectionEnd(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        byte[] chunk = new byte[64 * 1024];
        try {
            while (true) {
                socket.setSoTimeout(remainingMillis(end, "the connection to end"));
                if (in.read(chunk) < 0) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            fail("the connection did not end within " + deadline.toMillis() + " ms");
        } catch (SocketException e) {
            // Reset: ended.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readMore(long end, String waitingFor) {
        byte[] chunk = new byte[16 * 1024];
        int count;
        try {
            socket.setSoTimeout(remainingMillis(end, waitingFor));
            count = in.read(chunk);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("timed out waiting for " + waitingFor + "; got so far: " + printable(buffered));
        } catch (IOException e) {
            throw new AssertionError("connection failed waiting for " + waitingFor + " (" + e + "); got so far: "
                    + printable(buffered), e);
        }
        if (count < 0) {
            fail("the server closed the connection while we waited for " + waitingFor + "; got so far: "
                    + printable(buffered));
        }
        byte[] grown = java.util.Arrays.copyOf(buffered, buffered.length + count);
        System.arraycopy(chunk, 0, grown, buffered.length, count);
        buffered = grown;
    }

    private int remainingMillis(long end, String waitingFor) {
        long left = end - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError("timed out waiting for " + waitingFor + "; got so far: " + printable(buffered));
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** At most 2000 bytes as text, for failure messages. */
    static String printable(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 2000), StandardCharsets.ISO_8859_1);
        return "'" + text.replace("\r", "\\r").replace("\n", "\\n\n") + "'" + (bytes.length > 2000 ? "..." : "");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One response as it came off the wire.
     *
     * @param statusLine the status line without its CRLF
     * @param status the status code
     * @param headers the header fields in order, names as sent, values trimmed
     * @param body the body bytes, as many as Content-Length said
     * @param wireLength the bytes the response took on the wire, head and body
     */
    record RawResponse(String statusLine, int status, List<Map.Entry<String, String>> headers, byte[] body,
            int wireLength) {

        /** The value of the first field named {@code name} (ignoring case), or null. */
        @Nullable String header(String name) {
            return first(headers, name);
        }

        /** The number of fields named {@code name}, ignoring case. */
        long headerCount(String name) {
            return headers.stream().filter(field -> field.getKey().equalsIgnoreCase(name)).count();
        }

        /** The body decoded as UTF-8. */
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        static @Nullable String first(List<Map.Entry<String, String>> headers, String name) {
            for (Map.Entry<String, String> field : headers) {
                if (field.getKey().equalsIgnoreCase(name)) {
                    return field.getValue();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return statusLine + " " + headers + " " + printable(body);
        }
    }
}
