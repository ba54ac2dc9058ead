package dev.devproxy.internal.server;

import dev.devproxy.Route;
import dev.devproxy.internal.exchange.BufferedRouteExchange;
import dev.devproxy.internal.exchange.Exchange;
import dev.devproxy.internal.exchange.LocalResponseExchange;
import dev.devproxy.parser.RequestHead;
import org.jspecify.annotations.Nullable;

/** Turns a router's decision into the exchange that carries it out. */
final class Exchanges {
    private Exchanges() {
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
