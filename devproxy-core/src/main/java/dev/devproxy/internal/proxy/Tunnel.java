package dev.devproxy.internal.proxy;

import dev.devproxy.ErrorKind;
import dev.devproxy.internal.exchange.Exchange;
import dev.devproxy.internal.exchange.ExchangeConnection;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.ResponseHead;
import java.nio.ByteBuffer;

/**
 * A byte tunnel between a client connection and an upstream connection, once a {@code 200} to CONNECT or a
 * {@code 101} to an upgrade has proved there is one. It is the client connection's exchange and the upstream
 * connection's handler for the rest of their lives: bytes read on one side are queued, as views of the buffer
 * they were read into, on the other and flushed at once. When the other side cannot take them all, the source
 * keeps its buffer pinned and reads nothing until the sink drains, so no queue grows with the data: each
 * direction holds at most one 16 KiB buffer. A FIN from one side is passed on, once its bytes are written, as
 * a half-close of the other; the tunnel ends when both directions have ended, or at once when either side
 * fails. The client connection's {@code TUNNEL} phase times out the whole tunnel when no byte moves either way.
 * Loop thread only.
 */
final class Tunnel implements Exchange, UpstreamHandler {
    private final ExchangeConnection client;
    private final UpstreamConnection upstream;
    /** The client sent its FIN; it is passed on once what it sent has been written upstream. */
    private boolean clientEnded;
    private boolean upstreamShut;
    /** The upstream sent its FIN; passed on once what it sent has been written to the client. */
    private boolean upstreamEnded;
    private boolean clientShut;
    private boolean closed;

    private Tunnel(ExchangeConnection client, UpstreamConnection upstream) {
        this.client = client;
        this.upstream = upstream;
    }

    /**
     * Turns {@code client} and {@code upstream} into the two ends of a tunnel. The response that proves it
     * ({@code status}) must already be queued on the client.
     */
    static void open(ExchangeConnection client, UpstreamConnection upstream, int status) {
        Tunnel tunnel = new Tunnel(client, upstream);
        client.replaceExchange(tunnel);
        upstream.becomeTunnel(tunnel);
        client.becomeTunnel(status);
    }

    // ---- Client to upstream -------------------------------------------------------------------------------

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        if (closed) {
            return true;
        }
        client.context().sink.tunnelBytes(length, 0);
        upstream.send(buffer.slice(offset, length));
        return upstream.flushRequest();
    }

    @Override
    public void onRequestEnd() {
        clientEnded = true;
        passOnClientEnd();
    }

    @Override
    public void onDrained() {
        if (closed) {
            return;
        }
        client.tunnelActive();
        client.resumeReading();
        passOnClientEnd();
    }

    private void passOnClientEnd() {
        if (closed || !clientEnded || upstreamShut || upstream.hasPendingOutput()) {
            return;
        }
        upstreamShut = true;
        upstream.shutdownOutput();
        endIfDone();
    }

    // ---- Upstream to client -------------------------------------------------------------------------------

    @Override
    public boolean onResponseBody(ByteBuffer buffer, int offset, int length) {
        if (closed) {
            return true;
        }
        client.context().sink.tunnelBytes(0, length);
        client.tunnelActive();
        client.send(buffer.slice(offset, length));
        return client.flushResponse();
    }

    @Override
    public void onTunnelInputEnd() {
        upstreamEnded = true;
        passOnUpstreamEnd();
    }

    @Override
    public void onClientDrained() {
        if (closed) {
            return;
        }
        client.tunnelActive();
        upstream.resumeReading();
        passOnUpstreamEnd();
    }

    private void passOnUpstreamEnd() {
        if (closed || !upstreamEnded || clientShut || client.hasPendingWrites()) {
            return;
        }
        clientShut = true;
        client.shutdownOutput();
        endIfDone();
    }

    // ---- The end ------------------------------------------------------------------------------------------

    private void endIfDone() {
        if (!closed && upstreamShut && clientShut) {
            close();
            client.endTunnel();
        }
    }

    @Override
    public void onFailed(Failure failure, String reason) {
        if (closed) {
            return;
        }
        client.context().sink.error(ErrorKind.UPSTREAM_ABORT);
        close();
        client.endTunnel();
    }

    /** The client connection is closing (the client vanished, the idle timeout, shutdown): close the upstream. */
    @Override
    public void abort() {
        close();
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        upstream.close();
        client.context().sink.tunnelClosed();
    }

    // ---- Not part of a tunnel -----------------------------------------------------------------------------

    @Override
    public void onConnected(UpstreamConnection connection) {
    }

    @Override
    public void onResponseHead(ResponseHead head) {
    }

    @Override
    public void onResponseEnd(HeaderFields trailers) {
    }

    @Override
    public void onResponseInputConsumed() {
    }
}
