package dev.devproxy;

import dev.devproxy.internal.exchange.Destination;
import dev.devproxy.internal.exchange.ForwardAllowList;
import dev.devproxy.parser.RequestHead;
import java.util.function.IntSupplier;

/**
 * Forward-proxy mode's routing, asked after the stubs and before the router: an absolute-form request goes to
 * the host it names (RFC 9112 section 3.2.2), as origin-form, when the allow-list names it; 403 when it does not.
 * A request naming this proxy itself, and every other form, passes to the router, as in reverse-proxy mode.
 */
final class ForwardProxyRouter implements Router {
    private final ForwardAllowList allowed;
    private final IntSupplier ownPort;

    ForwardProxyRouter(ForwardAllowList allowed, IntSupplier ownPort) {
        this.allowed = allowed;
        this.ownPort = ownPort;
    }

    @Override
    public Route route(RequestHead request) {
        if (request.targetForm() != RequestHead.TargetForm.ABSOLUTE) {
            return Route.pass();
        }
        if (!request.target().regionMatches(true, 0, "http://", 0, 7)) {
            // An https URI in absolute-form asks this proxy to speak TLS upstream; clients send CONNECT instead.
            return Route.reject(501);
        }
        String authority = request.authority();
        Destination destination = authority == null ? null : Destination.parse(authority, 80);
        if (destination == null) {
            return Route.reject(400);
        }
        if (destination.port() == ownPort.getAsInt() && isLoopback(destination.host())) {
            return Route.pass(); // a request for this proxy: forwarding it would loop back here
        }
        if (!allowed.allows(destination.host(), destination.port())) {
            return Route.reject(403);
        }
        String path = request.path();
        String query = request.query();
        // The scheme is http: plain HTTP whatever the port (Upstream.of(host, 443) alone would mean HTTPS).
        return Route.forward(Upstream.of(destination.host(), destination.port(), false),
                query == null ? path : path + "?" + query);
    }

    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    @Override
    public String toString() {
        return "forward proxy";
    }
}
