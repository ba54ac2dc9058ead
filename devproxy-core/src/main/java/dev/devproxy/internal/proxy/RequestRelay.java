package dev.devproxy.internal.proxy;

import dev.devproxy.internal.exchange.ExchangeConnection;
import dev.devproxy.parser.BodyKind;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The request direction of a forward: the rewritten head and the client's body bytes, framed as the client
 * framed them (Content-Length, or chunked re-encoded from the parsed chunks), into the upstream connection.
 * Body bytes cross as views of the client connection's buffer; while the upstream cannot take them, they stay
 * where they are and the client connection reads nothing more. Loop thread only; one per client connection,
 * reset per request.
 *
 * <p>The head is queued as soon as the upstream connection is ready and leaves with the first flush: with the
 * body bytes or the end parsed in the same pass of the client's parser, or alone when the pass ends without
 * them. Nothing holds it back by hand.
 */
final class RequestRelay {
    private final ExchangeConnection client;
    private final BodyFramer framer = new BodyFramer();
    private @Nullable ByteBuffer head;
    private @Nullable UpstreamConnection upstream;
    /** Body bytes the client connection keeps for us until the upstream connection can take them. */
    private @Nullable ByteBuffer held;
    private int heldOffset;
    private int heldLength;
    private boolean clientPaused;
    private boolean ended;
    private boolean endWritten;

    RequestRelay(ExchangeConnection client) {
        this.client = client;
    }

    /** Starts relaying a request with this rewritten {@code head} and body {@code framing}. */
    void reset(ByteBuffer head, BodyKind framing) {
        this.head = head;
        framer.reset(framing);
        upstream = null;
        held = null;
        clientPaused = false;
        ended = false;
        endWritten = false;
    }

    /** Forgets the upstream connection, to send the whole request again on another one. */
    void restart() {
        upstream = null;
        endWritten = false;
        ByteBuffer rewritten = head;
        if (rewritten != null) {
            rewritten.rewind();
        }
    }

    /** The upstream connection is ready: the head is queued, and what the client already sent follows it. */
    void connected(UpstreamConnection connection) {
        upstream = connection;
        ByteBuffer rewritten = head;
        if (rewritten != null) {
            connection.send(rewritten);
        }
        if (held != null) {
            writeHeld(connection);
        }
        if (ended) {
            writeEnd(connection);
        } else if (!client.isParsing()) {
            // Outside the client's parse pass, no body bytes are about to join the head.
            connection.flushRequest();
        }
    }

    /** Takes body bytes; false keeps them in the client's buffer until the upstream drains. */
    boolean onBody(ByteBuffer buffer, int offset, int length) {
        UpstreamConnection connection = upstream;
        if (connection == null || connection.isWriteBlocked()) {
            held = buffer;
            heldOffset = offset;
            heldLength = length;
            clientPaused = true;
            return false;
        }
        framer.data(connection, buffer.slice(offset, length));
        if (!connection.flushRequest()) {
            clientPaused = true;
            return false;
        }
        return true;
    }

    /** The client's parse pass ended: a head that no body bytes joined leaves now. */
    void onInputConsumed() {
        UpstreamConnection connection = upstream;
        if (connection != null) {
            connection.flushRequest();
        }
    }

    /** The request is complete. */
    void onEnd() {
        ended = true;
        UpstreamConnection connection = upstream;
        if (connection != null) {
            writeEnd(connection);
        }
    }

    /** Whether the whole request was handed to the upstream connection. */
    boolean isComplete() {
        return endWritten;
    }

    private void writeEnd(UpstreamConnection connection) {
        if (endWritten) {
            return;
        }
        endWritten = true;
        framer.end(connection, client.trailers());
        connection.flushRequest();
        connection.requestComplete();
    }

    private void writeHeld(UpstreamConnection connection) {
        ByteBuffer buffer = held;
        held = null;
        if (buffer == null) {
            return;
        }
        framer.data(connection, buffer.slice(heldOffset, heldLength));
        if (connection.flushRequest()) {
            resumeClient();
        }
    }

    /** The upstream took everything queued: held bytes go now, or the client may send more. */
    void onUpstreamDrained() {
        UpstreamConnection connection = upstream;
        if (connection == null) {
            return;
        }
        if (held != null) {
            writeHeld(connection);
        } else {
            resumeClient();
        }
    }

    private void resumeClient() {
        if (clientPaused) {
            clientPaused = false;
            client.resumeReading();
        }
    }

    /** Drops references to the client's buffers. */
    void abort() {
        held = null;
        upstream = null;
    }
}
