package dev.devproxy.internal.exchange;

import dev.devproxy.ErrorKind;
import dev.devproxy.RecordedRequest;
import dev.devproxy.Route;
import dev.devproxy.parser.RequestHead;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Carries out {@link Route#afterBody}: holds the body in memory, up to {@code min(maxBodySize, maxMatchBodySize)}
 * bytes, asks for the route, then hands the request to that route's exchange with the held bytes replayed. A
 * body longer than that is decided as soon as the held bytes pass it, on those bytes; the chosen exchange gets
 * them and then the rest of the body as it streams, so nothing more is held however long the body is.
 *
 * <p>A {@link StreamingDecision} (stubs) is fed every body chunk as it arrives. When it says it needs no held
 * body, only the first {@link #PREVIEW_BYTES} are held, for reports, and it decides at the body's end whatever
 * the body's length.
 */
public final class BufferedRouteExchange implements Exchange {
    /** What is held for a decision that reads the body as it streams: enough for a report to show its start. */
    static final int PREVIEW_BYTES = 64 * 1024;

    private final ExchangeConnection connection;
    private final Route.AfterBody route;
    private final @Nullable StreamingDecision streaming;
    /** Whether the body is held for the decision and the chosen route, up to the matching limit. */
    private final boolean holds;
    private final long maxMatchBodySize;
    private final RequestHead head;
    private final RequestCapture capture;
    private boolean decided;
    /** The exchange chosen before the body ended, while {@link #pending} waits for it; null otherwise. */
    private @Nullable Exchange chosen;
    /** A copy of body bytes the chosen exchange has yet to take: it still keeps earlier ones. */
    private @Nullable ByteBuffer pending;

    public BufferedRouteExchange(ExchangeConnection connection, Route.AfterBody route, RequestHead head) {
        this.connection = connection;
        this.route = route;
        this.streaming = route.decide() instanceof StreamingDecision decision ? decision : null;
        this.holds = streaming == null || streaming.needsHeldBody();
        // Valid until the parser reports the next head, which cannot happen before this exchange ends.
        this.head = head;
        this.maxMatchBodySize = connection.context().config.maxMatchBodySize();
        long limit = Math.min(connection.context().config.limits().maxBodySize(), maxMatchBodySize);
        if (!holds) {
            limit = Math.min(limit, PREVIEW_BYTES);
        }
        this.capture = new RequestCapture(head, connection.interceptedOrigin(), connection.remoteAddress(),
                Instant.now(), (int) Math.min(limit, Integer.MAX_VALUE - 16),
                RequestCapture.clientCertificates(connection.tlsEngine()));
    }

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        if (chosen != null) {
            return relay(buffer, offset, length);
        }
        if (decided) {
            return true; // answered before the body ended (an error): the rest is read and dropped
        }
        if (streaming != null) {
            streaming.onBody(buffer, offset, length);
        }
        int kept = capture.addBody(buffer, offset, length);
        if (kept == length || !holds) {
            return true;
        }
        return decideEarly(buffer, offset + kept, length - kept);
    }

    /**
     * The held bytes passed the limit: decide on them now, replay them into the chosen exchange, then hand it
     * the rest of this chunk; the body's next chunks go to it directly.
     */
    private boolean decideEarly(ByteBuffer buffer, int restOffset, int restLength) {
        RecordedRequest request = capture.toRequest();
        Exchange next = choose(request, false);
        if (next == null) {
            return true;
        }
        connection.replaceExchange(next);
        next.start();
        byte[] prefix = request.body();
        if (prefix.length == 0 || next.onRequestBody(ByteBuffer.wrap(prefix), 0, prefix.length)) {
            return restLength == 0 || next.onRequestBody(buffer, restOffset, restLength);
        }
        // The chosen exchange keeps the prefix until it can send it, and resumes the connection's reading then.
        // It may be given nothing more before that, so the rest of this chunk waits here, copied: it is one
        // read's worth at most, and the connection's buffer is its own again once reading resumes.
        if (restLength > 0) {
            pending = copy(buffer, restOffset, restLength);
            chosen = next;
            connection.replaceExchange(this);
        }
        return false;
    }

    /** Hands the chosen exchange what waited, then these bytes; once it has taken them, it gets the rest itself. */
    private boolean relay(ByteBuffer buffer, int offset, int length) {
        Exchange next = chosen;
        ByteBuffer waiting = pending;
        pending = null;
        if (waiting != null && next != null && !next.onRequestBody(waiting, 0, waiting.limit())) {
            pending = copy(buffer, offset, length);
            return false;
        }
        chosen = null;
        if (next == null) {
            return true;
        }
        connection.replaceExchange(next);
        return next.onRequestBody(buffer, offset, length);
    }

    private static ByteBuffer copy(ByteBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.get(offset, bytes, 0, length);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void onRequestEnd() {
        Exchange next = chosen;
        if (next != null) {
            chosen = null;
            ByteBuffer waiting = pending;
            pending = null;
            connection.replaceExchange(next);
            if (waiting != null) {
                // Reading resumed, so the chosen exchange has sent what it kept: these bytes go out before the end.
                next.onRequestBody(waiting, 0, waiting.limit());
            }
            next.onRequestEnd();
            return;
        }
        if (decided) {
            return;
        }
        RecordedRequest request = capture.toRequest();
        Exchange exchange = choose(request, true);
        if (exchange == null) {
            return; // answered already (reject, or pass answered 404)
        }
        connection.replaceExchange(exchange);
        exchange.start();
        byte[] body = request.body();
        // Without a held body only a preview was kept, and the chosen route (a stub's answer, a 404) needs none.
        if (body.length > 0 && (holds || !request.bodyTruncated())) {
            // The buffer is this exchange's own: an exchange that keeps it (until an upstream connects) may.
            exchange.onRequestBody(ByteBuffer.wrap(body), 0, body.length);
        }
        exchange.onRequestEnd();
    }

    /** Asks for the route; null when the request was answered already (an error, a reject, a pass as 404). */
    private @Nullable Exchange choose(RecordedRequest request, boolean complete) {
        decided = true;
        Route next;
        try {
            next = streaming != null ? streaming.decide(request, complete, maxMatchBodySize)
                    : route.decide().apply(request);
        } catch (RuntimeException | Error e) {
            connection.context().error("afterBody router threw for " + request, e);
            connection.fail(500, ErrorKind.INTERNAL, null);
            return null;
        }
        if (next instanceof Route.AfterBody) {
            connection.context().error("afterBody router answered afterBody again for " + request,
                    new IllegalStateException("Route.afterBody must decide a final route"));
            connection.fail(500, ErrorKind.INTERNAL, null);
            return null;
        }
        return connection.exchangeFor(next, head);
    }

    @Override
    public void onInputConsumed() {
        Exchange next = chosen;
        if (next != null) {
            next.onInputConsumed();
        }
    }

    @Override
    public void onClientDrained() {
        Exchange next = chosen;
        if (next != null) {
            next.onClientDrained();
        }
    }

    @Override
    public void abort() {
        // Before a decision nothing is held but memory; after it, the chosen exchange is the connection's own
        // and aborted by it directly, except while it waits behind this one.
        Exchange next = chosen;
        chosen = null;
        pending = null;
        if (next != null) {
            next.abort();
        }
    }
}
