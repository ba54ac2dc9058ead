package dev.devproxy.internal.server;

import dev.devproxy.ErrorKind;
import dev.devproxy.RouteKind;
import dev.devproxy.internal.exchange.Destination;
import dev.devproxy.internal.exchange.Exchange;
import dev.devproxy.internal.proxy.ConnectExchange;
import dev.devproxy.internal.tls.InterceptionCa;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * {@code CONNECT host:port} to a destination on the interception list: no upstream is connected; once the
 * CONNECT is complete and the host's leaf certificate is at hand, it answers {@code 200} and the connection speaks
 * TLS as that host from then on (see {@link ClientConnection#intercept}).
 *
 * <p>Why waiting is safe: a leaf is made on the leaf cache's own thread, never on the loop. Key generation is
 * already avoided (every leaf shares one key), but a signature, its check and a TLS context are work the other
 * connections on the loop should not wait through. A cached leaf is used at once; otherwise the answer comes back
 * to the loop as a task, and meanwhile the connection is in {@code RESPONDING}, where it parses nothing, so bytes
 * the client sends early (its ClientHello) stay in its buffer for the TLS layer. The task finds this exchange
 * {@linkplain #abort() aborted} if the connection closed meanwhile, and does nothing.
 */
final class InterceptedConnect implements Exchange {
    private final ClientConnection client;
    private final Destination destination;
    private InterceptionCa.@Nullable Leaf leaf;
    private boolean requestEnded;
    private boolean done;

    InterceptedConnect(ClientConnection client, Destination destination) {
        this.client = client;
        this.destination = destination;
        client.setRoute(RouteKind.FORWARD);
    }

    @Override
    public void start() {
        Interception interception = java.util.Objects.requireNonNull(client.interception());
        CompletableFuture<InterceptionCa.Leaf> future = interception.leaves().leafFor(destination.host());
        if (future.isDone() && !future.isCompletedExceptionally()) {
            leaf = future.join(); // cached: no wait, no task
            proceed();
            return;
        }
        future.whenComplete((minted, failure) -> client.http().loop.execute(() -> minted(minted, failure)));
    }

    private void minted(InterceptionCa.@Nullable Leaf minted, @Nullable Throwable failure) {
        if (done) {
            return;
        }
        if (minted == null) {
            done = true;
            client.context().error("cannot make a certificate for " + destination.host() + " to intercept"
                    + " CONNECT " + destination, failure == null ? new IllegalStateException() : failure);
            client.fail(500, ErrorKind.INTERNAL, null);
            return;
        }
        leaf = minted;
        proceed();
    }

    /** Answers once both are there: the whole CONNECT (so no byte of it is read as TLS) and the leaf. */
    private void proceed() {
        InterceptionCa.Leaf ready = leaf;
        if (done || !requestEnded || ready == null) {
            return;
        }
        done = true;
        client.send(ConnectExchange.established());
        client.flushResponse();
        if (client.hasPendingWrites()) {
            // The 200 must be on the wire before the TLS layer goes on, or it would be encrypted. Nothing else is
            // queued (a request is parsed only once the response before it has left), so only a client whose
            // receive window cannot take these 50 bytes gets here: not one worth waiting for.
            client.forceClose();
            return;
        }
        client.intercept(destination, ready);
    }

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        return true; // a CONNECT has no body; the parser framed none
    }

    @Override
    public void onRequestEnd() {
        requestEnded = true;
        proceed();
    }

    @Override
    public void abort() {
        done = true;
    }
}
