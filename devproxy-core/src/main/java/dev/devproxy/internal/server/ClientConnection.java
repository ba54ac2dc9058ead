package dev.devproxy.internal.server;

import dev.devproxy.ErrorKind;
import dev.devproxy.Response;
import dev.devproxy.Route;
import dev.devproxy.RouteKind;
import dev.devproxy.internal.exchange.Destination;
import dev.devproxy.internal.exchange.EchoExchange;
import dev.devproxy.internal.exchange.Exchange;
import dev.devproxy.internal.exchange.ExchangeConnection;
import dev.devproxy.internal.exchange.HttpLoopState;
import dev.devproxy.internal.exchange.LocalResponseExchange;
import dev.devproxy.internal.exchange.ResponseHeads;
import dev.devproxy.internal.exchange.ServerContext;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.proxy.ForwardExchange;
import dev.devproxy.internal.proxy.ProxyLoopState;
import dev.devproxy.internal.loop.PlainTransport;
import dev.devproxy.internal.loop.StreamConnection;
import dev.devproxy.internal.loop.Timed;
import dev.devproxy.internal.loop.Transport;
import dev.devproxy.internal.tls.InterceptionCa;
import dev.devproxy.internal.tls.TlsTransport;
import dev.devproxy.parser.BodyKind;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.HttpVersion;
import dev.devproxy.parser.ParseError;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.ParserLimits;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.parser.RequestParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * One client connection: reads and parses requests, hands each to an {@link Exchange}, writes responses, and
 * enforces the timeout of each {@link ClientPhase}. The exchange speaks to it only through
 * {@link ExchangeConnection}; the I/O underneath is {@link StreamConnection}'s, the outcome of each request is
 * recorded by its {@link RequestOutcome}. Confined to its loop's thread.
 *
 * <p>Longer than most classes because the phase machine is one piece: parsing, the deadlines of each phase,
 * the end of a response and closing all change the phase, and split apart they would each need the others'
 * state.
 */
final class ClientConnection extends StreamConnection implements ExchangeConnection {
    /** What a client connection tells when it closes: the acceptor, which counts them against the cap. */
    interface ClientSlots {
        void connectionClosed();
    }

    /** After a last response, how much input is read and thrown away before closing (see {@link ClientPhase#LINGERING}). */
    private static final long LINGER_MAX_BYTES = 1 << 20;
    /**
     * The largest body {@link #sendBuffered} copies in behind the head. Larger ones go in a gathering write,
     * so that a response the client cannot take at once keeps its body by reference instead of a copy.
     */
    private static final int MERGED_BODY_MAX = 8 * 1024;

    private final HttpLoopState http;
    private final ProxyLoopState proxy;
    private final ServerContext context;
    private final ClientSlots slots;
    private final RequestParser parser;
    private final RequestOutcome outcome;
    private final @Nullable Interception interception;

    private ClientPhase phase = ClientPhase.NEW;
    /** When the current phase began: the age shedding ranks by, and the base of the body deadline. */
    private long phaseStartNanos;
    /** The current phase's deadline, which applies when no write is pending. */
    private long phaseDeadline = NO_DEADLINE;
    private @Nullable Exchange exchange;
    /** The exchange holds views of the input buffer: nothing is parsed or read until it resumes. */
    private boolean readPaused;
    private boolean inputClosed;
    private boolean processing;
    private long lingeredBytes;
    private @Nullable String remoteAddress;
    private @Nullable String remoteHost;
    private @Nullable EchoExchange echo;
    private @Nullable ForwardExchange forward;
    /** The destination of the intercepted CONNECT this connection now speaks TLS for, or null. */
    private @Nullable Destination intercepted;

    // The request in progress.
    private boolean requestKeepAlive;
    private boolean announceKeepAlive;
    private boolean headRequest;
    private long bodyBytesReceived;
    /** Time the current body spent paused by backpressure, and since when it is paused; not the client's doing. */
    private long bodyPausedNanos;
    private long bodyPauseStartNanos;

    private ClientConnection(Transport transport, ServerLoop on, ServerContext context, ClientSlots slots) {
        super(on.loop, transport);
        this.http = on.http;
        this.proxy = on.proxy;
        this.context = context;
        this.slots = slots;
        this.parser = new RequestParser(context.parserConfig);
        this.outcome = new RequestOutcome(context, this);
        this.interception = on.interception;
        phaseStartNanos = loop.now(); // enter() moves the start only on a change of phase, and NEW is the first
        enter(ClientPhase.NEW);
        updateInterest();
    }

    /** What goes on top of an accepted socket's transport: nothing for HTTP, TLS for HTTPS. */
    @FunctionalInterface
    interface Layer {
        Layer NONE = (socket, loop) -> socket;

        Transport over(Transport socket, EventLoop loop);
    }

    /** Registers an accepted channel with the loop {@code on}. On the loop's thread. */
    static void open(SocketChannel channel, ServerLoop on, ServerContext context, ClientSlots slots, Layer layer) {
        Transport transport;
        try {
            transport = layer.over(PlainTransport.accepted(channel, on.loop), on.loop);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            slots.connectionClosed();
            return;
        }
        open(transport, on, context, slots);
    }

    /** Starts a connection on {@code transport}, which is bound to it from now on. On the loop's thread. */
    /** The listener's acceptor that accepted this connection, whose cap it counts against. */
    ClientSlots slots() {
        return slots;
    }

    static ClientConnection open(Transport transport, ServerLoop on, ServerContext context, ClientSlots slots) {
        ClientConnection connection = new ClientConnection(transport, on, context, slots);
        on.loop.addTimed(connection);
        context.sink.connectionOpened();
        if (context.draining) {
            connection.close();
        }
        return connection;
    }

    /**
     * Closes the connections of {@code loop} that are between requests, and the tunnels, which have no request
     * to finish and may stay open for hours; for shutdown. On the loop's thread.
     */
    static void closeIdle(EventLoop loop) {
        for (Timed item : loop.timedSnapshot()) {
            if (item instanceof ClientConnection connection
                    && (connection.isBetweenRequests() || connection.phase == ClientPhase.TUNNEL)) {
                connection.close();
            }
        }
    }

    @Override
    public HttpLoopState http() {
        return http;
    }

    @Override
    public javax.net.ssl.@Nullable SSLEngine tlsEngine() {
        return transport instanceof TlsTransport tls ? tls.engine() : null;
    }

    @Override
    public ServerContext context() {
        return context;
    }

    // ---- What the shedder asks (see Shedder) --------------------------------------------------------------

    ClientPhase phase() {
        return phase;
    }

    private boolean isBetweenRequests() {
        return phase.isBetweenRequests() && !hasPendingOutput();
    }

    /** Since when the connection has been waiting on its client: its request's first byte, the start of idling, or of the body. */
    long waitingSince() {
        return phase.inRequest() && phase != ClientPhase.BODY ? outcome.startNanos() : phaseStartNanos;
    }

    /** Since when a stalled connection has made no progress: its last write, or since it began waiting. */
    long stalledSince() {
        return hasPendingOutput() ? lastWriteProgress() : waitingSince();
    }

    long lastWriteProgressNanos() {
        return lastWriteProgress();
    }

    /**
     * Whether the body being read has come in at less than the minimum body rate, over the time since it started
     * that it was not paused by backpressure.
     */
    boolean isSlowBody(long now) {
        long rate = context.config.minBodyRate();
        long clientMillis = (now - phaseStartNanos - bodyPausedNanos) / 1_000_000;
        return phase == ClientPhase.BODY && !readPaused && rate > 0 && bodyBytesReceived < clientMillis * rate / 1_000;
    }

    /** Shed because its client lets no byte be written: as the write timeout would. */
    void shedStalledWrite() {
        context.sink.error(ErrorKind.WRITE_TIMEOUT);
        close();
    }

    /** Shed because its request is stalled: 408, without lingering, since the slot is what is wanted. */
    void shedStalledRequest() {
        context.sink.error(ErrorKind.REQUEST_TIMEOUT);
        inputClosed = true;
        fail(408, null, null);
        close();
    }

    // ---- Reading ------------------------------------------------------------------------------------------

    @Override
    protected void onInput(ByteBuffer buffer, int count) {
        if (phase == ClientPhase.LINGERING) {
            discardLingeringInput(buffer);
            return;
        }
        if (phase == ClientPhase.TUNNEL) {
            tunnelInput();
            return;
        }
        if (count > 0 && phase.isBetweenRequests()) {
            startRequest();
        }
        process();
    }

    @Override
    protected void onEndOfInput() {
        inputClosed = true;
        switch (phase) {
            case NEW, IDLE -> {
                if (!parser.isIdle()) {
                    clientFailed();
                } else if (!hasPendingOutput()) {
                    close();
                } else {
                    enter(ClientPhase.CLOSING); // the response still flushing is the last
                    updateInterest();
                }
            }
            case REQUEST_LINE, HEADERS, BODY -> clientFailed();
            case RESPONDING -> updateInterest(); // a half-close: finish the response, then close
            case TUNNEL -> {
                Exchange current = exchange;
                if (current != null) {
                    current.onRequestEnd(); // passed on as a half-close towards the upstream
                }
                updateInterest();
            }
            case CLOSING -> {
                if (hasPendingOutput()) {
                    updateInterest();
                } else {
                    close();
                }
            }
            default -> close();
        }
    }

    @Override
    protected void onIoFailed(IOException failure) {
        clientFailed();
    }

    @Override
    protected boolean inputPinned() {
        return readPaused;
    }

    @Override
    protected boolean wantsToRead() {
        if (inputClosed || readPaused || phase == ClientPhase.CLOSED) {
            return false;
        }
        // While a response is pending, keep reading (to notice a client that goes away) while there is room.
        return phase == ClientPhase.LINGERING || inputHasRoom();
    }

    private void startRequest() {
        outcome.begin(loop.now());
        headRequest = false;
        enter(ClientPhase.REQUEST_LINE);
    }

    /**
     * Parses and dispatches as far as the phase allows, then tells the exchange the pass is over. Re-entrant
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
        if (current != null && phase != ClientPhase.CLOSED) {
            current.onInputConsumed();
        }
    }

    @Override
    public boolean isParsing() {
        return processing;
    }

    private void parseAvailable() {
        while (canParse()) {
            ByteBuffer source = input();
            if (phase.isBetweenRequests()) {
                if (!source.hasRemaining()) {
                    return;
                }
                startRequest(); // pipelined bytes already buffered start the next request now
            }
            int before = source.position();
            ParseStatus status = parser.parse(source);
            outcome.countIn(source.position() - before); // what this request consumed, not what was read
            switch (status) {
                case NEED_MORE -> {
                    if (phase == ClientPhase.REQUEST_LINE && parser.hasRequestLine()) {
                        outcome.requestLineRead(source, before, source.position(), source.limit());
                        enter(ClientPhase.HEADERS);
                    }
                    return;
                }
                case HEAD -> onHead(parser.head());
                case BODY -> {
                    extendBodyDeadline(parser.bodyLength());
                    outcome.body(source, parser.bodyOffset(), parser.bodyLength());
                    Exchange current = exchange;
                    if (current != null && !current.onRequestBody(source, parser.bodyOffset(), parser.bodyLength())) {
                        readPaused = true;
                        bodyPauseStartNanos = loop.now();
                        return;
                    }
                }
                case END -> {
                    enter(ClientPhase.RESPONDING);
                    outcome.requestEnded();
                    Exchange current = exchange;
                    if (current != null) {
                        current.onRequestEnd();
                    }
                }
                case ERROR -> {
                    if (phase.readsHead()) {
                        outcome.requestLineRead(source, before, source.position(), source.limit());
                    }
                    fail(parser.error().status(), ErrorKind.BAD_REQUEST, parseFailure(parser.error()));
                    return;
                }
            }
        }
    }

    /** Why a request that failed to parse is refused; a limit names its setting and value, so it can be raised. */
    private String parseFailure(ParseError error) {
        ParserLimits limits = context.config.limits();
        return switch (error) {
            case BODY_TOO_LARGE -> "request body larger than maxBodySize (" + limits.maxBodySize()
                    + " bytes; " + context.bodyLimitAdvice + ")";
            case REQUEST_LINE_TOO_LONG -> "request line longer than maxRequestLineLength ("
                    + limits.maxRequestLineLength() + " bytes; raise it with ParserLimits.withMaxRequestLineLength)";
            case HEADER_LINE_TOO_LONG -> "header line longer than maxHeaderLineLength ("
                    + limits.maxHeaderLineLength() + " bytes; raise it with ParserLimits.withMaxHeaderLineLength)";
            case TOO_MANY_HEADERS -> "more header fields than maxHeaderCount (" + limits.maxHeaderCount()
                    + "; raise it with ParserLimits.withMaxHeaderCount)";
            case HEADER_SECTION_TOO_LARGE -> "header section larger than maxHeaderSectionSize ("
                    + limits.maxHeaderSectionSize() + " bytes; raise it with ParserLimits.withMaxHeaderSectionSize)";
            default -> "bad request (" + error + ")";
        };
    }

    private boolean canParse() {
        if (phase.readsHead()) {
            return !hasPendingOutput(); // pipelined requests are answered in order: one response at a time
        }
        return phase == ClientPhase.BODY && !readPaused;
    }

    private void onHead(RequestHead head) {
        bodyBytesReceived = 0;
        bodyPausedNanos = 0;
        enter(ClientPhase.BODY);
        requestKeepAlive = head.keepAlive();
        announceKeepAlive = head.version() == HttpVersion.HTTP_1_0;
        headRequest = head.methodIs("HEAD");
        outcome.head(head);
        if (context.proxyAuthorization != null && context.config.forwardProxy()
                && (head.targetForm() == RequestHead.TargetForm.AUTHORITY
                        || head.targetForm() == RequestHead.TargetForm.ABSOLUTE)
                && !proxyAuthorized(head, context.proxyAuthorization)) {
            challenge();
            return;
        }
        switch (head.targetForm()) {
            case AUTHORITY -> {
                // RFC 9110 section 9.3.6: a 2xx answer to CONNECT turns the connection into a tunnel, so no
                // router or stub may answer it: the engine does, and only in forward-proxy mode.
                Exchange connect = Exchanges.connect(head, this, proxy);
                if (connect != null) {
                    start(connect, head);
                }
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
            Destination origin = intercepted;
            decision = origin != null && interception != null ? interception.route(head, origin)
                    : context.router.route(head);
        } catch (RuntimeException | Error e) {
            // An Error too (an AssertionError in a router written with test assertions): left to escape, it
            // would kill this loop's thread and hang every connection on it.
            context.error("router " + context.router + " threw for " + head.method() + " " + head.target(), e);
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
            send(ByteBuffer.wrap(ResponseHeads.CONTINUE)); // a fresh view: written now or kept as it is
            flushResponse();
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
        if (rate > 0 && phase == ClientPhase.BODY) {
            phaseDeadline = phaseStartNanos + context.bodyTimeoutNanos + bodyBytesReceived * 1_000_000_000L / rate;
            updateDeadline();
        }
    }

    @Override
    public void resumeReading() {
        if (!readPaused || phase == ClientPhase.CLOSED) {
            return;
        }
        readPaused = false;
        if (phase == ClientPhase.TUNNEL) {
            releaseInputIfEmpty();
            updateInterest();
            readBufferedInput();
            return;
        }
        if (phase == ClientPhase.BODY) {
            // The body clock restarts: the wait was the other side's, not the client's.
            bodyPausedNanos += loop.now() - bodyPauseStartNanos;
            restartDeadline();
        }
        process();
        releaseInputIfEmpty();
        updateInterest();
        readBufferedInput();
    }

    private void clientFailed() {
        if (phase.inRequest()) {
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

    // ---- Writing ------------------------------------------------------------------------------------------

    /** Queues {@code buffer} for the next {@link #flushResponse()}; scratch buffers are copied if they must wait. */
    @Override
    public void send(ByteBuffer buffer) {
        if (phase == ClientPhase.CLOSED) {
            return;
        }
        outcome.countOut(buffer.remaining()); // counted when handed over, so a later flush cannot recount it
        outcome.responseBytes(buffer);
        if (http.isScratch(buffer)) {
            queueTransient(buffer);
        } else {
            queue(buffer);
        }
    }

    @Override
    public boolean flushResponse() {
        if (phase == ClientPhase.CLOSED) {
            return false;
        }
        boolean flushed = flush();
        // Also after a complete write: a phase entered while this output was queued (a tunnel after its 101, the
        // idle phase after a response) took the write timeout's deadline, counted from a write progress that is
        // only kept while output waits. Left in place, it would cut the connection off at the next scan.
        updateDeadline();
        return flushed;
    }

    @Override
    protected void onWritable() {
        if (!flush()) {
            updateDeadline();
            return;
        }
        updateDeadline();
        if (phase == ClientPhase.CLOSING) {
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
     * {@inheritDoc} A response to HEAD goes without its body but keeps the Content-Length it would have had
     * (RFC 9110 section 9.3.2).
     */
    @Override
    public void sendBuffered(ByteBuffer head, ByteBuffer body, int status) {
        boolean merge = !headRequest && body.remaining() <= MERGED_BODY_MAX && body.remaining() <= head.remaining();
        if (merge) {
            // A small body goes right after the head: one plain write of one direct buffer. A gathering write
            // costs more (the JDK copies a heap body into a temporary direct buffer for it anyway, and sets up
            // and clears an iovec array): a seventh of the loop thread's Java samples in a profile of echo under wrk.
            head.put(body);
        }
        head.flip();
        // Queued one by one into the connection's own array, not passed as varargs, which would allocate one
        // per response; the flush is one plain write for one buffer, one gathering write for two.
        send(head);
        if (!headRequest && !merge) {
            send(body);
        }
        responseQueued(status);
        flushResponse();
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

    /** This connection's forward exchange, made on its first forward and reset for each next one. */
    ForwardExchange forwardExchange(Route.Forward route, RequestHead head) {
        ForwardExchange current = forward;
        if (current == null) {
            current = new ForwardExchange(this, proxy);
            forward = current;
        }
        current.reset(route, head);
        return current;
    }

    @Override
    public ByteBuffer startHead(int status) {
        ByteBuffer head = http.scratch.clear();
        ResponseHeads.statusLine(head, status);
        return head;
    }

    @Override
    public void endHead(ByteBuffer head, long contentLength) {
        ResponseHeads.contentLength(head, contentLength);
        ResponseHeads.connection(head, willKeepAlive(), announceKeepAlive);
        ResponseHeads.date(head, http.date);
        ResponseHeads.endOfHead(head);
    }

    @Override
    public boolean willKeepAlive() {
        return requestKeepAlive && !inputClosed && !context.draining && phase != ClientPhase.CLOSING;
    }

    @Override
    public boolean announcesKeepAlive() {
        return announceKeepAlive;
    }

    @Override
    public void closeAfterResponse() {
        requestKeepAlive = false;
    }

    @Override
    public HeaderFields trailers() {
        return parser.trailers();
    }

    @Override
    public void setRoute(RouteKind kind) {
        outcome.route(kind);
    }

    @Override
    public @Nullable Exchange exchangeFor(Route route, RequestHead head) {
        return Exchanges.create(route, head, this);
    }

    @Override
    public void replaceExchange(Exchange next) {
        exchange = next;
    }

    @Override
    public boolean hasPendingWrites() {
        return hasPendingOutput();
    }

    // ---- Ending a request ---------------------------------------------------------------------------------

    @Override
    public void responseQueued(int status) {
        if (phase == ClientPhase.CLOSED || phase == ClientPhase.LINGERING) {
            return;
        }
        outcome.ended(status, loop.now());
    }

    @Override
    public void respondWith(Response response) {
        outcome.respondWith(response);
    }

    @Override
    public void responseComplete(int status) {
        if (phase == ClientPhase.CLOSED || phase == ClientPhase.LINGERING) {
            return;
        }
        outcome.ended(status, loop.now());
        exchange = null;
        readPaused = false;
        boolean keepAlive = willKeepAlive() && phase != ClientPhase.BODY && parser.isIdle();
        if (!keepAlive) {
            enter(ClientPhase.CLOSING);
            if (!hasPendingOutput()) {
                finishClosing();
            }
            return;
        }
        enter(ClientPhase.IDLE);
        if (!hasPendingOutput()) {
            process();
            releaseInputIfEmpty();
            updateInterest();
        }
    }

    @Override
    public void closeWithoutResponse(boolean reset) {
        if (phase == ClientPhase.CLOSED) {
            return;
        }
        outcome.ended(0, loop.now());
        if (reset) {
            transport.resetOnClose();
        }
        close();
    }

    @Override
    public void closeWithoutResponseAfterFlush() {
        outcome.ended(0, loop.now());
        exchange = null;
        requestKeepAlive = false;
        enter(ClientPhase.CLOSING);
        if (!hasPendingOutput()) {
            finishClosing();
        }
    }

    @Override
    public void abandon() {
        flushResponse();
        close();
    }

    @Override
    public void fail(int status, @Nullable ErrorKind kind, @Nullable String warning) {
        if (phase == ClientPhase.CLOSED || phase == ClientPhase.LINGERING) {
            return;
        }
        if (kind != null) {
            context.sink.error(kind);
        }
        if (warning != null) {
            context.warn(remoteAddress() + ": " + warning + "; answered " + status);
        }
        if (kind == ErrorKind.BAD_REQUEST || kind == ErrorKind.REQUEST_TIMEOUT || kind == ErrorKind.NOT_IMPLEMENTED) {
            outcome.refused(warning != null ? warning : "answered " + status + " by the proxy", parser);
        }
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.abort();
        }
        readPaused = false;
        requestKeepAlive = false; // the error is the connection's last response
        // A request the engine refuses (bad syntax, too slow, a router's rejection) counts as REJECT whatever route
        // was chosen; a route that failed on its own account (an upstream's 502/504) keeps its label.
        if (kind == null || kind == ErrorKind.BAD_REQUEST || kind == ErrorKind.REQUEST_TIMEOUT
                || kind == ErrorKind.NOT_IMPLEMENTED) {
            outcome.route(RouteKind.REJECT);
        }
        byte[] body = ResponseHeads.errorBody(status);
        ByteBuffer head = startHead(status);
        ResponseHeads.field(head, "Content-Type", "text/plain; charset=utf-8");
        endHead(head, body.length);
        sendBuffered(head, ByteBuffer.wrap(body), status);
    }

    /** Whether {@code head} carries the expected {@code Proxy-Authorization} (RFC 9110 section 11.7.2). */
    private static boolean proxyAuthorized(RequestHead head, String expected) {
        String given = head.headers().get("Proxy-Authorization");
        if (given == null || given.length() != expected.length() || !given.regionMatches(true, 0, expected, 0, 6)) {
            return false; // the scheme ("Basic ") compares without case (RFC 9110 section 11.1), the token exactly
        }
        return java.security.MessageDigest.isEqual(
                given.substring(6).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                expected.substring(6).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** 407 with the challenge (RFC 9110 section 15.5.8), then close: as {@link #fail}, with one more field. */
    private void challenge() {
        outcome.route(RouteKind.REJECT);
        exchange = null;
        requestKeepAlive = false;
        byte[] body = ResponseHeads.errorBody(407);
        ByteBuffer head = startHead(407);
        ResponseHeads.field(head, "Proxy-Authenticate", "Basic realm=\"DevProxy\", charset=\"UTF-8\"");
        ResponseHeads.field(head, "Content-Type", "text/plain; charset=utf-8");
        endHead(head, body.length);
        sendBuffered(head, ByteBuffer.wrap(body), 407);
    }

    /** After a response the connection will not outlive: shut down output, then read and discard briefly. */
    private void finishClosing() {
        if (phase == ClientPhase.CLOSED || phase == ClientPhase.LINGERING) {
            return;
        }
        if (inputClosed) {
            close();
            return;
        }
        try {
            transport.shutdownOutput();
        } catch (IOException e) {
            close();
            return;
        }
        enter(ClientPhase.LINGERING);
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.abort();
        }
        readPaused = false;
        discardInput();
        updateInterest();
    }

    // ---- The tunnel ---------------------------------------------------------------------------------------

    @Override
    public void becomeTunnel(int status) {
        if (phase != ClientPhase.RESPONDING) {
            // Only a complete request can turn into a tunnel: bytes of its body would otherwise cross unframed.
            // The exchanges never ask otherwise; closing is the safe answer should one do so.
            context.error("a tunnel was asked for in phase " + phase + "; closing", new IllegalStateException());
            close();
            return;
        }
        outcome.ended(status, loop.now());
        requestKeepAlive = false;
        readPaused = false;
        enter(ClientPhase.TUNNEL);
        context.sink.tunnelOpened();
        flushResponse();
        if (phase == ClientPhase.TUNNEL && input().hasRemaining()) {
            tunnelInput(); // bytes the client sent right behind its request (a TLS ClientHello after CONNECT)
        }
        if (phase == ClientPhase.TUNNEL) {
            releaseInputIfEmpty();
            updateInterest();
        }
    }

    /**
     * After the {@code 200} to an intercepted CONNECT has been written: speaks TLS as {@code destination} with
     * {@code leaf} from now on. The connection starts over (phase NEW) on a TLS layer over its socket, its requests
     * for {@code https://destination}; bytes the client sent behind the CONNECT go to the TLS layer.
     */
    void intercept(Destination destination, InterceptionCa.Leaf leaf) {
        Interception on = interception;
        if (phase != ClientPhase.RESPONDING || on == null || hasPendingOutput()) {
            context.error("an interception was asked for in phase " + phase + "; closing", new IllegalStateException());
            close();
            return;
        }
        outcome.ended(200, loop.now());
        exchange = null;
        readPaused = false;
        TlsTransport tls;
        try {
            tls = on.layer(transport, loop, leaf, destination, input());
        } catch (RuntimeException e) {
            context.error("cannot start TLS for the intercepted CONNECT " + destination, e);
            close();
            return;
        }
        layerTransport(tls);
        intercepted = destination;
        enter(ClientPhase.NEW);
        updateInterest();
    }

    /** The interception of this connection's server, or null when it intercepts nothing. */
    @Nullable Interception interception() {
        return interception;
    }

    @Override
    public @Nullable String interceptedOrigin() {
        Destination destination = intercepted;
        return destination == null ? null : "https://" + destination;
    }

    /** Hands what the client sent to the tunnel; pauses reading while the upstream cannot take it. */
    private void tunnelInput() {
        ByteBuffer buffer = input();
        Exchange current = exchange;
        if (readPaused || current == null || !buffer.hasRemaining()) {
            return;
        }
        int offset = buffer.position();
        int length = buffer.remaining();
        buffer.position(buffer.limit());
        restartDeadline();
        if (!current.onRequestBody(buffer, offset, length)) {
            readPaused = true; // the upstream holds views of these bytes: the buffer is pinned until it drains
        }
    }

    @Override
    public void tunnelActive() {
        if (phase == ClientPhase.TUNNEL) {
            restartDeadline();
        }
    }

    @Override
    public void shutdownOutput() {
        if (phase != ClientPhase.TUNNEL) {
            return;
        }
        try {
            transport.shutdownOutput();
        } catch (IOException e) {
            close();
        }
    }

    @Override
    public void endTunnel() {
        close();
    }

    // ---- Phases and deadlines -----------------------------------------------------------------------------

    /** Moves to {@code next}, whose deadline runs from now; the phase's start moves only when the phase changes. */
    private void enter(ClientPhase next) {
        if (next != phase) {
            phaseStartNanos = loop.now();
        }
        phase = next;
        restartDeadline();
    }

    /** Sets the current phase's deadline to its timeout from now. */
    private void restartDeadline() {
        long timeout = phase.timeoutNanos(context);
        phaseDeadline = timeout < 0 ? NO_DEADLINE : loop.now() + timeout;
        updateDeadline();
    }

    private void updateDeadline() {
        deadlineNanos = hasPendingOutput() ? lastWriteProgress() + context.writeTimeoutNanos : phaseDeadline;
    }

    @Override
    protected void onDeadline(long now) {
        if (hasPendingOutput()) {
            context.sink.error(ErrorKind.WRITE_TIMEOUT);
            context.warn("client at " + remoteAddress() + " did not read its response for "
                    + context.config.writeTimeout().toMillis() + " ms; closing");
            close();
            return;
        }
        switch (phase.expiry()) {
            case CLOSE -> close(); // nothing of a request is pending: close quietly
            case ANSWER_408 -> {
                if (phase == ClientPhase.BODY && readPaused) {
                    restartDeadline(); // the wait is the exchange's, not the client's
                } else {
                    fail(408, ErrorKind.REQUEST_TIMEOUT, phase.lateWarning());
                }
            }
            case NONE -> deadlineNanos = NO_DEADLINE;
        }
    }

    // ---- The client's address and closing -----------------------------------------------------------------

    @Override
    public String remoteHost() {
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

    @Override
    public String remoteAddress() {
        String address = remoteAddress;
        if (address == null) {
            InetSocketAddress remote = transport.remoteAddress();
            address = remote == null ? "unknown" : Server.hostForUri(remote) + ":" + remote.getPort();
            remoteAddress = address;
        }
        return address;
    }

    /** Closes the connection at once, releasing everything it holds. Idempotent. */
    void close() {
        if (phase == ClientPhase.CLOSED) {
            return;
        }
        phase = ClientPhase.CLOSED;
        outcome.cutOff(loop.now());
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.abort();
        }
        closeIo();
        slots.connectionClosed();
        context.sink.connectionClosed();
    }

    @Override
    public void forceClose() {
        close();
    }
}
