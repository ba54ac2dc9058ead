package dev.devproxy;

import dev.devproxy.parser.RequestHead;
import org.jspecify.annotations.Nullable;

/** The router behind {@link Router#standard(Upstream)}. */
final class StandardRouter implements Router {
    private final Upstream upstream;

    StandardRouter(Upstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public Route route(RequestHead request) {
        String path;
        String target;
        switch (request.targetForm()) {
            case ORIGIN -> {
                // Only a target at least as long as "/proxy" can be forwarded or be "/metrics"; shorter ones,
                // such as "/", are echoed without making Strings of their target and path on the event loop.
                if (request.targetLength() < PROXY_PREFIX.length()) {
                    return Route.echo();
                }
                path = request.path();
                target = request.target();
            }
            case ABSOLUTE -> {
                // RFC 9112 section 3.2.2: a server MUST accept absolute-form. It is routed by its path and query
                // as the origin-form would be, so http://any-host/proxy/x is forwarded like /proxy/x; what goes
                // upstream is origin-form.
                path = request.path();
                String query = request.query();
                target = query == null ? path : path + "?" + query;
            }
            default -> {
                // CONNECT and OPTIONS * are answered by the engine before any router is asked.
                return Route.echo();
            }
        }
        if (path.equals("/metrics")) {
            return Route.metrics();
        }
        String rest = stripProxyPrefix(target);
        return rest == null ? Route.echo() : Route.forward(upstream, rest);
    }

    /**
     * The target with {@code /proxy} removed, or null when the target is not under it. {@code /proxy} alone, or
     * followed by {@code /} or {@code ?}, is under it; {@code /proxyfoo} is not.
     */
    static @Nullable String stripProxyPrefix(String target) {
        String prefix = PROXY_PREFIX;
        if (!target.startsWith(prefix)) {
            return null;
        }
        if (target.length() == prefix.length()) {
            return "/";
        }
        char next = target.charAt(prefix.length());
        if (next == '/') {
            return target.substring(prefix.length());
        }
        if (next == '?') {
            return "/" + target.substring(prefix.length());
        }
        return null;
    }

    @Override
    public String toString() {
        return "Router.standard(" + upstream + ")";
    }
}
