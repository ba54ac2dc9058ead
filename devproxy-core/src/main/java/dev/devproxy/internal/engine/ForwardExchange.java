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
    private final ChunkFraming requestChunks = new ChunkFraming();
    private final ChunkFraming responseChunks = new ChunkFraming();

    private @Nullable UpstreamConnection connection;
    private boolean connected;
    /** Body bytes the client connection keeps for us until the upstream connection can take them. */
    private @Nullable ByteBuffer held;
    private int heldOffset;
    private int heldLength;
    private boolean clientPaused;
    private boolean requestEnded;
    private boolean requestEndWritten;

    private boolean responseStarted;
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
        c.write(requestHead);
        if (held != null) {
            writeHeld(c);
        }
        if (requestEnded && !done) {
            writeRequestEnd(c);
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
        return requestChunked
                ? c.write(requestChunks.sizeLine(data.remaining()), data, ChunkFraming.crlf())
                : c.write(data);
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
        if (requestChunked) {
            c.write(ProxyHeaders.lastChunk(client.trailers()));
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
        send(ProxyHeaders.response(head, clientFraming, client.willKeepAlive(), client.announcesKeepAlive(),
                client.loop.date));
    }

    private void relay(ByteBuffer data) {
        if (clientFraming == BodyKind.CHUNKED) {
            send(responseChunks.sizeLine(data.remaining()), data, ChunkFraming.crlf());
        } else {
            send(data);
        }
    }

    private void onResponseEnd(HeaderFields trailers) {
        responseEnded = true;
        if (clientFraming == BodyKind.CHUNKED) {
            send(ProxyHeaders.lastChunk(trailers));
        }
        if (!upstreamPaused && !done) {
            finish();
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
