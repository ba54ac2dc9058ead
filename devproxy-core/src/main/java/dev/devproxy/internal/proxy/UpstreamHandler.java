package dev.devproxy.internal.proxy;

import dev.devproxy.internal.exchange.Exchange;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.ResponseHead;
import java.nio.ByteBuffer;

/**
 * What an {@link UpstreamConnection} reports to: the exchange it serves. It mirrors what a client connection
 * asks of an {@link Exchange}: the connection reads and parses, the handler is told what was parsed. Called
 * on the loop's thread only.
 */
interface UpstreamHandler {
    /** Why an upstream connection failed; it is closed before the handler hears. */
    enum Failure {
        /** The connection could not be made. */
        CONNECT,
        /** The connection was not accepted within the connect timeout. */
        CONNECT_TIMEOUT,
        /** The upstream made no progress within the upstream timeout. */
        TIMEOUT,
        /** The connection was reset, or closed before the response ended. */
        ABORT,
        /** The upstream sent something that is not an HTTP/1.1 response. */
        PROTOCOL
    }

    /** The connection is ready to carry the request; a pooled one is ready at once. */
    void onConnected(UpstreamConnection connection);

    /** A final response's head (1xx interim responses are dropped by the connection). Valid until the next head. */
    void onResponseHead(ResponseHead head);

    /**
     * Takes response body bytes {@code [offset, offset + length)} of {@code buffer}, which the connection owns.
     *
     * @return true when done with those bytes; false when views of them are still queued elsewhere, in which case
     *     the connection reads nothing more, and leaves its buffer alone, until {@link UpstreamConnection#resumeReading()}
     */
    boolean onResponseBody(ByteBuffer buffer, int offset, int length);

    /** The response ended, with these trailer fields (empty for most). */
    void onResponseEnd(HeaderFields trailers);

    /** A read pass is over: whatever the handler queued from it and has not flushed, it flushes now. */
    void onResponseInputConsumed();

    /** Everything queued towards the upstream was written: a paused request body may go on. */
    void onDrained();

    /**
     * An interim response other than 100 and 101 (such as 103 Early Hints, RFC 9110 section 15.2), before the
     * final one; valid until the next head.
     */
    default void onInterimResponse(ResponseHead head) {
    }

    /**
     * A {@code 101} switching to the protocol asked for with {@link UpstreamConnection#awaitResponse(boolean, String)}:
     * the handler turns both connections into a tunnel now, before the connection parses on. Bytes after the head
     * stay in the connection's input for the tunnel.
     */
    default void onSwitchingProtocols(ResponseHead head, UpstreamConnection connection) {
    }

    /** In a tunnel: the upstream closed its side (a FIN); response bytes came through {@link #onResponseBody}. */
    default void onTunnelInputEnd() {
    }

    /** The connection failed and is closed. */
    void onFailed(Failure failure, String reason);
}
