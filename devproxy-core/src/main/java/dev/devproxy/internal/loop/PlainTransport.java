package dev.devproxy.internal.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * Plain TCP: a non-blocking {@link SocketChannel} registered with its loop's selector, the transport itself
 * attached to the key. Interest maps one to one onto {@code OP_READ} and {@code OP_WRITE}, and is set on the key
 * only when it changes. One buffer is written with a plain write, several with one gathering write.
 */
public final class PlainTransport implements Transport, IoHandler {
    private final SocketChannel channel;
    private final SelectionKey key;
    private @Nullable TransportHandler handler;
    /** The interest the connection asked for, applied once connected. */
    private int ops;
    private boolean connecting;

    private PlainTransport(SocketChannel channel, EventLoop loop, int initialOps) throws ClosedChannelException {
        this.channel = channel;
        this.ops = initialOps;
        this.key = channel.register(loop.selector(), initialOps, this);
    }

    /** A transport over an accepted, non-blocking channel, waiting for input. On the loop's thread. */
    public static PlainTransport accepted(SocketChannel channel, EventLoop loop) throws ClosedChannelException {
        return new PlainTransport(channel, loop, SelectionKey.OP_READ);
    }

    /** A transport over a new, unconnected socket with {@code TCP_NODELAY}; see {@link #connect}. On the loop's thread. */
    public static PlainTransport outbound(EventLoop loop) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new PlainTransport(channel, loop, 0);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public void bind(TransportHandler handler) {
        this.handler = handler;
    }

    @Override
    public boolean connect(InetSocketAddress remote) throws IOException {
        if (channel.connect(remote)) {
            return true;
        }
        connecting = true;
        key.interestOps(SelectionKey.OP_CONNECT);
        return false;
    }

    @Override
    public void onReady(SelectionKey readyKey) {
        TransportHandler target = handler;
        if (target == null || !readyKey.isValid()) {
            return;
        }
        if (connecting) {
            if (readyKey.isConnectable()) {
                finishConnect(target);
            }
            return;
        }
        target.onReady(readyKey.isReadable(), readyKey.isWritable());
    }

    private void finishConnect(TransportHandler target) {
        boolean done;
        try {
            done = channel.finishConnect();
        } catch (IOException e) {
            connecting = false;
            target.onConnectFailed(e);
            return;
        }
        if (done) {
            connecting = false;
            int wanted = ops;
            ops = -1; // force the key to take the connection's interest
            setOps(wanted);
            target.onConnected();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        // One buffer: a plain write, not the gathering one, which sets up an iovec array for one.
        return length == 1 ? channel.write(srcs[offset]) : channel.write(srcs, offset, length);
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public void interest(boolean read, boolean write) {
        setOps((read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0));
    }

    private void setOps(int wanted) {
        if (wanted == ops) {
            return;
        }
        ops = wanted;
        if (!connecting && key.isValid()) {
            key.interestOps(wanted);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void resetOnClose() {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            // Then it is a plain close: still a fault the peer sees.
        }
    }

    @Override
    public void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to do: the descriptor is released either way.
        }
    }

    @Override
    public @Nullable InetSocketAddress remoteAddress() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
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
