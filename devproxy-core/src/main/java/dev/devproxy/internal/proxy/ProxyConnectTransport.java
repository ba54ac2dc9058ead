package dev.devproxy.internal.proxy;

import dev.devproxy.Upstream;
import dev.devproxy.internal.loop.Transport;
import dev.devproxy.internal.loop.TransportHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A tunnel through the next proxy, as a layer over the socket's transport: once the socket to the proxy connects,
 * it sends {@code CONNECT host:port} (RFC 9110 section 9.3.6), reads the proxy's answer, and reports itself
 * connected only on a {@code 2xx}; from then on it is the socket, byte for byte. The TLS layer of an HTTPS
 * upstream sits on top, so the handshake, SNI and certificate checks are the upstream's own, end to end. Any other
 * answer, or the proxy closing, fails the connect with the proxy's status line. Confined to the loop's thread.
 */
final class ProxyConnectTransport implements Transport, TransportHandler {
    /** The most a proxy's answer to CONNECT may take; a 2xx has no content, its head a few fields at most. */
    private static final int MAX_ANSWER = 8 * 1024;

    private final Transport socket;
    private final String authority;
    private final ByteBuffer[] request = new ByteBuffer[1];
    private @Nullable ByteBuffer answer;
    private @Nullable TransportHandler handler;
    private boolean connecting;
    private boolean established;

    /** @param upstream where the tunnel should go: its authority is what the CONNECT asks for */
    ProxyConnectTransport(Transport socket, Upstream upstream) {
        this.socket = socket;
        this.authority = upstream.authority();
        socket.bind(this);
    }

    @Override
    public void bind(TransportHandler handler) {
        this.handler = handler;
    }

    private TransportHandler handler() {
        TransportHandler bound = handler;
        if (bound == null) {
            throw new IllegalStateException("no connection is bound to this transport");
        }
        return bound;
    }

    @Override
    public boolean connect(InetSocketAddress proxy) throws IOException {
        connecting = true;
        if (socket.connect(proxy)) {
            onConnected();
        }
        return false; // connected once the proxy has answered 2xx
    }

    @Override
    public void onConnected() {
        request[0] = ByteBuffer.wrap(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        answer = ByteBuffer.allocate(MAX_ANSWER);
        sendRequest();
    }

    @Override
    public void onConnectFailed(IOException failure) {
        connecting = false;
        handler().onConnectFailed(failure);
    }

    @Override
    public void onReady(boolean readable, boolean writable) {
        if (established) {
            handler().onReady(readable, writable);
            return;
        }
        if (!connecting) {
            return;
        }
        ByteBuffer pending = request[0];
        if (writable && pending != null && pending.hasRemaining()) {
            sendRequest();
        } else if (readable) {
            readAnswer();
        }
    }

    private void sendRequest() {
        ByteBuffer pending = request[0];
        try {
            socket.write(request, 0, 1);
        } catch (IOException e) {
            failConnect(e);
            return;
        }
        socket.interest(pending == null || !pending.hasRemaining(), pending != null && pending.hasRemaining());
    }

    /** Reads the proxy's answer up to the end of its head; a 2xx opens the tunnel. */
    private void readAnswer() {
        ByteBuffer into = answer;
        if (into == null) {
            return;
        }
        int count;
        try {
            count = socket.read(into);
        } catch (IOException e) {
            failConnect(e);
            return;
        }
        if (count < 0) {
            failConnect(new IOException("the next proxy closed the connection before answering CONNECT " + authority));
            return;
        }
        int end = endOfHead(into);
        if (end < 0) {
            if (!into.hasRemaining()) {
                failConnect(new IOException("the next proxy's answer to CONNECT is longer than " + MAX_ANSWER + " bytes"));
            }
            return;
        }
        String head = new String(into.array(), 0, end, StandardCharsets.ISO_8859_1);
        int lineEnd = head.indexOf('\r');
        String statusLine = lineEnd < 0 ? head : head.substring(0, lineEnd);
        if (!statusLine.matches("HTTP/1\\.[01] 2\\d\\d( .*)?")) {
            failConnect(new IOException("the next proxy answered CONNECT " + authority + " with " + statusLine));
            return;
        }
        if (into.position() > end) {
            // RFC 9110 section 9.3.6: the tunnel starts after the head, and the upstream speaks only once TLS has.
            failConnect(new IOException("the next proxy sent bytes after its 2xx to CONNECT, before any were asked for"));
            return;
        }
        answer = null;
        request[0] = null;
        established = true;
        connecting = false;
        handler().onConnected();
    }

    /** The index just after {@code CRLF CRLF} in what was read, or -1. */
    private static int endOfHead(ByteBuffer read) {
        byte[] bytes = read.array();
        for (int i = 3; i < read.position(); i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private void failConnect(IOException failure) {
        connecting = false;
        answer = null;
        request[0] = null;
        handler().onConnectFailed(failure);
    }

    // ---- The tunnel: the socket itself ---------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return established ? socket.read(dst) : 0;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return established ? socket.write(srcs, offset, length) : 0;
    }

    @Override
    public boolean hasPendingOutput() {
        return established && socket.hasPendingOutput();
    }

    @Override
    public boolean hasBufferedInput() {
        return established && socket.hasBufferedInput();
    }

    @Override
    public void interest(boolean read, boolean write) {
        if (established) {
            socket.interest(read, write);
        } // until then this layer waits for what the CONNECT exchange needs
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void resetOnClose() {
        socket.resetOnClose();
    }

    @Override
    public void close() {
        answer = null;
        request[0] = null;
        socket.close();
    }

    @Override
    public @Nullable InetSocketAddress remoteAddress() {
        return socket.remoteAddress();
    }

    @Override
    public void forceClose() {
        TransportHandler target = handler;
        if (target != null) {
            target.forceClose();
        } else {
            close();
        }
    }
}
