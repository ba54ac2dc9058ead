package dev.devproxy.internal.server;

import dev.devproxy.Route;
import dev.devproxy.Router;
import dev.devproxy.TlsClientAuth;
import dev.devproxy.Upstream;
import dev.devproxy.internal.exchange.Destination;
import dev.devproxy.internal.exchange.ForwardAllowList;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.Resolver;
import dev.devproxy.internal.loop.Transport;
import dev.devproxy.internal.tls.InterceptionCa;
import dev.devproxy.internal.tls.LeafCache;
import dev.devproxy.internal.tls.TlsEngines;
import dev.devproxy.internal.tls.TlsTransport;
import dev.devproxy.parser.RequestHead;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * HTTPS interception: which CONNECT destinations DevProxy terminates TLS for itself, with a leaf certificate
 * for the CONNECT host signed by its own CA, and how the requests decrypted from them are routed: the stubs
 * first, as for any request, then forwarded over HTTPS to the host the CONNECT named, as an absolute-form
 * {@code https://host:port/...} request would be. Immutable apart from its leaf cache; shared by the loops.
 */
public final class Interception {
    /** The most hosts whose leaves are kept: a test suite names a handful, a browser session a few hundred. */
    public static final int LEAF_CACHE_CAPACITY = 1024;

    private final ForwardAllowList hosts;
    private final LeafCache leaves;
    private final UnaryOperator<Router> stubsThen;
    private final long handshakeTimeoutNanos;

    /**
     * @param hosts the destinations to intercept
     * @param ca the CA that signs the leaves
     * @param stubsThen what decides on a decrypted request, given the router that forwards it: the stubs, then
     *     that router ({@code stubs.orElse(forward)}, so that a stub that needs the body and misses on it still
     *     forwards), or the stubs alone with strict stubbing
     * @param handshakeTimeout the time a client has for its TLS handshake after the {@code 200}
     */
    public Interception(ForwardAllowList hosts, InterceptionCa ca, UnaryOperator<Router> stubsThen,
            Duration handshakeTimeout) {
        this.hosts = hosts;
        this.leaves = new LeafCache(ca, LEAF_CACHE_CAPACITY);
        this.stubsThen = stubsThen;
        this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
    }

    /** Whether a CONNECT to {@code destination} is intercepted rather than tunnelled. */
    boolean intercepts(Destination destination) {
        return hosts.allows(destination.host(), destination.port());
    }

    public InterceptionCa ca() {
        return leaves.ca();
    }

    public LeafCache leaves() {
        return leaves;
    }

    /**
     * Starts making the leaves of the hosts {@code patterns} names exactly (not {@code *.domain} nor {@code *}),
     * so that the first CONNECT to each finds its leaf made.
     */
    public void prepare(String patterns) {
        for (String part : patterns.split(",")) {
            String pattern = part.strip();
            int colon = pattern.lastIndexOf(':');
            if (colon > pattern.lastIndexOf(']') && (pattern.startsWith("[") || pattern.indexOf(':') == colon)) {
                pattern = pattern.substring(0, colon);
            }
            if (pattern.startsWith("[") && pattern.endsWith("]")) {
                pattern = pattern.substring(1, pattern.length() - 1);
            }
            if (!pattern.isEmpty() && pattern.indexOf('*') < 0) {
                leaves.leafFor(pattern);
            }
        }
    }

    /**
     * The route of a request decrypted from an intercepted CONNECT to {@code destination}: the stubs' answer,
     * or else forwarded to {@code https://destination} with the request's path and query. Loop thread.
     */
    Route route(RequestHead head, Destination destination) {
        // Two small objects per intercepted request: the router naming this connection's destination, and the
        // chain; the forward route is made only if it is chosen.
        return stubsThen.apply(request -> forward(request, destination)).route(head);
    }

    private static Route forward(RequestHead head, Destination destination) {
        String target;
        if (head.targetForm() == RequestHead.TargetForm.ORIGIN) {
            target = head.target();
        } else {
            String query = head.query();
            target = query == null ? head.path() : head.path() + "?" + query;
        }
        // The CONNECT's destination, whatever Host says: the allow-lists were checked against it.
        return Route.forward(Upstream.of(destination.host(), destination.port(), true), target);
    }

    /**
     * The server-side TLS layer over a client's socket, presenting {@code leaf}. A client's SNI, when it sends one,
     * must name the CONNECT host: one asking for another name gets an {@code unrecognized_name} alert, so a
     * CONNECT to an intercepted host cannot carry a session for another. {@code early} holds bytes the client
     * sent right behind its CONNECT (its ClientHello), which the TLS layer reads first. Loop thread.
     */
    TlsTransport layer(Transport socket, EventLoop loop, InterceptionCa.Leaf leaf, Destination destination,
            ByteBuffer early) {
        SSLEngine engine = TlsEngines.server(leaf.context(), TlsClientAuth.NONE);
        if (!Resolver.isLiteral(destination.host())) { // an IP literal is never sent as SNI (RFC 6066 section 3)
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setSNIMatchers(List.of(SNIHostName.createSNIMatcher(Pattern.quote(destination.host()))));
            engine.setSSLParameters(parameters);
        }
        return TlsTransport.server(socket, engine, loop, handshakeTimeoutNanos, null, early);
    }

    /** Stops the minting thread, for shutdown. */
    public void close() {
        leaves.close();
    }
}
