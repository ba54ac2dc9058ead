package dev.devproxy.internal.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A transport layered on another, shaped like TLS: before any application byte can go either way it must read
 * the peer's {@value #HELLO} and then write its own {@value #REPLY} (a handshake: a connection that wants to
 * write must first wait to read, and one that wants to read must first wait for room to write), and it takes
 * input from the socket in large pieces but hands it up a few bytes at a time, holding the rest (like
 * decrypted records larger than the reader's room) where no readiness will announce it. It proves the
 * {@link Transport} contract is enough for such a layer.
 */
public final class HandshakingTransport implements Transport, TransportHandler {
    public static final String HELLO = "HELLO";
    public static final String REPLY = "OLLEH";
    /** The most bytes one read hands up. */
    private static final int PIECE = 7;

    private final Transport socket;
    private @Nullable TransportHandler handler;
    private final ByteBuffer raw = ByteBuffer.allocate(64 * 1024).flip();
    private boolean handshaking = true;
    /** The part of {@link #REPLY} not yet written; null before the hello is read and once the reply is out. */
    private @Nullable ByteBuffer reply;
    private boolean rawEnded;
    private boolean wantRead;
    private boolean wantWrite;
    private int handedUpReads;

    public HandshakingTransport(Transport socket) {
        this.socket = socket;
        socket.bind(this);
    }

    public boolean isHandshaking() {
        return handshaking;
    }

    /** Whether the hello was read and the reply is still waiting for room in the socket. */
    public boolean isReplying() {
        return reply != null;
    }

    /** Reads that handed bytes up while the socket had nothing new: input the socket would never have signalled. */
    public int readsFromHeldInput() {
        return handedUpReads;
    }

    @Override
    public void bind(TransportHandler handler) {
        this.handler = handler;
    }

    @Override
    public boolean connect(InetSocketAddress remote) throws IOException {
        return socket.connect(remote);
    }

    @Override
    public void interest(boolean read, boolean write) {
        wantRead = read;
        wantWrite = write;
        mapInterest();
    }

    private void mapInterest() {
        if (reply != null) {
            socket.interest(false, true); // whatever the connection wants, the reply must go out first
        } else if (handshaking) {
            socket.interest(true, false); // whatever the connection wants, the handshake needs the peer's hello first
        } else {
            socket.interest(wantRead && !raw.hasRemaining(), wantWrite);
        }
    }

    @Override
    public void onReady(boolean readable, boolean writable) {
        if (handshaking) {
            if (reply == null && readable) {
                fillRaw();
                if (raw.remaining() >= HELLO.length()) {
                    raw.position(raw.position() + HELLO.length());
                    reply = ByteBuffer.wrap(REPLY.getBytes(StandardCharsets.US_ASCII));
                }
            }
            ByteBuffer rest = reply;
            if (rest != null) {
                try {
                    socket.write(new ByteBuffer[] {rest}, 0, 1);
                } catch (IOException e) {
                    rawEnded = true;
                }
                if (!rest.hasRemaining()) {
                    reply = null;
                    handshaking = false;
                }
            }
            mapInterest();
            if (handshaking) {
                return;
            }
            // The handshake is done: report what the connection was waiting for, socket readiness or not.
            TransportHandler target = handler();
            target.onReady(wantRead && (raw.hasRemaining() || rawEnded), wantWrite);
            return;
        }
        handler().onReady(readable || (wantRead && raw.hasRemaining()), writable);
    }

    private void fillRaw() {
        raw.compact();
        try {
            int count = socket.read(raw);
            if (count < 0) {
                rawEnded = true;
            }
        } catch (IOException e) {
            rawEnded = true;
        }
        raw.flip();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (handshaking) {
            return 0;
        }
        if (!raw.hasRemaining()) {
            fillRaw();
            if (!raw.hasRemaining()) {
                return rawEnded ? -1 : 0;
            }
        } else {
            handedUpReads++;
        }
        int count = Math.min(PIECE, Math.min(dst.remaining(), raw.remaining()));
        dst.put(raw.slice(raw.position(), count));
        raw.position(raw.position() + count);
        mapInterest();
        return count;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (handshaking) {
            return 0; // nothing leaves before the handshake
        }
        return socket.write(srcs, offset, length);
    }

    @Override
    public boolean hasBufferedInput() {
        return !handshaking && raw.hasRemaining();
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
        socket.close();
    }

    @Override
    public @Nullable InetSocketAddress remoteAddress() {
        return socket.remoteAddress();
    }

    @Override
    public void onConnected() {
        handler().onConnected();
    }

    @Override
    public void onConnectFailed(IOException failure) {
        handler().onConnectFailed(failure);
    }

    @Override
    public void forceClose() {
        handler().forceClose();
    }

    private TransportHandler handler() {
        TransportHandler bound = handler;
        if (bound == null) {
            throw new IllegalStateException("no connection is bound to this transport");
        }
        return bound;
    }
}
