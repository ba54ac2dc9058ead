package dev.devproxy.internal.loop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link Transport}, the role Netty's {@code EmbeddedChannel} plays: a test plays the peer, putting
 * bytes in with {@link #feed}, running the connection's pending work with {@link #pump}, and taking out what it
 * wrote with {@link #takeOutput}. No socket, no port, no thread. Backpressure is simulated by a write room
 * ({@link #limitWrites}) that a peer's reading ({@link #allowWrites}) grows again.
 */
public final class MemoryTransport implements Transport {
    private @Nullable TransportHandler handler;
    private ByteBuffer inbound = ByteBuffer.allocate(0);
    private boolean inputEnded;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private long writeRoom = Long.MAX_VALUE;
    private boolean wantRead;
    private boolean wantWrite;
    private boolean closed;
    private boolean outputShut;
    private boolean resetOnClose;
    private boolean connectAtOnce = true;
    private @Nullable InetSocketAddress connectedTo;
    private int writeCalls;
    private int readCalls;

    @Override
    public void bind(TransportHandler handler) {
        this.handler = handler;
    }

    // ---- The peer's side ----------------------------------------------------------------------------------

    /** Bytes from the peer, delivered on the next {@link #pump}. */
    public MemoryTransport feed(String text) {
        return feed(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public MemoryTransport feed(byte[] bytes) {
        ByteBuffer grown = ByteBuffer.allocate(inbound.remaining() + bytes.length);
        grown.put(inbound).put(bytes).flip();
        inbound = grown;
        return this;
    }

    /** The peer closes its side: reads see the end of the stream once fed bytes are taken. */
    public void endInput() {
        inputEnded = true;
    }

    /** From now on, only {@code bytes} more are taken until {@link #allowWrites} makes room. */
    public void limitWrites(long bytes) {
        writeRoom = bytes;
    }

    /** The peer read: {@code bytes} more may be written. */
    public void allowWrites(long bytes) {
        writeRoom = writeRoom > Long.MAX_VALUE - bytes ? Long.MAX_VALUE : writeRoom + bytes;
    }

    /** Lifts the write limit. */
    public void unlimitWrites() {
        writeRoom = Long.MAX_VALUE;
    }

    /** What the connection wrote since the last call, as ISO-8859-1 text. */
    public String takeOutput() {
        String text = written.toString(StandardCharsets.ISO_8859_1);
        written.reset();
        return text;
    }

    /** Makes {@link #connect} pending until {@link #completeConnect()}. */
    public void connectLater() {
        connectAtOnce = false;
    }

    public void completeConnect() {
        handler().onConnected();
    }

    /**
     * Tells the connection what it is ready for, once, as a selector would: readable when it asked to read and
     * there are bytes or an end of stream, writable when it asked to write and there is room.
     *
     * @return whether anything was signalled
     */
    public boolean pump() {
        if (closed) {
            return false;
        }
        boolean readable = wantRead && (inbound.hasRemaining() || inputEnded);
        boolean writable = wantWrite && writeRoom > 0;
        if (!readable && !writable) {
            return false;
        }
        handler().onReady(readable, writable);
        return true;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean isOutputShut() {
        return outputShut;
    }

    public boolean wasReset() {
        return closed && resetOnClose;
    }

    public boolean wantsRead() {
        return wantRead;
    }

    public boolean wantsWrite() {
        return wantWrite;
    }

    /** Calls to {@link #write}: the syscalls a socket would have seen. */
    public int writeCalls() {
        return writeCalls;
    }

    public int readCalls() {
        return readCalls;
    }

    public @Nullable InetSocketAddress connectedTo() {
        return connectedTo;
    }

    /** Bytes fed and not yet read by the connection. */
    public int unreadInput() {
        return inbound.remaining();
    }

    private TransportHandler handler() {
        TransportHandler bound = handler;
        if (bound == null) {
            throw new IllegalStateException("no connection is bound to this transport");
        }
        return bound;
    }

    // ---- The connection's side ----------------------------------------------------------------------------

    @Override
    public boolean connect(InetSocketAddress remote) {
        connectedTo = remote;
        return connectAtOnce;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        readCalls++;
        if (!inbound.hasRemaining()) {
            return inputEnded ? -1 : 0;
        }
        int count = Math.min(dst.remaining(), inbound.remaining());
        dst.put(inbound.slice(inbound.position(), count));
        inbound.position(inbound.position() + count);
        return count;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (closed || outputShut) {
            throw new IOException("closed");
        }
        writeCalls++;
        long total = 0;
        for (int i = offset; i < offset + length && writeRoom > 0; i++) {
            ByteBuffer src = srcs[i];
            int count = (int) Math.min(src.remaining(), writeRoom);
            byte[] bytes = new byte[count];
            src.get(bytes);
            written.write(bytes, 0, count);
            writeRoom -= count;
            total += count;
        }
        return total;
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public void interest(boolean read, boolean write) {
        wantRead = read;
        wantWrite = write;
    }

    @Override
    public void shutdownOutput() {
        outputShut = true;
    }

    @Override
    public void resetOnClose() {
        resetOnClose = true;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("192.0.2.7", 40000);
    }
}
