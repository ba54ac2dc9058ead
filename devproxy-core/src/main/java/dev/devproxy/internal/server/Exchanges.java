package dev.devproxy.internal.server;

import dev.devproxy.ErrorKind;
import dev.devproxy.Route;
import dev.devproxy.internal.exchange.Destination;
import dev.devproxy.internal.exchange.ServerContext;
import dev.devproxy.internal.proxy.ConnectExchange;
import dev.devproxy.internal.proxy.ProxyLoopState;
import dev.devproxy.parser.BodyKind;
import dev.devproxy.internal.exchange.BufferedRouteExchange;
import dev.devproxy.internal.exchange.Exchange;
import dev.devproxy.internal.exchange.LocalResponseExchange;
import dev.devproxy.parser.RequestHead;
import org.jspecify.annotations.Nullable;

/** Turns a router's decision into the exchange that carries it out. */
final class Exchanges {
    private Exchanges() {
    }

    /**
     * The exchange for {@code CONNECT}, or null when it was answered at once: 501 with forward-proxy mode off
     * (RFC 9110 section 15.6.2), 400 for a body, 403 for a destination the allow-list does not name.
     */
    static @Nullable Exchange connect(RequestHead head, ClientConnection connection, ProxyLoopState proxy) {
        ServerContext context = connection.context();
        if (!context.config.forwardProxy()) {
            connection.fail(501, ErrorKind.NOT_IMPLEMENTED, "CONNECT " + head.target()
                    + " refused: forward-proxy mode is off (DevProxy.builder().forwardProxy(true), FORWARD_PROXY=true)");
            return null;
        }
        Destination destination = Destination.parse(head.target(), -1);
        if (destination == null || head.bodyKind() != BodyKind.NONE) {
            // The parser checked host:port already; a body would be sent into the tunnel unframed.
            connection.fail(400, ErrorKind.BAD_REQUEST, "CONNECT " + head.target() + ": not a host:port without a body");
            return null;
        }
        if (!context.forwardAllow.allows(destination.host(), destination.port())) {
            connection.fail(403, null, "CONNECT to " + destination + " denied: not in forwardAllow ("
                    + context.config.forwardAllow() + ")");
            return null;
        }
        Interception interception = connection.interception();
        if (interception != null && interception.intercepts(destination)) {
            return new InterceptedConnect(connection, destination);
        }
        return new ConnectExchange(connection, proxy, destination);
    }

    /** The exchange for {@code route}, or null when the request was answered (and the connection failed) at once. */
    static @Nullable Exchange create(Route route, RequestHead head, ClientConnection connection) {
        if (route instanceof Route.Echo) {
            return connection.echoExchange();
        }
        if (route instanceof Route.Metrics) {
            return LocalResponseExchange.metrics(connection);
        }
        if (route instanceof Route.Respond respond) {
            connection.respondWith(respond.response());
            return LocalResponseExchange.respond(connection, respond.response());
        }
        if (route instanceof Route.Reject reject) {
            connection.fail(reject.status(), null, null);
            return null;
        }
        if (route instanceof Route.Forward forward) {
            return connection.forwardExchange(forward, head);
        }
        if (route instanceof Route.AfterBody afterBody) {
            return new BufferedRouteExchange(connection, afterBody, head);
        }
        // Route.pass() at the end of a chain: nobody claimed the request.
        connection.fail(404, null, null);
        return null;
    }
}
