package dev.devproxy.internal.proxy;

import dev.devproxy.internal.exchange.ExchangeConnection;
import dev.devproxy.parser.BodyKind;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.ResponseHead;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The response direction of a forward: the upstream's head rewritten for the client, and its body framed for
 * the client (RFC 9112 section 6.3): Content-Length kept; chunked and close-delimited bodies go to an HTTP/1.1
 * client chunked (trailers kept) and to an HTTP/1.0 client delimited by closing. Body bytes cross as views of
 * the upstream connection's buffer; while the client cannot take them, the upstream connection reads nothing
 * more. Loop thread only; one per client connection, reset per request.
 *
 * <p>The head is queued when parsed and leaves with the first flush: with the body bytes (or the last chunk)
 * parsed from the same read, in one write and one segment to the client, or alone when the read pass ends.
 */
final class ResponseRelay {
    private final ExchangeConnection client;
    private final BodyFramer framer = new BodyFramer();
    private @Nullable UpstreamConnection upstream;
    private boolean clientIsHttp10;
    private boolean started;
    private boolean ended;
    /** The client has not taken what was queued: the upstream connection is paused until it drains. */
    private boolean paused;
    private int status;
    /** Body bytes of a Content-Length response still to relay, or -1 for other framings. */
    private long remaining;
    private boolean keepAlive;

    ResponseRelay(ExchangeConnection client) {
        this.client = client;
    }

    void reset(boolean clientIsHttp10) {
        this.clientIsHttp10 = clientIsHttp10;
        upstream = null;
        started = false;
        ended = false;
        paused = false;
        status = 0;
        remaining = -1;
        keepAlive = false;
    }

    void connected(UpstreamConnection connection) {
        upstream = connection;
    }

    void onHead(ResponseHead head) {
        status = head.status();
        remaining = head.bodyKind() == BodyKind.CONTENT_LENGTH ? head.contentLength() : -1;
        keepAlive = head.keepAlive();
        BodyKind clientFraming = switch (head.bodyKind()) {
            case NONE -> BodyKind.NONE;
            case CONTENT_LENGTH -> BodyKind.CONTENT_LENGTH;
            case CHUNKED, UNTIL_CLOSE -> clientIsHttp10 ? BodyKind.UNTIL_CLOSE : BodyKind.CHUNKED;
        };
        if (clientFraming == BodyKind.UNTIL_CLOSE) {
            client.closeAfterResponse();
        }
        framer.reset(clientFraming);
        started = true;
        client.send(ProxyHeaders.response(head, clientFraming, client.willKeepAlive(), client.announcesKeepAlive(),
                client.http().date));
    }

    /** Relays body bytes; false when the client did not take them all, so the upstream must pause. */
    boolean onBody(ByteBuffer buffer, int offset, int length) {
        framer.data(client, buffer.slice(offset, length));
        if (remaining > 0) {
            remaining -= length;
            if (remaining == 0) {
                client.responseQueued(status); // the last byte is queued: record before the flush hands it over
            }
        }
        if (!client.flushResponse()) {
            paused = true;
            return false;
        }
        return true;
    }

    /**
     * The upstream's response ended: relays the end.
     *
     * @return true when everything is written, false when the client still has to drain it
     */
    boolean onEnd(HeaderFields trailers) {
        ended = true;
        framer.end(client, trailers);
        client.responseQueued(status);
        if (!client.flushResponse()) {
            paused = true;
            return false;
        }
        return true;
    }

    /** The upstream's read pass ended: a head no body bytes joined leaves now; a full client pauses the upstream. */
    void onInputConsumed() {
        if (!client.flushResponse() && !paused) {
            paused = true;
            UpstreamConnection connection = upstream;
            if (connection != null) {
                connection.pauseReading();
            }
        }
    }

    /**
     * The client took everything queued.
     *
     * @return true when that completes the response
     */
    boolean onClientDrained() {
        if (!paused) {
            return false;
        }
        paused = false;
        if (ended) {
            return true;
        }
        UpstreamConnection connection = upstream;
        if (connection != null) {
            connection.resumeReading();
        }
        return false;
    }

    /** Whether part of the response was handed to the client: a failure can then only cut it off. */
    boolean isStarted() {
        return started;
    }

    int status() {
        return status;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    void abort() {
        upstream = null;
    }
}
