package dev.devproxy.internal.proxy;

import dev.devproxy.ErrorKind;
import dev.devproxy.Route;
import dev.devproxy.RouteKind;
import dev.devproxy.Upstream;
import dev.devproxy.internal.exchange.Exchange;
import dev.devproxy.internal.exchange.ExchangeConnection;
import dev.devproxy.internal.exchange.UpstreamProxy;
import dev.devproxy.parser.BodyKind;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.HttpVersion;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.parser.ResponseHead;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Proxy mode: streams one request to an upstream and its response back, never holding more than the buffers
 * already in flight. The {@link RequestRelay} carries the request from the client connection to an
 * {@link UpstreamConnection}, the {@link ResponseRelay} carries the response back; this class finds the
 * upstream connection (pooled, or a fresh one), retries a stale one, and turns failures into answers. A
 * failure before the response head is answered 502 or 504; after it, the client connection is closed, so a
 * truncated body is never framed as complete.
 *
 * <p>One per client connection, made on its first forward and reset for each next one, like echo's exchange:
 * a connection carries one exchange at a time. A resolver answer for an earlier request is recognised by its
 * generation and ignored.
 */
public final class ForwardExchange implements Exchange, UpstreamHandler {
    private final ExchangeConnection client;
    private final ProxyLoopState proxy;
    private final RequestRelay request;
    private final ResponseRelay response;

    private Upstream upstream;
    /**
     * Where the connection goes, and what it is pooled by: the upstream, or for a plain one the next proxy when
     * one is configured for it.
     */
    private Upstream connectTo;
    /** The next proxy an HTTPS upstream is reached through with CONNECT, or null. */
    private @Nullable Upstream tunnelVia;
    private boolean headRequest;
    /** The protocol the request asks to upgrade to (websocket), or null. */
    private @Nullable String upgrade;
    /** Whether the client may be sent interim responses: HTTP/1.1 (RFC 9110 section 15.2). */
    private boolean interimAllowed;
    /** A request with no body and an idempotent method may be sent again when a reused connection was stale. */
    private boolean retryable;
    private @Nullable UpstreamConnection connection;
    private boolean done;
    /** Counts requests, so that a late resolver answer for an earlier one is ignored. */
    private int generation;

    public ForwardExchange(ExchangeConnection client, ProxyLoopState proxy) {
        this.client = client;
        this.proxy = proxy;
        this.request = new RequestRelay(client);
        this.response = new ResponseRelay(client);
        this.upstream = new Upstream("unused", 1);
        this.connectTo = upstream;
    }

    /** Readies this exchange for {@code head}, to be forwarded as {@code route} says. */
    public void reset(Route.Forward route, RequestHead head) {
        upstream = route.upstream();
        UpstreamProxy chain = client.context().upstreamProxy;
        Upstream next = chain == null ? null : chain.proxyFor(upstream);
        String target = route.target();
        if (upstream.tls()) {
            // Through a CONNECT tunnel, the request is the upstream's own, encrypted end to end; the connection
            // is pooled as one to the upstream, which it is.
            tunnelVia = next;
            connectTo = upstream;
        } else {
            tunnelVia = null;
            connectTo = next == null ? upstream : next;
            if (next != null) {
                // To another proxy, the request goes in absolute-form (RFC 9112 section 3.2.2); Host stays the upstream.
                target = "http://" + upstream.authority() + target;
            }
        }
        headRequest = head.methodIs("HEAD");
        retryable = head.bodyKind() == BodyKind.NONE && isIdempotent(head);
        connection = null;
        done = false;
        generation++;
        upgrade = ProxyHeaders.upgradeRequested(head);
        interimAllowed = head.version() == HttpVersion.HTTP_1_1;
        if (upgrade != null) {
            retryable = false; // an upgrade goes on a fresh connection, so there is no stale one to retry
        }
        request.reset(ProxyHeaders.request(head, target, upstream, client.remoteHost(), upgrade,
                client.tlsEngine() != null), head.bodyKind());
        response.reset(head.version() == HttpVersion.HTTP_1_0);
        client.setRoute(RouteKind.FORWARD);
    }

    /** RFC 9110 section 9.2.2. */
    private static boolean isIdempotent(RequestHead head) {
        return head.methodIs("GET") || head.methodIs("HEAD") || head.methodIs("OPTIONS") || head.methodIs("TRACE")
                || head.methodIs("PUT") || head.methodIs("DELETE");
    }

    @Override
    public void start() {
        // An upgrade may become a tunnel: it gets a connection of its own, never one from the pool, and its
        // connection never goes back there (a tunnel closes it).
        UpstreamConnection pooled = upgrade != null ? null : proxy.upstreams.take(connectTo);
        if (pooled != null) {
            pooled.adopt(this);
            onConnected(pooled);
        } else {
            connectFresh();
        }
    }

    private void connectFresh() {
        int requestGeneration = generation;
        Upstream via = tunnelVia;
        String host = via != null ? via.host() : connectTo.host();
        client.context().resolver.resolve(host, proxy.loop, address -> resolved(requestGeneration, host, address));
    }

    private void resolved(int requestGeneration, String host, @Nullable InetAddress address) {
        if (done || requestGeneration != generation) {
            return;
        }
        if (address == null) {
            onFailed(Failure.CONNECT, "cannot resolve " + host);
        } else {
            UpstreamConnection connecting = UpstreamConnection.connect(connectTo, tunnelVia, address, proxy,
                    client.context(), this);
            if (!done) {
                connection = connecting; // so that an abort while it connects closes it
            }
        }
    }

    // ---- The client connection's side ---------------------------------------------------------------------

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        return done || request.onBody(buffer, offset, length);
    }

    @Override
    public void onRequestEnd() {
        if (!done) {
            request.onEnd();
        }
    }

    @Override
    public void onInputConsumed() {
        if (!done) {
            request.onInputConsumed();
        }
    }

    @Override
    public void onClientDrained() {
        if (!done && response.onClientDrained()) {
            finish();
        }
    }

    @Override
    public void abort() {
        done = true;
        request.abort();
        response.abort();
        closeUpstream();
    }

    // ---- The upstream connection's side -------------------------------------------------------------------

    @Override
    public void onConnected(UpstreamConnection upstreamConnection) {
        if (done) {
            return;
        }
        connection = upstreamConnection;
        upstreamConnection.awaitResponse(headRequest, upgrade);
        response.connected(upstreamConnection);
        request.connected(upstreamConnection);
    }

    @Override
    public void onResponseHead(ResponseHead head) {
        if (!done) {
            response.onHead(head);
        }
    }

    @Override
    public void onInterimResponse(ResponseHead head) {
        if (!done && interimAllowed && !response.isStarted()) {
            client.send(ProxyHeaders.interim(head, null));
            client.flushResponse();
        }
    }

    @Override
    public void onSwitchingProtocols(ResponseHead head, UpstreamConnection switched) {
        if (done || upgrade == null) {
            return;
        }
        done = true;
        connection = null;
        client.send(ProxyHeaders.interim(head, upgrade));
        Tunnel.open(client, switched, 101);
    }

    @Override
    public boolean onResponseBody(ByteBuffer buffer, int offset, int length) {
        return done || response.onBody(buffer, offset, length);
    }

    @Override
    public void onResponseEnd(HeaderFields trailers) {
        if (!done && response.onEnd(trailers)) {
            finish();
        }
    }

    @Override
    public void onResponseInputConsumed() {
        if (!done) {
            response.onInputConsumed();
        }
    }

    @Override
    public void onDrained() {
        if (!done) {
            request.onUpstreamDrained();
        }
    }

    /** The whole response was handed to the client: give the upstream connection back, or close it. */
    private void finish() {
        done = true;
        UpstreamConnection c = connection;
        connection = null;
        if (c != null) {
            if (request.isComplete() && c.isReusable(response.keepAlive())) {
                c.release();
            } else {
                c.close();
            }
        }
        client.responseComplete(response.status());
    }

    // ---- Failures -----------------------------------------------------------------------------------------

    @Override
    public void onFailed(Failure failure, String reason) {
        UpstreamConnection failed = connection;
        connection = null;
        if (done) {
            return;
        }
        switch (failure) {
            case CONNECT -> failBeforeResponse(502, ErrorKind.UPSTREAM_CONNECT,
                    "cannot connect to upstream " + upstream + ": " + reason);
            case CONNECT_TIMEOUT -> failBeforeResponse(504, ErrorKind.UPSTREAM_TIMEOUT,
                    "upstream " + upstream + (upstream.tls() ? " did not accept the connection and finish its TLS"
                            + " handshake in time" : " did not accept the connection in time"));
            case TIMEOUT -> upstreamBroke(ErrorKind.UPSTREAM_TIMEOUT, "upstream " + upstream + " did not answer in time");
            case PROTOCOL -> upstreamBroke(ErrorKind.UPSTREAM_PROTOCOL, reason);
            case ABORT -> {
                if (!response.isStarted() && retryable && failed != null && failed.isReused()) {
                    // A pooled connection the upstream had just closed: RFC 9112 section 9.3.1 allows a retry.
                    request.restart();
                    connectFresh();
                    return;
                }
                upstreamBroke(ErrorKind.UPSTREAM_ABORT, reason + " (" + upstream + ")");
            }
        }
    }

    private void upstreamBroke(ErrorKind kind, String reason) {
        if (!response.isStarted()) {
            failBeforeResponse(kind == ErrorKind.UPSTREAM_TIMEOUT ? 504 : 502, kind, reason);
            return;
        }
        // Part of the response is out: closing is the only way left to show the client it is incomplete. What
        // was relayed from the last read goes first.
        done = true;
        closeUpstream();
        client.context().sink.error(kind);
        client.context().warn(reason + "; response truncated, closing the client connection");
        client.abandon();
    }

    private void failBeforeResponse(int statusToSend, ErrorKind kind, String reason) {
        done = true;
        closeUpstream();
        client.fail(statusToSend, kind, reason);
    }

    private void closeUpstream() {
        UpstreamConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }
}
