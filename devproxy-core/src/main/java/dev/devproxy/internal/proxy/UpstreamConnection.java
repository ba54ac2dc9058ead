package dev.devproxy.internal.proxy;

import dev.devproxy.Upstream;
import dev.devproxy.internal.exchange.BodySink;
import dev.devproxy.internal.exchange.ServerContext;
import dev.devproxy.internal.loop.StreamConnection;
import dev.devproxy.internal.loop.Transport;
import dev.devproxy.internal.tls.ClientTls;
import dev.devproxy.parser.ParseError;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.ResponseHead;
import dev.devproxy.parser.ResponseParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * One connection to an upstream, on the loop of the client connection it serves: the mirror of a client
 * connection. It reads and parses responses with its own parser and tells its {@link UpstreamHandler} what
 * it parsed; it takes request bytes into its outbound queue and writes them when flushed. Between exchanges it
 * waits in its loop's {@link UpstreamPool}. Confined to its loop's thread.
 */
final class UpstreamConnection extends StreamConnection implements BodySink {
    private enum State {
        CONNECTING, ACTIVE, POOLED,
        /** A byte tunnel: input goes to the handler unparsed, and the connection is never pooled. */
        TUNNEL,
        CLOSED
    }

    final Upstream upstream;
    private final ProxyLoopState proxy;
    private final ServerContext context;
    private final ResponseParser parser;

    private State state = State.CONNECTING;
    private @Nullable UpstreamHandler handler;
    /** The handler holds views of the input buffer's bytes (the client is full): nothing is read meanwhile. */
    private boolean readPaused;
    private boolean endOfStream;
    private boolean awaitingResponse;
    /** The whole request was handed over: from now on only the upstream can be late. */
    private boolean requestComplete;
    /** Whether this connection carried an earlier exchange: a failure before any response byte may then be a stale connection. */
    private boolean reused;
    /** The protocol the request asked to upgrade to, or null: only then is a {@code 101} an answer. */
    private @Nullable String upgrade;
    /** The head being read is an interim (1xx) one, whose end is not the response's. */
    private boolean interim;

    private UpstreamConnection(Upstream upstream, ProxyLoopState proxy, ServerContext context, Transport transport) {
        super(proxy.loop, transport);
        this.upstream = upstream;
        this.proxy = proxy;
        this.context = context;
        // The same config as the client side's: the head limits hold for responses too; the response body limit
        // is its own, none by default, so a response of any size streams through.
        this.parser = new ResponseParser(context.parserConfig);
    }

    /**
     * Starts connecting to {@code address} for {@code owner}, who hears {@link UpstreamHandler#onConnected} or
     * a failure, perhaps before this returns. On the loop's thread.
     *
     * @return the connection, for the owner to close should it stop waiting; null when none could be opened
     */
    static @Nullable UpstreamConnection connect(Upstream upstream, InetAddress address, ProxyLoopState proxy, ServerContext context,
            UpstreamHandler owner) {
        return connect(upstream, null, address, proxy, context, owner);
    }

    /**
     * As {@link #connect(Upstream, InetAddress, ProxyLoopState, ServerContext, UpstreamHandler)}, through the proxy
     * {@code via} when it is not null: {@code address} is then the proxy's, and the connection is a
     * {@code CONNECT} tunnel to {@code upstream} (see {@link ProxyConnectTransport}), with TLS inside it for an
     * HTTPS upstream. The connect timeout covers the proxy's answer and the handshake too.
     */
    static @Nullable UpstreamConnection connect(Upstream upstream, @Nullable Upstream via, InetAddress address,
            ProxyLoopState proxy, ServerContext context, UpstreamHandler owner) {
        Transport transport;
        try {
            transport = proxy.transports.open(proxy.loop);
            if (via != null) {
                transport = new ProxyConnectTransport(transport, upstream);
            }
            if (upstream.tls()) {
                transport = proxy.tls.layer(transport, proxy.loop, upstream.host(), upstream.port());
            }
        } catch (IOException e) {
            owner.onFailed(UpstreamHandler.Failure.CONNECT, e.toString());
            return null;
        }
        UpstreamConnection connection = new UpstreamConnection(upstream, proxy, context, transport);
        connection.handler = owner;
        proxy.loop.addTimed(connection);
        connection.deadlineNanos = proxy.loop.now() + context.config.upstreamConnectTimeout().toNanos();
        boolean connected;
        try {
            connected = transport.connect(new InetSocketAddress(address, via != null ? via.port() : upstream.port()));
        } catch (IOException e) {
            connection.fail(UpstreamHandler.Failure.CONNECT, e.toString());
            return connection;
        }
        if (connected) {
            connection.onConnected();
        }
        return connection;
    }

    boolean isReused() {
        return reused;
    }

    /** Hands a pooled connection to a new exchange, which then calls its own {@code onConnected}. */
    void adopt(UpstreamHandler exchange) {
        handler = exchange;
        state = State.ACTIVE;
        reused = true;
        endOfStream = false;
        requestComplete = false;
        interim = false;
        deadlineNanos = NO_DEADLINE;
        updateInterest();
    }

    @Override
    public void onConnected() {
        state = State.ACTIVE;
        deadlineNanos = NO_DEADLINE;
        updateInterest();
        UpstreamHandler owner = handler;
        if (owner != null) {
            owner.onConnected(this);
        }
    }

    @Override
    public void onConnectFailed(IOException failure) {
        fail(UpstreamHandler.Failure.CONNECT, failure instanceof javax.net.ssl.SSLException tls
                ? ClientTls.describe(tls) : failure.toString());
    }

    // ---- Writing the request ------------------------------------------------------------------------------

    /** Queues request bytes; the owner leaves them alone until {@link UpstreamHandler#onDrained()}. */
    @Override
    public void send(ByteBuffer buffer) {
        queue(buffer);
    }

    /**
     * Writes what is queued, unless the upstream has not taken the last write yet.
     *
     * @return true when nothing is left queued
     */
    boolean flushRequest() {
        if (state != State.ACTIVE && state != State.TUNNEL) {
            return false;
        }
        boolean drained = flush();
        if (awaitingResponse) {
            progress();
        }
        return drained;
    }

    /** Whether the upstream has not taken the last write yet: more queued now would only wait. */
    boolean isWriteBlocked() {
        return isOutputBlocked();
    }

    @Override
    protected void onWritable() {
        boolean drained = flush();
        if (awaitingResponse) {
            progress();
        }
        updateInterest();
        UpstreamHandler owner = handler;
        if (drained && owner != null) {
            owner.onDrained();
        }
    }

    // ---- Reading the response -----------------------------------------------------------------------------

    /** The request head is on its way: from now on the upstream must make progress within the upstream timeout. */
    void awaitResponse(boolean headRequest) {
        awaitResponse(headRequest, null);
    }

    /** As {@link #awaitResponse(boolean)}, for a request asking to upgrade to {@code protocol} when not null. */
    void awaitResponse(boolean headRequest, @Nullable String protocol) {
        upgrade = protocol;
        parser.expectResponseToHead(headRequest);
        awaitingResponse = true;
        progress();
    }

    @Override
    protected boolean wantsToRead() {
        return state == State.POOLED
                || ((state == State.ACTIVE || state == State.TUNNEL) && !readPaused && !endOfStream && inputHasRoom());
    }

    @Override
    protected boolean inputPinned() {
        return readPaused;
    }

    @Override
    protected void onInput(ByteBuffer buffer, int count) {
        if (state == State.POOLED) {
            // An idle pooled connection should be silent: stray bytes retire it.
            close();
            return;
        }
        if (state == State.TUNNEL) {
            tunnelInput();
            return;
        }
        if (count == 0) {
            return;
        }
        reused = false; // the connection is demonstrably alive
        progress();
        parseAndTell();
    }

    @Override
    protected void onEndOfInput() {
        if (state == State.POOLED) {
            close(); // the upstream closed an idle connection
            return;
        }
        endOfStream = true;
        if (state == State.TUNNEL) {
            UpstreamHandler owner = handler;
            releaseInputIfEmpty();
            updateInterest();
            if (owner != null) {
                owner.onTunnelInputEnd();
            }
            return;
        }
        parseAndTell();
        releaseInputIfEmpty();
        updateInterest();
    }

    @Override
    protected void onIoFailed(IOException failure) {
        fail(UpstreamHandler.Failure.ABORT, failure.toString());
    }

    private void parseAndTell() {
        parse();
        UpstreamHandler owner = handler;
        if (owner != null && state == State.ACTIVE) {
            owner.onResponseInputConsumed();
        }
    }

    /** Parses what the input holds and tells the handler, until it runs out, pauses, or the response ends. */
    private void parse() {
        while (state == State.ACTIVE && !readPaused) {
            UpstreamHandler owner = handler;
            if (owner == null) {
                return;
            }
            ByteBuffer source = input();
            ParseStatus parsed = parser.parse(source);
            if (parsed == ParseStatus.NEED_MORE) {
                if (!endOfStream) {
                    return;
                }
                parsed = parser.endOfInput();
                if (parsed == ParseStatus.NEED_MORE) {
                    fail(UpstreamHandler.Failure.ABORT, "upstream closed the connection without a response");
                    return;
                }
            }
            switch (parsed) {
                case HEAD -> {
                    ResponseHead head = parser.head();
                    interim = head.status() < 200;
                    if (head.status() == 101) {
                        String asked = upgrade;
                        if (asked != null && ProxyHeaders.switchesTo(head, asked)) {
                            // The proof a tunnel needs (RFC 9110 section 15.2.2): the handler makes one now.
                            awaitingResponse = false;
                            owner.onSwitchingProtocols(head, this);
                            return;
                        }
                        // Upgrade was not asked for (it is dropped unless allowed) or names another protocol: a
                        // proxy that tunnelled now could be made to smuggle requests past itself.
                        fail(UpstreamHandler.Failure.PROTOCOL, "upstream " + upstream + " switched protocols unasked");
                        return;
                    }
                    if (!interim) {
                        owner.onResponseHead(head);
                    } else if (head.status() != 100) {
                        owner.onInterimResponse(head);
                    } // 100: this proxy answered Expect itself (the field is not forwarded)
                }
                case BODY -> {
                    if (!owner.onResponseBody(source, parser.bodyOffset(), parser.bodyLength())) {
                        pauseReading();
                        return;
                    }
                }
                case END -> {
                    if (interim) {
                        interim = false; // the final response follows
                    } else {
                        awaitingResponse = false;
                        owner.onResponseEnd(parser.trailers());
                        return;
                    }
                }
                case ERROR -> {
                    if (parser.error() == ParseError.TRUNCATED) {
                        fail(UpstreamHandler.Failure.ABORT, "upstream closed the connection mid-response");
                    } else {
                        fail(UpstreamHandler.Failure.PROTOCOL, "invalid response from upstream " + upstream
                                + " (" + parser.error() + ")");
                    }
                    return;
                }
                default -> {
                    return;
                }
            }
        }
    }

    /** Stops reading until {@link #resumeReading()}, because the client cannot take more now. */
    void pauseReading() {
        readPaused = true;
        deadlineNanos = NO_DEADLINE; // the client's slowness is not the upstream's fault
        updateInterest();
    }

    /** The client drained: parse on from where the pause left off, then read again. */
    void resumeReading() {
        if (state == State.TUNNEL && readPaused) {
            readPaused = false;
            releaseInputIfEmpty();
            updateInterest();
            readBufferedInput();
            return;
        }
        if (state != State.ACTIVE || !readPaused) {
            return;
        }
        readPaused = false;
        if (awaitingResponse) {
            progress();
        }
        parseAndTell();
        if (state == State.ACTIVE) {
            releaseInputIfEmpty();
            updateInterest();
            readBufferedInput();
        }
    }

    /**
     * Re-arms the upstream timeout after progress. It runs only while the upstream is the side being waited
     * for: the request is complete, or the upstream is not taking what was written. A client that uploads
     * slowly, or reads slowly, is not the upstream's fault.
     */
    private void progress() {
        boolean waitingForUpstream = !readPaused && (requestComplete || hasPendingOutput());
        deadlineNanos = waitingForUpstream ? loop.now() + context.config.upstreamTimeout().toNanos() : NO_DEADLINE;
    }

    /** The whole request has been handed over (it may still be flushing). */
    void requestComplete() {
        requestComplete = true;
        progress();
    }

    // ---- The tunnel ---------------------------------------------------------------------------------------

    /**
     * Makes this connection a byte tunnel for {@code tunnel}: no more parsing, no timeout of its own (the client
     * connection's idle deadline covers both sides), never pooled. Bytes the upstream sent behind the head that
     * proved the tunnel (a WebSocket frame right after a {@code 101}) go to the tunnel first.
     */
    void becomeTunnel(UpstreamHandler tunnel) {
        handler = tunnel;
        state = State.TUNNEL;
        awaitingResponse = false;
        readPaused = false;
        deadlineNanos = NO_DEADLINE;
        tunnelInput();
        if (state == State.TUNNEL) {
            releaseInputIfEmpty();
            updateInterest();
        }
    }

    /** Hands the input to the tunnel; pauses reading while the client cannot take it. */
    private void tunnelInput() {
        ByteBuffer buffer = input();
        UpstreamHandler owner = handler;
        if (readPaused || owner == null || !buffer.hasRemaining()) {
            return;
        }
        int offset = buffer.position();
        int length = buffer.remaining();
        buffer.position(buffer.limit());
        if (!owner.onResponseBody(buffer, offset, length)) {
            readPaused = true; // views of these bytes wait on the client: the buffer is pinned until it drains
            updateInterest();
        }
    }

    /** Half-closes towards the upstream: the client ended its side of the tunnel. */
    void shutdownOutput() {
        if (state != State.TUNNEL) {
            return;
        }
        try {
            transport.shutdownOutput();
        } catch (IOException e) {
            fail(UpstreamHandler.Failure.ABORT, e.toString());
        }
    }

    // ---- Ending an exchange -------------------------------------------------------------------------------

    /**
     * Whether the connection can carry another request: the response was read to its end with nothing after
     * it, the upstream did not ask to close, and the whole request was written.
     */
    boolean isReusable(boolean responseKeepAlive) {
        return state == State.ACTIVE && responseKeepAlive && !endOfStream && parser.isIdle()
                && !hasPendingOutput() && !input().hasRemaining();
    }

    /** Puts the connection in its loop's pool, or closes it when the pool is full or the server is stopping. */
    void release() {
        handler = null;
        awaitingResponse = false;
        requestComplete = false;
        readPaused = false;
        discardInput();
        // While draining, nothing will reuse it: shutdown's sweep of the pool has run, or runs soon.
        if (context.draining || !proxy.upstreams.offer(this)) {
            close();
            return;
        }
        state = State.POOLED;
        deadlineNanos = loop.now() + UpstreamPool.IDLE_NANOS;
        updateInterest();
    }

    private void fail(UpstreamHandler.Failure failure, String reason) {
        UpstreamHandler owner = handler;
        close();
        if (owner != null) {
            owner.onFailed(failure, reason);
        }
    }

    @Override
    protected void onDeadline(long now) {
        fail(state == State.CONNECTING ? UpstreamHandler.Failure.CONNECT_TIMEOUT : UpstreamHandler.Failure.TIMEOUT,
                state == State.CONNECTING ? "connect timeout" : "upstream timeout");
    }

    /** Closes the socket and gives back its buffer; the handler, if any, is not told. Idempotent. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.POOLED) {
            proxy.upstreams.remove(this);
        }
        state = State.CLOSED;
        handler = null;
        closeIo();
    }

    @Override
    public void forceClose() {
        close();
    }
}
