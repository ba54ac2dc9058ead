package dev.devproxy.internal.proxy;

import dev.devproxy.ErrorKind;
import dev.devproxy.RouteKind;
import dev.devproxy.Upstream;
import dev.devproxy.internal.exchange.Destination;
import dev.devproxy.internal.exchange.Exchange;
import dev.devproxy.internal.exchange.ExchangeConnection;
import dev.devproxy.internal.exchange.UpstreamProxy;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.ResponseHead;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * {@code CONNECT host:port} in forward-proxy mode (RFC 9110 section 9.3.6): connects to the destination and,
 * once connected and not before, answers {@code 200} and turns the client connection into a {@link Tunnel}.
 * A destination that cannot be resolved or refuses is answered 502, one that does not accept in time 504; the
 * connection closes after either. The caller has checked the destination against the allow-list.
 */
public final class ConnectExchange implements Exchange, UpstreamHandler {
    /**
     * RFC 9110 section 9.3.6: a 2xx to CONNECT has no content and a server MUST NOT send Content-Length or
     * Transfer-Encoding in it; the client treats what follows as the tunnel.
     */
    private static final byte[] ESTABLISHED =
            "HTTP/1.1 200 Connection Established\r\nVia: 1.1 devproxy\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The {@code 200} that opens a tunnel, as a fresh read-only view: for an intercepted CONNECT too. */
    public static ByteBuffer established() {
        return ByteBuffer.wrap(ESTABLISHED).asReadOnlyBuffer();
    }

    private final ExchangeConnection client;
    private final ProxyLoopState proxy;
    private final Upstream destination;
    /** The next proxy the tunnel goes through, with a CONNECT of its own, or null to connect directly. */
    private final @Nullable Upstream via;
    private @Nullable UpstreamConnection connection;
    /** Connected, waiting for the end of the CONNECT request before the tunnel opens; or null. */
    private @Nullable UpstreamConnection connected;
    private boolean requestEnded;
    private boolean done;

    public ConnectExchange(ExchangeConnection client, ProxyLoopState proxy, Destination destination) {
        this.client = client;
        this.proxy = proxy;
        // Never TLS of its own, whatever the port (Upstream.of(host, 443) would be): the client speaks TLS inside.
        this.destination = Upstream.of(destination.host(), destination.port(), false);
        // A tunnel carries what the client speaks, nearly always TLS: it goes through the next proxy for HTTPS,
        // as curl sends https:// URLs through https_proxy.
        UpstreamProxy chain = client.context().upstreamProxy;
        this.via = chain == null ? null : chain.proxyFor(Upstream.of(destination.host(), destination.port(), true));
        client.setRoute(RouteKind.FORWARD);
    }

    @Override
    public void start() {
        Upstream next = via;
        client.context().resolver.resolve(next != null ? next.host() : destination.host(), proxy.loop, this::resolved);
    }

    private void resolved(@Nullable InetAddress address) {
        if (done) {
            return;
        }
        if (address == null) {
            Upstream next = via;
            onFailed(Failure.CONNECT, "cannot resolve " + (next != null ? next.host() : destination.host()));
            return;
        }
        UpstreamConnection connecting = UpstreamConnection.connect(destination, via, address, proxy, client.context(),
                this);
        if (!done && connected == null) {
            connection = connecting; // so that an abort while it connects closes it
        }
    }

    @Override
    public void onConnected(UpstreamConnection upstream) {
        if (done) {
            upstream.close();
            return;
        }
        connection = null;
        connected = upstream;
        openIfReady();
    }

    /**
     * Opens the tunnel once both are there: the upstream connection and the end of the CONNECT request. A connect
     * can complete at once (a local one may, while the head is still being handled), and a tunnel opens only
     * after a complete request, so that nothing of it is read as tunnel bytes.
     */
    private void openIfReady() {
        UpstreamConnection upstream = connected;
        if (done || !requestEnded || upstream == null) {
            return;
        }
        done = true;
        connected = null;
        client.send(established());
        Tunnel.open(client, upstream, 200);
    }

    @Override
    public void onFailed(Failure failure, String reason) {
        connection = null;
        connected = null;
        if (done) {
            return;
        }
        done = true;
        if (failure == Failure.CONNECT_TIMEOUT) {
            client.fail(504, ErrorKind.UPSTREAM_TIMEOUT, "CONNECT " + destination.authority() + ": no connection in time");
        } else {
            client.fail(502, ErrorKind.UPSTREAM_CONNECT, "CONNECT " + destination.authority() + ": " + reason);
        }
    }

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        return true; // a CONNECT has no body; the parser framed none
    }

    @Override
    public void onRequestEnd() {
        requestEnded = true;
        openIfReady();
    }

    @Override
    public void abort() {
        done = true;
        UpstreamConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
        UpstreamConnection waiting = connected;
        connected = null;
        if (waiting != null) {
            waiting.close();
        }
    }

    // ---- Nothing to parse before the tunnel ---------------------------------------------------------------

    @Override
    public void onResponseHead(ResponseHead head) {
    }

    @Override
    public boolean onResponseBody(ByteBuffer buffer, int offset, int length) {
        return true;
    }

    @Override
    public void onResponseEnd(HeaderFields trailers) {
    }

    @Override
    public void onResponseInputConsumed() {
    }

    @Override
    public void onDrained() {
    }
}
