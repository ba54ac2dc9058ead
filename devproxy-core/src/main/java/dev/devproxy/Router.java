package dev.devproxy;

import dev.devproxy.parser.RequestHead;

/**
 * Decides, from a request's head, what happens to it. Routers compose: {@code a.orElse(b)} asks {@code b}
 * whenever {@code a} answers {@link Route#pass()}.
 *
 * <pre>{@code
 * Router router = request -> request.headers().contains("X-Maintenance")
 *         ? Route.respond(Response.text(503, "down for maintenance"))
 *         : Route.pass();
 * DevProxy.builder().router(router.orElse(Router.standard(upstream))).build().start();
 * }</pre>
 *
 * <p>Called on an event-loop thread, once per request, before the body is read: it must be fast and must not
 * block. The head is only valid during the call. A router that throws gets the client a 500 and a log line;
 * a router that answers {@link Route#pass()} at the end of a chain gets the client a 404.
 *
 * <p>A router sees origin-form targets ({@code /path?query}) and absolute-form ones ({@code http://host/path},
 * RFC 9112 section 3.2.2), whose {@link RequestHead#path()} and {@link RequestHead#query()} are those of the URI
 * and whose {@link RequestHead#authority()} wins over the Host field. {@code CONNECT} ({@code 501}, since a 2xx
 * would open a tunnel) and {@code OPTIONS *} ({@code 200} with {@code Allow}) are answered by DevProxy itself
 * and never reach a router.
 */
@FunctionalInterface
public interface Router {

    /** The prefix the standard router forwards: {@code /proxy}. */
    String PROXY_PREFIX = "/proxy";

    /**
     * Chooses the route for {@code request}.
     *
     * @param request the parsed head; valid only during this call
     * @return the decision, never null
     */
    Route route(RequestHead request);

    /**
     * A router that asks this one, then {@code next} when this one answers {@link Route#pass()}.
     *
     * @param next the router to ask when this one passes
     * @return the chained router
     */
    default Router orElse(Router next) {
        return request -> {
            Route route = route(request);
            return route == Route.pass() ? next.route(request) : route;
        };
    }

    /**
     * The standard routing: {@code /metrics} serves metrics, {@code /proxy} and {@code /proxy/...} are
     * forwarded to {@code upstream} with the prefix stripped ({@code /proxy/api?x=1} becomes {@code /api?x=1},
     * {@code /proxy} and {@code /proxy/} become {@code /}), and everything else is echoed. {@code /proxyfoo} is
     * echoed, not forwarded. An absolute-form target is routed by its path and query the same way:
     * {@code http://any-host/proxy/api} is forwarded as {@code /api}.
     *
     * @param upstream where {@code /proxy} requests are forwarded
     * @return the standard router
     */
    static Router standard(Upstream upstream) {
        return new StandardRouter(upstream);
    }
}
