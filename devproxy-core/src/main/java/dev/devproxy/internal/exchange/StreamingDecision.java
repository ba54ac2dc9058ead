package dev.devproxy.internal.exchange;

import dev.devproxy.RecordedRequest;
import dev.devproxy.Route;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * A {@link Route#afterBody} decision that reads the body as it streams in, as stubs' {@code withBody(String)}
 * and {@code withBodyContaining(String)} do, so that {@link BufferedRouteExchange} holds the body only when the
 * decision, or a route it may choose, needs it. Stubs make one per request; it is confined to that request's loop
 * thread. {@link #apply} alone, unfed, decides from the request's body as any decision would.
 */
public interface StreamingDecision extends Function<RecordedRequest, Route> {
    /**
     * Whether {@link #decide} reads the body bytes of the request it is handed, or may choose a route that needs
     * them replayed (a forward, echo, a router's own {@code afterBody}). When false, the exchange holds no more of
     * the body than a report shows, and chooses no such route.
     */
    boolean needsHeldBody();

    /** Reads body bytes {@code [offset, offset + length)} of {@code buffer} as they arrive, in order; keeps none. */
    void onBody(ByteBuffer buffer, int offset, int length);

    /**
     * Chooses the route, after {@link #onBody} was fed the body.
     *
     * @param request the request with the body bytes held: all of them, or its first ones when
     *     {@link RecordedRequest#bodyTruncated()}
     * @param complete whether {@link #onBody} was fed the whole body; false when deciding as soon as the held
     *     bytes passed {@code maxMatchBodySize}
     * @param maxMatchBodySize the setting's value, for reports that name it
     * @return the route; never {@link Route#afterBody}
     */
    Route decide(RecordedRequest request, boolean complete, long maxMatchBodySize);
}
