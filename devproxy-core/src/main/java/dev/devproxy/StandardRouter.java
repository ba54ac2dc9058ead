package dev.devproxy;

import dev.devproxy.parser.AsciiView;
import dev.devproxy.parser.RequestHead;
import org.jspecify.annotations.Nullable;

/** The router behind {@link Router#standard(Upstream)}. */
final class StandardRouter implements Router {
    /** One view per event-loop thread, re-pointed at each request's path: routers run on several loops at once. */
    private static final ThreadLocal<AsciiView> PATH_VIEW = ThreadLocal.withInitial(AsciiView::new);

    private final Upstream upstream;

    StandardRouter(Upstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public Route route(RequestHead request) {
        RequestHead.TargetForm form = request.targetForm();
        if (form != RequestHead.TargetForm.ORIGIN && form != RequestHead.TargetForm.ABSOLUTE) {
            // CONNECT and OPTIONS * are answered by the engine before any router is asked.
            return Route.echo();
        }
        // Echo and /metrics are decided on a view of the path, so the common request makes no String here; only
        // a forward makes its target. RFC 9112 section 3.2.2: absolute-form is routed by its path and query as
        // the origin-form would be, so http://any-host/proxy/x is forwarded like /proxy/x, in origin-form.
        AsciiView path = request.path(PATH_VIEW.get());
        if (path.contentEquals("/metrics")) {
            return Route.metrics();
        }
        int prefix = PROXY_PREFIX.length();
        if (!path.startsWith(PROXY_PREFIX) || (path.length() > prefix && path.charAt(prefix) != '/')) {
            return Route.echo();
        }
        String target;
        if (form == RequestHead.TargetForm.ORIGIN) {
            target = request.target();
        } else {
            String query = request.query();
            target = query == null ? request.path() : request.path() + "?" + query;
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
