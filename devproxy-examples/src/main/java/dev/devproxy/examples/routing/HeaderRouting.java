package dev.devproxy.examples.routing;

import dev.devproxy.DevProxy;
import dev.devproxy.Response;
import dev.devproxy.Route;
import dev.devproxy.Router;
import dev.devproxy.Upstream;
import dev.devproxy.parser.RequestHead;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A custom {@link Router} built from small ones with {@link Router#orElse}: a maintenance switch answers every
 * request 503 while it is on; otherwise {@code X-Backend: b} sends a request to a second upstream and every
 * other request goes to the first. The target is forwarded unchanged (no {@code /proxy} prefix here).
 *
 * <p>Routers run on DevProxy's event-loop threads, so each of these only reads its input and a flag: no I/O,
 * no locks.
 */
public final class HeaderRouting {
    /** The body of the 503 answered in maintenance mode. */
    public static final String MAINTENANCE_TEXT = "down for maintenance";

    private HeaderRouting() {
    }

    /**
     * Starts a proxy on a free port with {@link #router} in front of two upstreams given as {@code host:port}
     * arguments, and runs until the JVM is stopped.
     *
     * @param args the two upstreams, such as {@code localhost:3000 localhost:3001}
     * @throws InterruptedException when interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: HeaderRouting <host:port of upstream a> <host:port of upstream b>");
            System.exit(2);
        }
        AtomicBoolean maintenance = new AtomicBoolean();
        try (DevProxy proxy = DevProxy.builder().port(0)
                .router(router(parse(args[0]), parse(args[1]), maintenance)).build().start()) {
            System.out.println("DevProxy on " + proxy.baseUri() + "; send X-Backend: b to reach " + args[1]);
            Thread.currentThread().join();
        }
    }

    /**
     * The router: maintenance first, then the header, then the default upstream.
     *
     * @param a where requests go by default
     * @param b where requests with {@code X-Backend: b} go
     * @param maintenance while true, every request is answered 503 {@value #MAINTENANCE_TEXT}; read on each
     *     request, so it can be flipped while the proxy runs
     * @return a router that never answers {@link Route#pass()}
     */
    public static Router router(Upstream a, Upstream b, AtomicBoolean maintenance) {
        Router maintenanceMode = request -> maintenance.get()
                ? Route.respond(Response.newBuilder(503)
                        .header("Content-Type", "text/plain; charset=utf-8")
                        .header("Retry-After", "120")
                        .body(MAINTENANCE_TEXT)
                        .build())
                : Route.pass();
        Router byHeader = request -> "b".equals(request.headers().get("X-Backend"))
                ? forward(b, request)
                : Route.pass();
        Router fallback = request -> forward(a, request);
        return maintenanceMode.orElse(byHeader).orElse(fallback);
    }

    /**
     * Forwards an origin-form request as it is. {@link Route#forward} takes only origin-form targets, and a
     * client may send another form ({@code GET http://host/path}, {@code OPTIONS *}): those are refused with
     * 400 here rather than failing the router with an exception (which would answer 500).
     */
    private static Route forward(Upstream upstream, RequestHead request) {
        return request.targetForm() == RequestHead.TargetForm.ORIGIN
                ? Route.forward(upstream, request.target())
                : Route.reject(400);
    }

    private static Upstream parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port, was '" + hostPort + "'");
        }
        return Upstream.of(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
