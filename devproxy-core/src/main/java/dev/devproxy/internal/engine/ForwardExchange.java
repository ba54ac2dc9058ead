package dev.devproxy.internal.engine;

import dev.devproxy.ErrorKind;
import dev.devproxy.Route;
import dev.devproxy.RouteKind;
import dev.devproxy.Upstream;
import dev.devproxy.parser.BodyKind;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.HttpVersion;
import dev.devproxy.parser.ParseError;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.parser.ResponseHead;
import dev.devproxy.parser.ResponseParser;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Proxy mode: streams one request to an upstream and its response back, never holding more than the buffers
 * already in flight. Body bytes cross as views of the buffers they were read into; whichever side cannot take
 * them pauses reading on the other until it drains.
 *
 * <p>Framing follows RFC 9112 section 6.3. The request keeps the client's framing (Content-Length, or chunked
 * re-encoded from the parsed chunks). The response keeps Content-Length; chunked and close-delimited bodies
 * go to an HTTP/1.1 client chunked (trailers kept) and to an HTTP/1.0 client delimited by closing. A failure
 * before the response head is answered 502 or 504; after it, the client connection is closed, so a truncated
 * body is never framed as complete.
 */
final class ForwardExchange implements Exchange {
    private final ClientConnection client;
    private final Upstream upstream;
    private final ByteBuffer requestHead;
    private final boolean headRequest;
    private final boolean requestChunked;
    /** A request with no body and an idempotent method may be sent again when a reused connection was stale. */
    private final boolean retryable;
    private final boolean clientIsHttp10;
    /** Made only for a body that is chunked on its way out: most requests and responses have none. */
    private @Nullable ChunkFraming requestChunks;
    private @Nullable ChunkFraming responseChunks;

    private @Nullable UpstreamConnection connection;
    private boolean connected;
    /**
     * Whether {@link #requestHead} has been handed to the connection. Connected in the middle of the client's
     * parse pass (a pooled connection), the head waits for the body bytes or the end parsed in that same pass,
     * to go in one write with them; {@link #onInputConsumed()} sends it alone when none came.
     */
    private boolean requestHeadWritten;
    /** Body bytes the client connection keeps for us until the upstream connection can take them. */
    private @Nullable ByteBuffer held;
    private int heldOffset;
    private int heldLength;
    private boolean clientPaused;
    private boolean requestEnded;
    private boolean requestEndWritten;

    private boolean responseStarted;
    /**
     * The rewritten response head, held back for a moment so it leaves in one write with the first body bytes
     * (or the last chunk) parsed from the same read: one syscall, and one segment to the client, instead of
     * two. It is written on its own whenever a parse pass ends without them, so it is never held back longer
     * than the pass that parsed it.
     */
    private @Nullable ByteBuffer unsentHead;
    private boolean responseEnded;
    private BodyKind clientFraming = BodyKind.NONE;
    private int status;
    private boolean responseKeepAlive;
    private boolean upstreamPaused;
    private boolean done;

    ForwardExchange(ClientConnection client, Route.Forward route, RequestHead head) {
        this.client = client;
        this.upstream = route.upstream();
        this.headRequest = head.methodIs("HEAD");
        this.requestChunked = head.bodyKind() == BodyKind.CHUNKED;
        this.retryable = head.bodyKind() == BodyKind.NONE && isIdempotent(head);
        this.clientIsHttp10 = head.version() == HttpVersion.HTTP_1_0;
        this.requestHead = ProxyHeaders.request(head, route.target(), upstream, client.remoteHost());
        client.setRoute(RouteKind.FORWARD);
    }

    /** RFC 9110 section 9.2.2. */
    private static boolean isIdempotent(RequestHead head) {
        return head.methodIs("GET") || head.methodIs("HEAD") || head.methodIs("OPTIONS") || head.methodIs("TRACE")
                || head.methodIs("PUT") || head.methodIs("DELETE");
    }

    @Override
    public void start() {
        UpstreamConnection pooled = client.loop.upstreams.take(upstream);
        if (pooled != null) {
            attach(pooled);
            pooled.adopt(this);
            onConnected();
        } else {
            connectFresh();
        }
    }

    private void connectFresh() {
        client.context.resolver.resolve(upstream.host(), client.loop, address -> {
            if (done) {
                return;
            }
            if (address == null) {
                onConnectFailed("cannot resolve " + upstream.host());
            } else {
                UpstreamConnection.connect(upstream, address, client.loop, client.context, this);
            }
        });
    }

    void attach(UpstreamConnection upstreamConnection) {
        connection = upstreamConnection;
    }

    // ---- Request: client to upstream ----------------------------------------------------------------------

    void onConnected() {
        UpstreamConnection c = connection;
        if (done || c == null) {
            return;
        }
        connected = true;
        c.awaitResponse(headRequest);
        if (held != null) {
            writeHeld(c); // the head goes with it
        }
        if (requestEnded && !done) {
            writeRequestEnd(c); // the head goes with it, if still here
        } else if (!client.isParsing()) {
            // A fresh connection, outside the client's parse pass: no body bytes are about to follow.
            writeRequestHead(c);
        }
    }

    @Override
    public void onInputConsumed() {
        UpstreamConnection c = connection;
        if (connected && c != null && !done) {
            writeRequestHead(c);
        }
    }

    /** The head, if not written yet, marked written: the caller writes it ahead of what it writes now. */
    private @Nullable ByteBuffer unwrittenRequestHead() {
        if (requestHeadWritten) {
            return null;
        }
        requestHeadWritten = true;
        return requestHead;
    }

    private void writeRequestHead(UpstreamConnection c) {
        ByteBuffer head = unwrittenRequestHead();
        if (head != null) {
            c.write(head);
        }
    }

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        UpstreamConnection c = connection;
        if (done) {
            return true;
        }
        if (!connected || c == null || c.hasPendingWrites()) {
            held = buffer;
            heldOffset = offset;
            heldLength = length;
            clientPaused = true;
            return false;
        }
        if (!writeChunk(c, buffer.slice(offset, length))) {
            clientPaused = true;
            return false;
        }
        return true;
    }

    private void writeHeld(UpstreamConnection c) {
        ByteBuffer buffer = held;
        held = null;
        if (buffer != null && writeChunk(c, buffer.slice(heldOffset, heldLength)) && !done) {
            clientPaused = false;
            client.resumeReading();
        }
    }

    private boolean writeChunk(UpstreamConnection c, ByteBuffer data) {
        ByteBuffer head = unwrittenRequestHead();
        if (requestChunked) {
            ChunkFraming chunks = requestChunks;
            if (chunks == null) {
                chunks = requestChunks = new ChunkFraming();
            }
            ByteBuffer sizeLine = chunks.sizeLine(data.remaining());
            return head == null
                    ? c.write(sizeLine, data, ChunkFraming.crlf())
                    : c.write(head, sizeLine, data, ChunkFraming.crlf());
        }
        return head == null ? c.write(data) : c.write(head, data);
    }

    @Override
    public void onRequestEnd() {
        requestEnded = true;
        UpstreamConnection c = connection;
        if (connected && c != null && !done) {
            writeRequestEnd(c);
        }
    }

    private void writeRequestEnd(UpstreamConnection c) {
        if (requestEndWritten) {
            return;
        }
        requestEndWritten = true;
        ByteBuffer head = unwrittenRequestHead();
        if (requestChunked) {
            ByteBuffer lastChunk = ProxyHeaders.lastChunk(client.trailers());
            if (head == null) {
                c.write(lastChunk);
            } else {
                c.write(head, lastChunk);
            }
        } else if (head != null) {
            c.write(head);
        }
        c.requestComplete();
    }

    void onUpstreamDrained() {
        UpstreamConnection c = connection;
        if (done || c == null) {
            return;
        }
        if (held != null) {
            writeHeld(c);
        } else if (clientPaused) {
            clientPaused = false;
            client.resumeReading();
        }
    }

    // ---- Response: upstream to client ---------------------------------------------------------------------

    /** Response bytes arrived, or the client drained: relay what the upstream connection holds. */
    void onUpstreamData() {
        relayUpstream();
        // The connection decided whether to read on before we consumed its buffer: a buffer that was full
        // then has room now, and without this it would never be read again.
        UpstreamConnection c = connection;
        if (c != null) {
            c.updateInterest();
        }
    }

    private void relayUpstream() {
        parseUpstream();
        sendUnsentHead();
    }

    private void parseUpstream() {
        while (!done && !upstreamPaused) {
            UpstreamConnection c = connection;
            if (c == null) {
                return;
            }
            ResponseParser parser = c.parser;
            ByteBuffer input = c.input();
            ParseStatus parsed = parser.parse(input);
            if (parsed == ParseStatus.NEED_MORE) {
                if (!c.isEndOfStream()) {
                    return;
                }
                parsed = parser.endOfInput();
                if (parsed == ParseStatus.NEED_MORE) {
                    sendUnsentHead();
                    onUpstreamFailed("upstream closed the connection without a response");
                    return;
                }
            }
            switch (parsed) {
                case HEAD -> onResponseHead(parser.head());
                case BODY -> relay(input.slice(parser.bodyOffset(), parser.bodyLength()));
                case END -> {
                    if (responseStarted) {
                        onResponseEnd(parser.trailers());
                        return;
                    }
                    // The end of an interim (1xx) response: the final one follows.
                }
                case ERROR -> {
                    sendUnsentHead(); // as before the join: what was relayed goes out, then the close
                    if (parser.error() == ParseError.TRUNCATED) {
                        onUpstreamFailed("upstream closed the connection mid-response");
                    } else {
                        upstreamBroke(ErrorKind.UPSTREAM_PROTOCOL, "invalid response from upstream " + upstream
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

    private void onResponseHead(ResponseHead head) {
        if (head.status() < 200) {
            if (head.status() == 101) {
                // Upgrade was stripped from the request, so a switch of protocols is not an answer to it.
                upstreamBroke(ErrorKind.UPSTREAM_PROTOCOL, "upstream " + upstream + " switched protocols unasked");
            }
            return; // 1xx: this proxy answered Expect itself; other interim responses are dropped
        }
        status = head.status();
        responseKeepAlive = head.keepAlive();
        clientFraming = switch (head.bodyKind()) {
            case NONE -> BodyKind.NONE;
            case CONTENT_LENGTH -> BodyKind.CONTENT_LENGTH;
            case CHUNKED, UNTIL_CLOSE -> clientIsHttp10 ? BodyKind.UNTIL_CLOSE : BodyKind.CHUNKED;
        };
        if (clientFraming == BodyKind.UNTIL_CLOSE) {
            client.closeAfterResponse();
        }
        responseStarted = true;
        unsentHead = ProxyHeaders.response(head, clientFraming, client.willKeepAlive(), client.announcesKeepAlive(),
                client.loop.date);
    }

    private void relay(ByteBuffer data) {
        ByteBuffer head = unsentHead;
        unsentHead = null;
        if (clientFraming == BodyKind.CHUNKED) {
            ChunkFraming chunks = responseChunks;
            if (chunks == null) {
                chunks = responseChunks = new ChunkFraming();
            }
            ByteBuffer sizeLine = chunks.sizeLine(data.remaining());
            if (head == null) {
                send(sizeLine, data, ChunkFraming.crlf());
            } else {
                send(head, sizeLine, data, ChunkFraming.crlf());
            }
        } else if (head == null) {
            send(data);
        } else {
            send(head, data);
        }
    }

    private void onResponseEnd(HeaderFields trailers) {
        responseEnded = true;
        ByteBuffer head = unsentHead;
        unsentHead = null;
        if (clientFraming == BodyKind.CHUNKED) {
            ByteBuffer lastChunk = ProxyHeaders.lastChunk(trailers);
            if (head == null) {
                send(lastChunk);
            } else {
                send(head, lastChunk);
            }
        } else if (head != null) {
            send(head); // no body (HEAD, 204, 304, Content-Length: 0): the head is the whole response
        }
        if (!upstreamPaused && !done) {
            finish();
        }
    }

    /** Writes a head that no body bytes followed in this parse pass: the client must not wait for them. */
    private void sendUnsentHead() {
        ByteBuffer head = unsentHead;
        unsentHead = null;
        if (head != null && !done) {
            send(head);
        }
    }

    /** Writes to the client; when it cannot take everything, stops reading the upstream until it drains. */
    private void send(ByteBuffer... buffers) {
        if (!client.write(buffers) && !done) {
            upstreamPaused = true;
            UpstreamConnection c = connection;
            if (c != null) {
                c.pauseReading();
            }
        }
    }

    @Override
    public void onClientDrained() {
        if (done || !upstreamPaused) {
            return;
        }
        upstreamPaused = false;
        if (responseEnded) {
            finish();
            return;
        }
        UpstreamConnection c = connection;
        if (c != null) {
            c.resumeReading();
            onUpstreamData();
        }
    }

    /** The whole response was handed to the client: give the upstream connection back, or close it. */
    private void finish() {
        done = true;
        UpstreamConnection c = connection;
        connection = null;
        if (c != null) {
            if (requestEndWritten && c.isReusable(responseKeepAlive)) {
                c.release();
            } else {
                c.close();
            }
        }
        client.responseComplete(status);
    }

    // ---- Failures -----------------------------------------------------------------------------------------

    void onConnectFailed(String reason) {
        connection = null;
        failBeforeResponse(502, ErrorKind.UPSTREAM_CONNECT, "cannot connect to upstream " + upstream + ": " + reason);
    }

    void onConnectTimeout() {
        connection = null;
        failBeforeResponse(504, ErrorKind.UPSTREAM_TIMEOUT, "upstream " + upstream + " did not accept the connection in time");
    }

    void onUpstreamTimeout() {
        connection = null;
        upstreamBroke(ErrorKind.UPSTREAM_TIMEOUT, "upstream " + upstream + " did not answer in time");
    }

    /** The upstream connection failed (reset, or closed early); it is already closed or about to be. */
    void onUpstreamFailed(String reason) {
        UpstreamConnection c = connection;
        if (done) {
            return;
        }
        if (!responseStarted && retryable && c != null && c.isReused()) {
            // A pooled connection the upstream had just closed: RFC 9112 section 9.3.1 allows a retry.
            connection = null;
            connected = false;
            requestHeadWritten = false;
            requestEndWritten = false;
            requestHead.rewind();
            c.close();
            connectFresh();
            return;
        }
        upstreamBroke(ErrorKind.UPSTREAM_ABORT, reason + " (" + upstream + ")");
    }

    private void upstreamBroke(ErrorKind kind, String reason) {
        if (done) {
            return;
        }
        if (!responseStarted) {
            failBeforeResponse(kind == ErrorKind.UPSTREAM_TIMEOUT ? 504 : 502, kind, reason);
            return;
        }
        // Part of the response is out: closing is the only way left to show the client it is incomplete.
        done = true;
        closeUpstream();
        client.context.sink.error(kind);
        client.context.warn(reason + "; response truncated, closing the client connection");
        client.close();
    }

    private void failBeforeResponse(int statusToSend, ErrorKind kind, String reason) {
        if (done) {
            return;
        }
        done = true;
        closeUpstream();
        client.fail(statusToSend, kind, reason);
    }

    @Override
    public void abort() {
        done = true;
        held = null;
        unsentHead = null;
        closeUpstream();
    }

    private void closeUpstream() {
        UpstreamConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }
}
