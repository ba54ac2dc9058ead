package dev.devproxy.internal.engine;

import dev.devproxy.ErrorKind;
import dev.devproxy.Route;
import dev.devproxy.RouteKind;
import dev.devproxy.parser.BodyKind;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.HttpVersion;
import dev.devproxy.parser.ParseError;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.parser.RequestParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One client connection: reads and parses requests, hands each to an {@link Exchange}, writes responses, and
 * enforces the timeouts of its lifecycle (see the package documentation). Confined to its loop's thread.
 */
final class ClientConnection extends Timed {
    private enum State { READING_HEAD, READING_BODY, RESPONDING, LINGERING, CLOSED }

    /** What the current deadline is for, when no write is pending. */
    private enum Stage { IDLE, REQUEST_LINE, HEADERS, BODY, NONE, LINGER }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** After an error response, how long and how much input is read and thrown away before closing. */
    private static final long LINGER_NANOS = 2_000_000_000L;
    private static final long LINGER_MAX_BYTES = 1 << 20;
    /**
     * The largest body {@link #sendBuffered} copies in behind the head. Larger ones go in a gathering write,
     * so that a response the client cannot take at once keeps its body by reference instead of a copy.
     */
    private static final int MERGED_BODY_MAX = 8 * 1024;

    final EventLoop loop;
    final ServerContext context;
    private final SocketChannel channel;
    private final Acceptor acceptor;
    private final SelectionKey key;
    private final RequestParser parser;
    private final ArrayDeque<ByteBuffer> pendingWrites = new ArrayDeque<>(4);

    private State state = State.READING_HEAD;
    private Stage stage;
    private long stageDeadline;
    /** When the current stage began: the age {@link #shed} ranks by. */
    private long stageStartNanos;
    private @Nullable ByteBuffer in;
    private @Nullable Exchange exchange;
    /** A copy of the current request for the recorder; null when there is no recorder. */
    private @Nullable RequestCapture capture;
    private boolean readPaused;
    private boolean inputClosed;
    private boolean closeAfterFlush;
    private boolean processing;
    private long lastWriteProgress;
    private long lingeredBytes;
    private @Nullable String remoteAddress;
    private @Nullable String remoteHost;
    private @Nullable EchoExchange echo;

    // The request in progress.
    private boolean requestStarted;
    private long requestStartNanos;
    private long requestBytesIn;
    private long requestBytesOut;
    private boolean requestKeepAlive;
    private boolean announceKeepAlive;
    private boolean headRequest;
    private long bodyBytesReceived;
    /** Time the current body spent paused by backpressure, and since when it is paused; not the client's doing. */
    private long bodyPausedNanos;
    private long bodyPauseStartNanos;
    private String method = "-";
    private RouteKind route = RouteKind.REJECT;

    private ClientConnection(SocketChannel channel, EventLoop loop, ServerContext context, Acceptor acceptor)
            throws ClosedChannelException {
        this.channel = channel;
        this.loop = loop;
        this.context = context;
        this.acceptor = acceptor;
        this.parser = new RequestParser(context.parserConfig);
        this.key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
        // A fresh connection must start its request within the request-line timeout, or it is closed quietly.
        setStage(Stage.REQUEST_LINE, loop.now() + context.requestLineTimeoutNanos);
    }

    /** Registers an accepted channel with {@code loop}. On the loop's thread. */
    static void open(SocketChannel channel, EventLoop loop, ServerContext context, Acceptor acceptor) {
        ClientConnection connection;
        try {
            connection = new ClientConnection(channel, loop, context, acceptor);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            acceptor.connectionClosed();
            return;
        }
        loop.addTimed(connection);
        context.sink.connectionOpened();
        if (context.draining) {
            connection.close();
        }
    }

    /** Closes the connections of {@code loop} that are between requests; for shutdown. On the loop's thread. */
    static void closeIdle(EventLoop loop) {
        for (Timed item : loop.timedSnapshot()) {
            if (item instanceof ClientConnection connection && connection.isBetweenRequests()) {
                connection.close();
            }
        }
    }

    /**
     * Closes up to {@code quota} connections of {@code loop} that are of no use to anyone, to make room under
     * the connection cap: idle ones (no byte of a request yet) first, oldest first; then the stalled ones,
     * oldest stall first: heads that have been coming in since before {@code olderThanNanos}, bodies that have
     * been coming in since before it at less than {@code minBodyRate} on average, and responses whose client
     * has let no byte be written since before {@code writeStalledBeforeNanos}. Idle ones close quietly; stalled
     * requests get a 408 without lingering, since their slot is what is wanted; stalled responses are cut off,
     * as by the write timeout. On the loop's thread.
     *
     * <p>Slow bodies and slow readers are shed too because their own timeouts (30 s by default) let an
     * attacker who sends a byte now and then (R-U-Dead-Yet), or reads one now and then (slow read), hold every
     * slot for that long, and reconnect faster than the timeouts free them. A body paused by backpressure is
     * not the client's doing and is never shed. A response write gets longer than a request before it counts
     * as stalled: the kernel lets a writer go on only once a third of its send buffer (up to megabytes) has
     * drained, so an honest client reading a large response at a modest rate makes progress in lumps.
     */
    static void shed(EventLoop loop, int quota, long olderThanNanos, long writeStalledBeforeNanos) {
        List<ClientConnection> idle = new ArrayList<>();
        List<ClientConnection> stalled = new ArrayList<>();
        long now = loop.now();
        for (Timed item : loop.timedSnapshot()) {
            if (!(item instanceof ClientConnection connection)) {
                continue;
            }
            if (!connection.pendingWrites.isEmpty()) {
                if (connection.lastWriteProgress - writeStalledBeforeNanos < 0) {
                    stalled.add(connection);
                }
            } else if (connection.waitingSince() - olderThanNanos < 0) {
                if (connection.state == State.READING_HEAD) {
                    (connection.requestStarted ? stalled : idle).add(connection);
                } else if (connection.isSlowBody(now)) {
                    stalled.add(connection);
                }
            }
        }
        idle.sort(Comparator.comparingLong(ClientConnection::waitingSince));
        stalled.sort(Comparator.comparingLong(ClientConnection::stalledSince));
        int shed = 0;
        for (ClientConnection connection : idle) {
            if (shed++ >= quota) {
                return;
            }
            connection.close();
        }
        for (ClientConnection connection : stalled) {
            if (shed++ >= quota) {
                return;
            }
            if (!connection.pendingWrites.isEmpty()) {
                connection.context.sink.error(ErrorKind.WRITE_TIMEOUT);
                connection.close();
                continue;
            }
            connection.context.sink.error(ErrorKind.REQUEST_TIMEOUT);
            connection.inputClosed = true; // no lingering: the slot is what is wanted
            connection.fail(408, null, null);
            connection.close();
        }
    }

    /** Since when a stalled connection has made no progress: its last write, or since it began waiting. */
    private long stalledSince() {
        return pendingWrites.isEmpty() ? waitingSince() : lastWriteProgress;
    }

    /**
     * Since when a connection has been waiting on its client: for a head, its request's first byte or the start
     * of idling; for a body, the start of the body.
     */
    private long waitingSince() {
        if (state == State.READING_BODY) {
            return stageStartNanos;
        }
        return requestStarted ? requestStartNanos : stageStartNanos;
    }

    /**
     * Whether the body being read has come in at less than the minimum body rate, over the time since it started
     * that it was not paused by backpressure.
     */
    private boolean isSlowBody(long now) {
        long rate = context.config.minBodyRate();
        long clientMillis = (now - stageStartNanos - bodyPausedNanos) / 1_000_000;
        return state == State.READING_BODY && stage == Stage.BODY && !readPaused && rate > 0
                && bodyBytesReceived < clientMillis * rate / 1_000;
    }

    private boolean isBetweenRequests() {
        return state == State.READING_HEAD && !requestStarted && pendingWrites.isEmpty();
    }

    // ---- Reading ------------------------------------------------------------------------------------------

    @Override
    public void onReady(SelectionKey readyKey) {
        if (readyKey.isValid() && readyKey.isWritable()) {
            flush();
        }
        // Re-check: the flush above may have paused reading, and a read would compact a buffer whose bytes an
        // exchange still holds.
        if (state != State.CLOSED && readyKey.isValid() && readyKey.isReadable() && wantsToRead()) {
            read();
        }
    }

    private void read() {
        if (in == null) {
            in = loop.buffers.acquire().flip();
        }
        ByteBuffer buffer = in;
        if (buffer.hasRemaining()) {
            buffer.compact();
        } else {
            buffer.clear(); // what compact() does to an empty buffer, without its (empty) copy and checks
        }
        int count;
        try {
            count = channel.read(buffer);
        } catch (IOException e) {
            buffer.flip();
            clientFailed();
            return;
        }
        buffer.flip();
        if (count < 0) {
            endOfInput();
            return;
        }
        if (state == State.LINGERING) {
            discardLingeringInput(buffer);
            return;
        }
        if (count > 0) {
            if (state == State.READING_HEAD && !requestStarted) {
                startRequest();
            }
        }
        process();
        releaseInputIfEmpty();
        updateInterest();
    }

    private void startRequest() {
        requestStarted = true;
        requestStartNanos = loop.now();
        requestBytesIn = 0;
        requestBytesOut = 0;
        method = "-";
        route = RouteKind.REJECT;
        headRequest = false;
        setStage(Stage.REQUEST_LINE, requestStartNanos + context.requestLineTimeoutNanos);
    }

    /**
     * Parses and dispatches as far as the state allows, then tells the exchange the pass is over. Re-entrant
     * calls (from a synchronous exchange) return.
     */
    private void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            parseAvailable();
        } finally {
            processing = false;
        }
        Exchange current = exchange;
        if (current != null && state != State.CLOSED) {
            current.onInputConsumed();
        }
    }

    /** Whether a parse pass is under way: body bytes already read may still be handed to the exchange in it. */
    boolean isParsing() {
        return processing;
    }

    private void parseAvailable() {
        while (canParse()) {
            ByteBuffer source = in != null ? in : EMPTY;
            if (state == State.READING_HEAD && !requestStarted) {
                if (!source.hasRemaining()) {
                    return;
                }
                startRequest(); // pipelined bytes already buffered start the next request now
            }
            int before = source.position();
            ParseStatus status = parser.parse(source);
            requestBytesIn += source.position() - before; // what this request consumed, not what was read
            switch (status) {
                case NEED_MORE -> {
                    if (stage == Stage.REQUEST_LINE && parser.hasRequestLine()) {
                        setStage(Stage.HEADERS, loop.now() + context.headerTimeoutNanos);
                    }
                    return;
                }
                case HEAD -> onHead(parser.head());
                case BODY -> {
                    extendBodyDeadline(parser.bodyLength());
                    RequestCapture copy = capture;
                    if (copy != null) {
                        copy.addBody(source, parser.bodyOffset(), parser.bodyLength());
                    }
                    Exchange current = exchange;
                    if (current != null && !current.onRequestBody(source, parser.bodyOffset(), parser.bodyLength())) {
                        readPaused = true;
                        bodyPauseStartNanos = loop.now();
                        return;
                    }
                }
                case END -> {
                    state = State.RESPONDING;
                    setStage(Stage.NONE, NO_DEADLINE);
                    Exchange current = exchange;
                    if (current != null) {
                        current.onRequestEnd();
                    }
                }
                case ERROR -> {
                    fail(parser.error().status(), ErrorKind.BAD_REQUEST, parser.error() == ParseError.BODY_TOO_LARGE
                            // Name the setting, so the reader of the log line knows what to raise.
                            ? "request body larger than maxBodySize (" + context.config.limits().maxBodySize()
                                    + " bytes; raise it with DevProxy.builder().maxBodySize(bytes))"
                            : "bad request (" + parser.error() + ")");
                    return;
                }
            }
        }
    }

    private boolean canParse() {
        return switch (state) {
            case READING_HEAD -> pendingWrites.isEmpty() && !closeAfterFlush;
            case READING_BODY -> !readPaused;
            default -> false;
        };
    }

    private void onHead(RequestHead head) {
        state = State.READING_BODY;
        bodyBytesReceived = 0;
        bodyPausedNanos = 0;
        setStage(Stage.BODY, loop.now() + context.bodyTimeoutNanos);
        method = head.method();
        requestKeepAlive = head.keepAlive();
        announceKeepAlive = head.version() == HttpVersion.HTTP_1_0;
        headRequest = head.methodIs("HEAD");
        RequestRecorder recorder = context.recorder;
        if (recorder != null) {
            capture = new RequestCapture(head, remoteAddress(), java.time.Instant.now(), recorder.maxBodyBytes());
        }
        switch (head.targetForm()) {
            case AUTHORITY -> {
                // RFC 9110 section 9.3.6: a 2xx answer to CONNECT turns the connection into a tunnel, so no
                // router or stub may answer it; until tunnels exist, 501 (RFC 9110 section 15.6.2) and close.
                fail(501, ErrorKind.NOT_IMPLEMENTED, "CONNECT " + head.target() + " refused: DevProxy opens no tunnels");
                return;
            }
            case ASTERISK -> {
                // RFC 9112 section 3.2.4: OPTIONS * asks about the server, not a resource; it is never routed.
                start(LocalResponseExchange.serverOptions(this), head);
                return;
            }
            default -> {
                // Origin-form and absolute-form go to the router; it sees the path of either (section 3.2.2).
            }
        }
        Route decision;
        try {
            decision = context.router.route(head);
        } catch (RuntimeException | Error e) {
            // An Error too (an AssertionError in a router written with test assertions): left to escape, it
            // would kill this loop's thread and hang every connection on it.
            context.error("router " + context.router + " threw for " + method + " " + head.target(), e);
            fail(500, ErrorKind.INTERNAL, null);
            return;
        }
        Exchange created = Exchanges.create(decision, head, this);
        if (created == null) {
            exchange = null;
            return;
        }
        start(created, head);
    }

    private void start(Exchange created, RequestHead head) {
        exchange = created;
        if (head.expectsContinue() && head.bodyKind() != BodyKind.NONE) {
            // RFC 9110 section 10.1.1: tell the client to send the body it is holding back. Forwarded requests
            // lose their Expect field, so the upstream never waits for a body the proxy already asked for.
            write(ByteBuffer.wrap(Responses.CONTINUE));
        }
        created.start();
    }

    /**
     * Gives a body that keeps arriving more time: one second per {@code minBodyRate} bytes, on top of the body
     * timeout (as Apache's mod_reqtimeout does with MinRate). A slow honest upload finishes; a client that
     * trickles bytes to hold the connection still meets the deadline.
     */
    private void extendBodyDeadline(int bytes) {
        bodyBytesReceived += bytes;
        long rate = context.config.minBodyRate();
        if (rate > 0 && stage == Stage.BODY) {
            stageDeadline = stageStartNanos + context.bodyTimeoutNanos + bodyBytesReceived * 1_000_000_000L / rate;
            updateDeadline();
        }
    }

    /** Lets an exchange that returned false from {@link Exchange#onRequestBody} take more body. */
    void resumeReading() {
        if (!readPaused || state == State.CLOSED) {
            return;
        }
        readPaused = false;
        if (state == State.READING_BODY) {
            // The body clock restarts: the wait was the other side's, not the client's.
            bodyPausedNanos += loop.now() - bodyPauseStartNanos;
            setStage(Stage.BODY, loop.now() + context.bodyTimeoutNanos);
        }
        process();
        releaseInputIfEmpty();
        updateInterest();
    }

    private void endOfInput() {
        inputClosed = true;
        switch (state) {
            case READING_HEAD -> {
                if (requestStarted || !parser.isIdle()) {
                    clientFailed();
                } else if (pendingWrites.isEmpty()) {
                    close();
                } else {
                    closeAfterFlush = true;
                    updateInterest();
                }
            }
            case READING_BODY -> clientFailed();
            case RESPONDING -> updateInterest(); // a half-close: finish the response, then close
            default -> close();
        }
    }

    private void clientFailed() {
        if (requestStarted || state == State.RESPONDING || state == State.READING_BODY) {
            context.sink.error(ErrorKind.CLIENT_ABORT);
        }
        close();
    }

    private void discardLingeringInput(ByteBuffer buffer) {
        lingeredBytes += buffer.remaining();
        buffer.position(buffer.limit());
        releaseInputIfEmpty();
        if (lingeredBytes > LINGER_MAX_BYTES) {
            close();
        }
    }

    private void releaseInputIfEmpty() {
        ByteBuffer buffer = in;
        if (buffer != null && !buffer.hasRemaining() && !readPaused) {
            in = null;
            loop.buffers.release(buffer);
        }
    }

    // ---- Writing ------------------------------------------------------------------------------------------

    /**
     * Writes {@code buffers} in order, after anything already pending. What cannot be written now is kept:
     * the loop's scratch buffers ({@link EventLoop#isScratch}) are copied aside, any other buffer is kept as
     * it is, so its owner must leave it alone until {@link Exchange#onClientDrained()}.
     *
     * @return true when everything was written now
     */
    boolean write(ByteBuffer... buffers) {
        if (state == State.CLOSED) {
            return false;
        }
        for (ByteBuffer buffer : buffers) {
            requestBytesOut += buffer.remaining(); // counted when handed over, so a later flush cannot recount it
        }
        if (pendingWrites.isEmpty()) {
            try {
                if (buffers.length == 1) {
                    channel.write(buffers[0]); // not the gathering write, which sets up an iovec array for one
                } else {
                    channel.write(buffers);
                }
            } catch (IOException e) {
                clientFailed();
                return false;
            }
        }
        for (ByteBuffer buffer : buffers) {
            if (buffer.hasRemaining()) {
                pendingWrites.add(loop.isScratch(buffer) ? copyOf(buffer) : buffer);
            }
        }
        if (pendingWrites.isEmpty()) {
            return true;
        }
        lastWriteProgress = loop.now();
        updateDeadline();
        updateInterest();
        return false;
    }

    private static ByteBuffer copyOf(ByteBuffer buffer) {
        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
        copy.put(buffer).flip();
        return copy;
    }

    private void flush() {
        while (!pendingWrites.isEmpty()) {
            long written;
            try {
                written = channel.write(pendingWrites.toArray(new ByteBuffer[0]));
            } catch (IOException e) {
                clientFailed();
                return;
            }
            while (!pendingWrites.isEmpty() && !pendingWrites.peekFirst().hasRemaining()) {
                pendingWrites.pollFirst();
            }
            if (written == 0) {
                break;
            }
            lastWriteProgress = loop.now();
        }
        if (!pendingWrites.isEmpty()) {
            updateDeadline();
            return;
        }
        updateDeadline();
        if (closeAfterFlush) {
            finishClosing();
            return;
        }
        Exchange current = exchange;
        if (current != null) {
            current.onClientDrained();
        } else {
            process();
            releaseInputIfEmpty();
        }
        updateInterest();
    }

    /**
     * Sends a complete response whose head the exchange built in {@link EventLoop#scratch} (from position 0
     * to its position) and whose body is {@code body}, then ends the exchange. A response to HEAD goes
     * without its body but keeps the Content-Length it would have had (RFC 9110 section 9.3.2).
     */
    void sendBuffered(ByteBuffer head, ByteBuffer body, int status) {
        boolean merge = !headRequest && body.remaining() <= MERGED_BODY_MAX && body.remaining() <= head.remaining();
        if (merge) {
            // A small body goes right after the head: one plain write of one direct buffer. A gathering write
            // costs more (the JDK copies a heap body into a temporary direct buffer for it anyway, and sets up
            // and clears an iovec array): a seventh of the loop thread's Java samples in a profile of echo under wrk.
            head.put(body);
        }
        head.flip();
        // The loop's arrays rather than varargs, which would allocate one per response. Nothing in write()
        // writes again (a failure only closes), so no one else uses them meanwhile.
        boolean bodyApart = !headRequest && !merge;
        ByteBuffer[] buffers = bodyApart ? loop.twoBuffers : loop.oneBuffer;
        buffers[0] = head;
        if (bodyApart) {
            buffers[1] = body;
        }
        try {
            write(buffers);
        } finally {
            Arrays.fill(buffers, null);
        }
        responseComplete(status);
    }

    /**
     * This connection's echo exchange, made on its first echo and reused for the next ones: a connection
     * carries one exchange at a time, and an echo exchange holds nothing once its request has ended.
     */
    EchoExchange echoExchange() {
        EchoExchange current = echo;
        if (current == null) {
            current = new EchoExchange(this, parser.head());
            echo = current;
        }
        current.reset(parser.head());
        return current;
    }

    /** Starts a response head in the loop's scratch buffer with its status line; fields follow. */
    ByteBuffer startHead(int status) {
        ByteBuffer head = loop.scratch.clear();
        Responses.statusLine(head, status);
        return head;
    }

    /**
     * Ends a head begun with {@link #startHead}: Content-Length, Connection and Date, in DevProxy's fixed order, then
     * the empty line.
     */
    void endHead(ByteBuffer head, long contentLength) {
        Responses.contentLength(head, contentLength);
        Responses.connection(head, willKeepAlive(), announceKeepAlive);
        Responses.date(head, loop.date);
        Responses.endOfHead(head);
    }

    /** Whether the connection stays open after the current response. */
    boolean willKeepAlive() {
        return requestKeepAlive && !inputClosed && !context.draining && !closeAfterFlush;
    }

    /** The exchange has handed over its whole response: count it and move on to the next request. */
    void responseComplete(int status) {
        if (state == State.CLOSED) {
            return;
        }
        long duration = loop.now() - requestStartNanos;
        context.sink.requestCompleted(route, method, status, duration, requestBytesIn, requestBytesOut);
        record(status, duration);
        if (context.accessLogEnabled) {
            context.access(remoteAddress() + " \"" + method + "\" " + status + " " + requestBytesOut + " "
                    + (duration / 1_000_000) + "ms " + route.label());
        }
        exchange = null;
        readPaused = false;
        boolean keepAlive = willKeepAlive() && state != State.READING_BODY && parser.isIdle();
        state = State.READING_HEAD;
        requestStarted = false;
        if (!keepAlive) {
            closeAfterFlush = true;
            if (pendingWrites.isEmpty()) {
                finishClosing();
            }
            return;
        }
        setStage(Stage.IDLE, loop.now() + context.keepAliveTimeoutNanos);
        if (pendingWrites.isEmpty()) {
            process();
            releaseInputIfEmpty();
            updateInterest();
        }
    }

    void setRoute(RouteKind kind) {
        route = kind;
    }

    private void record(int status, long duration) {
        RequestCapture copy = capture;
        RequestRecorder recorder = context.recorder;
        capture = null;
        if (copy != null && recorder != null) {
            try {
                recorder.record(copy.toRequest(), route, status, duration);
            } catch (RuntimeException | Error e) {
                context.error("request recorder threw; the request was answered but not recorded", e);
            }
        }
    }

    /** Replaces the current exchange, for an exchange that decided, after the body, who answers. */
    void replaceExchange(Exchange next) {
        exchange = next;
    }

    boolean hasPendingWrites() {
        return !pendingWrites.isEmpty();
    }

    /**
     * Ends the current request by dropping the connection without a response, for simulated faults: with a
     * reset (TCP RST) when {@code reset}, else with a plain close. Recorded with status 0.
     */
    void closeWithoutResponse(boolean reset) {
        if (state == State.CLOSED) {
            return;
        }
        long duration = loop.now() - requestStartNanos;
        context.sink.requestCompleted(route, method, 0, duration, requestBytesIn, requestBytesOut);
        record(0, duration);
        if (reset) {
            try {
                channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException e) {
                // Then it is a plain close: still a fault the client sees.
            }
        }
        close();
    }

    /**
     * Ends the current request without a proper response once what was written so far is flushed, for
     * simulated faults. Recorded with status 0.
     */
    void closeWithoutResponseAfterFlush() {
        long duration = loop.now() - requestStartNanos;
        context.sink.requestCompleted(route, method, 0, duration, requestBytesIn, requestBytesOut);
        record(0, duration);
        exchange = null;
        requestKeepAlive = false;
        closeAfterFlush = true;
        if (pendingWrites.isEmpty()) {
            finishClosing();
        }
    }

    /** Makes the current response the connection's last, as a close-delimited body requires. */
    void closeAfterResponse() {
        requestKeepAlive = false;
    }

    /** Whether a persistent response must say {@code Connection: keep-alive} (to an HTTP/1.0 client). */
    boolean announcesKeepAlive() {
        return announceKeepAlive;
    }

    /** The trailer fields of the current request, once its body has ended. */
    HeaderFields trailers() {
        return parser.trailers();
    }

    // ---- Errors, timeouts and closing ---------------------------------------------------------------------

    /**
     * Answers the current request with an error in DevProxy's plain-text error format and closes the connection after it.
     *
     * @param kind counted in the error metrics when not null (a router's deliberate rejection is not an error)
     * @param warning logged (rate-limited) at WARNING when not null
     */
    void fail(int status, @Nullable ErrorKind kind, @Nullable String warning) {
        if (state == State.CLOSED || state == State.LINGERING) {
            return;
        }
        if (kind != null) {
            context.sink.error(kind);
        }
        if (warning != null) {
            context.warn(remoteAddress() + ": " + warning + "; answered " + status);
        }
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.abort();
        }
        readPaused = false;
        closeAfterFlush = true;
        // A request the engine refuses (bad syntax, too slow, a router's rejection) counts as REJECT whatever route
        // was chosen; a route that failed on its own account (an upstream's 502/504) keeps its label.
        if (kind == null || kind == ErrorKind.BAD_REQUEST || kind == ErrorKind.REQUEST_TIMEOUT
                || kind == ErrorKind.NOT_IMPLEMENTED) {
            route = RouteKind.REJECT;
        }
        byte[] body = Responses.errorBody(status);
        ByteBuffer head = startHead(status);
        Responses.field(head, "Content-Type", "text/plain; charset=utf-8");
        endHead(head, body.length);
        sendBuffered(head, ByteBuffer.wrap(body), status);
    }

    /** After a response the connection will not outlive: shut down output, then read and discard briefly. */
    private void finishClosing() {
        if (state == State.CLOSED || state == State.LINGERING) {
            return;
        }
        if (inputClosed) {
            close();
            return;
        }
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            close();
            return;
        }
        state = State.LINGERING;
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.abort();
        }
        readPaused = false;
        if (in != null) {
            in.position(in.limit());
        }
        releaseInputIfEmpty();
        setStage(Stage.LINGER, loop.now() + LINGER_NANOS);
        updateInterest();
    }

    private void setStage(Stage next, long deadline) {
        if (next != stage) {
            stageStartNanos = loop.now();
        }
        stage = next;
        stageDeadline = deadline;
        updateDeadline();
    }

    private void updateDeadline() {
        deadlineNanos = !pendingWrites.isEmpty() ? lastWriteProgress + context.writeTimeoutNanos : stageDeadline;
    }

    @Override
    void onDeadline(long now) {
        if (!pendingWrites.isEmpty()) {
            context.sink.error(ErrorKind.WRITE_TIMEOUT);
            context.warn("client at " + remoteAddress() + " did not read its response for "
                    + context.config.writeTimeout().toMillis() + " ms; closing");
            close();
            return;
        }
        switch (stage) {
            case IDLE, LINGER -> close();
            case REQUEST_LINE -> {
                if (requestStarted) {
                    fail(408, ErrorKind.REQUEST_TIMEOUT, "request line not received in time");
                } else {
                    close(); // nothing was sent: close quietly
                }
            }
            case HEADERS -> fail(408, ErrorKind.REQUEST_TIMEOUT, "headers not received in time");
            case BODY -> {
                if (readPaused) {
                    setStage(Stage.BODY, now + context.bodyTimeoutNanos);
                } else {
                    fail(408, ErrorKind.REQUEST_TIMEOUT, "body not received in time");
                }
            }
            case NONE -> deadlineNanos = NO_DEADLINE;
        }
    }

    private void updateInterest() {
        if (state == State.CLOSED || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (!pendingWrites.isEmpty()) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (wantsToRead()) {
            ops |= SelectionKey.OP_READ;
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    private boolean wantsToRead() {
        if (inputClosed || readPaused) {
            return false;
        }
        // While a response is pending, keep reading (to notice a client that goes away) while there is room.
        ByteBuffer buffer = in;
        return state == State.LINGERING || buffer == null || buffer.limit() < buffer.capacity() || buffer.position() > 0;
    }

    /** The client's IP address, for {@code X-Forwarded-For}; worked out once, as every forwarded request needs it. */
    String remoteHost() {
        String host = remoteHost;
        if (host == null) {
            String address = remoteAddress();
            int colon = address.lastIndexOf(':');
            host = colon > 0 ? address.substring(0, colon) : address;
            host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            remoteHost = host;
        }
        return host;
    }

    /** The client's address as {@code host:port}, for logs and echo. */
    String remoteAddress() {
        String address = remoteAddress;
        if (address == null) {
            try {
                java.net.InetSocketAddress remote = (java.net.InetSocketAddress) channel.getRemoteAddress();
                address = remote == null ? "unknown" : Server.hostForUri(remote) + ":" + remote.getPort();
            } catch (IOException e) {
                address = "unknown";
            }
            remoteAddress = address;
        }
        return address;
    }

    /** Closes the connection at once, releasing everything it holds. Idempotent. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (capture != null) {
            // A request cut off before its response completed (the client went away, a write failed, shutdown)
            // is still recorded, with status 0, as the recorder's contract says: a journal counts on every
            // routed request being recorded exactly once.
            record(0, loop.now() - requestStartNanos);
        }
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.abort();
        }
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to do: the descriptor is released either way.
        }
        loop.removeTimed(this);
        ByteBuffer buffer = in;
        in = null;
        if (buffer != null) {
            loop.buffers.release(buffer);
        }
        pendingWrites.clear();
        acceptor.connectionClosed();
        context.sink.connectionClosed();
    }

    @Override
    public void forceClose() {
        close();
    }
}
