package dev.devproxy.internal.engine;

import dev.devproxy.Upstream;
import dev.devproxy.parser.ResponseParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * One connection to an upstream, on the loop of the client connection it serves. It owns its socket, its
 * response parser and, while bytes of a response are unconsumed, one pool buffer; it reports to the
 * {@link ForwardExchange} that holds it, or waits in its loop's {@link UpstreamPool} between exchanges.
 * Confined to its loop's thread.
 */
final class UpstreamConnection extends Timed {
    enum State { CONNECTING, ACTIVE, POOLED, CLOSED }

    final Upstream upstream;
    final EventLoop loop;
    final ResponseParser parser;
    private final ServerContext context;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final UpstreamTransport transport;
    private final ArrayDeque<ByteBuffer> pendingWrites = new ArrayDeque<>(4);

    private State state = State.CONNECTING;
    private @Nullable ForwardExchange owner;
    private @Nullable ByteBuffer in;
    private boolean readPaused;
    private boolean endOfStream;
    private boolean awaitingResponse;
    /** The whole request was handed over: from now on only the upstream can be late. */
    private boolean requestComplete;
    /** Whether this connection carried an earlier exchange: a failure before any response byte may then be a stale connection. */
    private boolean reused;

    private UpstreamConnection(Upstream upstream, EventLoop loop, ServerContext context, SocketChannel channel)
            throws IOException {
        this.upstream = upstream;
        this.loop = loop;
        this.context = context;
        this.channel = channel;
        this.transport = UpstreamTransport.plain(channel);
        // The same config as the client side's: the head limits hold for responses too; the response body limit
        // is its own, none by default, so a response of any size streams through.
        this.parser = new ResponseParser(context.parserConfig);
        this.key = channel.register(loop.selector(), SelectionKey.OP_CONNECT, this);
    }

    /**
     * Starts connecting to {@code address} for {@code owner}, who hears {@link ForwardExchange#onConnected} or
     * a failure. On the loop's thread.
     */
    static void connect(Upstream upstream, InetAddress address, EventLoop loop, ServerContext context,
            ForwardExchange owner) {
        SocketChannel channel = null;
        UpstreamConnection connection = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connection = new UpstreamConnection(upstream, loop, context, channel);
            connection.owner = owner;
            loop.addTimed(connection);
            connection.deadlineNanos = loop.now() + context.config.upstreamConnectTimeout().toNanos();
            owner.attach(connection);
            if (channel.connect(new InetSocketAddress(address, upstream.port()))) {
                connection.connected();
            }
        } catch (IOException e) {
            if (connection != null) {
                connection.close();
            } else if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            owner.onConnectFailed(e.toString());
        }
    }

    boolean isReused() {
        return reused;
    }

    /** Hands a pooled connection to a new exchange. */
    void adopt(ForwardExchange exchange) {
        owner = exchange;
        state = State.ACTIVE;
        reused = true;
        endOfStream = false;
        requestComplete = false;
        deadlineNanos = NO_DEADLINE;
        updateInterest();
    }

    @Override
    public void onReady(SelectionKey readyKey) {
        if (!readyKey.isValid()) {
            return;
        }
        if (state == State.CONNECTING && readyKey.isConnectable()) {
            try {
                if (channel.finishConnect()) {
                    connected();
                }
            } catch (IOException e) {
                ForwardExchange exchange = owner;
                close();
                if (exchange != null) {
                    exchange.onConnectFailed(e.toString());
                }
            }
            return;
        }
        if (readyKey.isValid() && readyKey.isWritable()) {
            flush();
        }
        if (state != State.CLOSED && readyKey.isValid() && readyKey.isReadable()) {
            read();
        }
    }

    private void connected() {
        state = State.ACTIVE;
        deadlineNanos = NO_DEADLINE;
        updateInterest();
        ForwardExchange exchange = owner;
        if (exchange != null) {
            exchange.onConnected();
        }
    }

    // ---- Writing the request ------------------------------------------------------------------------------

    /**
     * Writes {@code buffers} after anything pending; what cannot be written now is kept as it is, so the
     * owner leaves those buffers alone until {@link ForwardExchange#onUpstreamDrained()}.
     *
     * @return true when everything was written now
     */
    boolean write(ByteBuffer... buffers) {
        if (state != State.ACTIVE) {
            return false;
        }
        if (pendingWrites.isEmpty()) {
            try {
                transport.write(buffers);
            } catch (IOException e) {
                failed(e.toString());
                return false;
            }
        }
        for (ByteBuffer buffer : buffers) {
            if (buffer.hasRemaining()) {
                pendingWrites.add(buffer);
            }
        }
        if (awaitingResponse) {
            progress();
        }
        if (pendingWrites.isEmpty()) {
            return true;
        }
        updateInterest();
        return false;
    }

    boolean hasPendingWrites() {
        return !pendingWrites.isEmpty();
    }

    private void flush() {
        try {
            transport.write(pendingWrites.toArray(new ByteBuffer[0]));
        } catch (IOException e) {
            failed(e.toString());
            return;
        }
        while (!pendingWrites.isEmpty() && !pendingWrites.peekFirst().hasRemaining()) {
            pendingWrites.pollFirst();
        }
        if (awaitingResponse) {
            progress();
        }
        updateInterest();
        ForwardExchange exchange = owner;
        if (pendingWrites.isEmpty() && exchange != null) {
            exchange.onUpstreamDrained();
        }
    }

    // ---- Reading the response -----------------------------------------------------------------------------

    /** The request head is on its way: from now on the upstream must make progress within the upstream timeout. */
    void awaitResponse(boolean headRequest) {
        parser.expectResponseToHead(headRequest);
        awaitingResponse = true;
        progress();
    }

    private void read() {
        if (readPaused && state != State.POOLED) {
            return; // the client still holds views of this buffer's bytes: compacting it now would corrupt them
        }
        if (state == State.POOLED) {
            // An idle pooled connection should be silent: a close, or stray bytes, retire it.
            close();
            return;
        }
        if (in == null) {
            in = loop.buffers.acquire().flip();
        }
        ByteBuffer buffer = in;
        buffer.compact();
        int count;
        try {
            count = transport.read(buffer);
        } catch (IOException e) {
            buffer.flip();
            failed(e.toString());
            return;
        }
        buffer.flip();
        if (count < 0) {
            endOfStream = true;
        } else if (count > 0) {
            reused = false; // the connection is demonstrably alive
            progress();
        }
        updateInterest();
        ForwardExchange exchange = owner;
        if (exchange != null && (count != 0)) {
            exchange.onUpstreamData();
        }
    }

    /** The buffer holding unconsumed response bytes; an empty one when there are none. */
    ByteBuffer input() {
        ByteBuffer buffer = in;
        return buffer != null ? buffer : EMPTY;
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    boolean isEndOfStream() {
        return endOfStream;
    }

    /** Stops reading until {@link #resumeReading()}, because the client cannot take more now. */
    void pauseReading() {
        readPaused = true;
        deadlineNanos = NO_DEADLINE; // the client's slowness is not the upstream's fault
        updateInterest();
    }

    void resumeReading() {
        readPaused = false;
        if (awaitingResponse) {
            progress();
        }
        updateInterest();
    }

    /**
     * Re-arms the upstream timeout after progress. It runs only while the upstream is the side being waited
     * for: the request is complete, or the upstream is not taking what was written. A client that uploads
     * slowly, or reads slowly, is not the upstream's fault.
     */
    private void progress() {
        boolean waitingForUpstream = !readPaused && (requestComplete || !pendingWrites.isEmpty());
        deadlineNanos = waitingForUpstream ? loop.now() + context.config.upstreamTimeout().toNanos() : NO_DEADLINE;
    }

    /** The whole request has been handed over (it may still be flushing). */
    void requestComplete() {
        requestComplete = true;
        progress();
    }

    // ---- Ending an exchange -------------------------------------------------------------------------------

    /**
     * Whether the connection can carry another request: the response was read to its end with nothing after
     * it, the upstream did not ask to close, and the whole request was written.
     */
    boolean isReusable(boolean responseKeepAlive) {
        return state == State.ACTIVE && responseKeepAlive && !endOfStream && parser.isIdle()
                && pendingWrites.isEmpty() && !input().hasRemaining();
    }

    /** Puts the connection in its loop's pool, or closes it when the pool is full or the server is stopping. */
    void release() {
        owner = null;
        awaitingResponse = false;
        requestComplete = false;
        readPaused = false;
        ByteBuffer buffer = in;
        in = null;
        if (buffer != null) {
            loop.buffers.release(buffer);
        }
        // While draining, nothing will reuse it: shutdown's sweep of the pool has run, or runs soon.
        if (context.draining || !loop.upstreams.offer(this)) {
            close();
            return;
        }
        state = State.POOLED;
        deadlineNanos = loop.now() + UpstreamPool.IDLE_NANOS;
        updateInterest();
    }

    private void failed(String reason) {
        ForwardExchange exchange = owner;
        close();
        if (exchange != null) {
            exchange.onUpstreamFailed(reason);
        }
    }

    @Override
    void onDeadline(long now) {
        ForwardExchange exchange = owner;
        State before = state;
        close();
        if (exchange != null) {
            if (before == State.CONNECTING) {
                exchange.onConnectTimeout();
            } else {
                exchange.onUpstreamTimeout();
            }
        }
    }

    /** Sets the selector interest from the state, pending writes, pause and room left in the input buffer. */
    void updateInterest() {
        if (state == State.CLOSED || !key.isValid()) {
            return;
        }
        int ops;
        if (state == State.CONNECTING) {
            ops = SelectionKey.OP_CONNECT;
        } else {
            ops = pendingWrites.isEmpty() ? 0 : SelectionKey.OP_WRITE;
            ByteBuffer buffer = in;
            boolean room = buffer == null || buffer.limit() < buffer.capacity() || buffer.position() > 0;
            if (!readPaused && !endOfStream && room) {
                ops |= SelectionKey.OP_READ;
            }
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Closes the socket and gives back its buffer; the owner, if any, is not told. Idempotent. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.POOLED) {
            loop.upstreams.remove(this);
        }
        state = State.CLOSED;
        owner = null;
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // The descriptor is released either way.
        }
        loop.removeTimed(this);
        ByteBuffer buffer = in;
        in = null;
        if (buffer != null) {
            loop.buffers.release(buffer);
        }
        pendingWrites.clear();
    }

    @Override
    public void forceClose() {
        close();
    }
}
