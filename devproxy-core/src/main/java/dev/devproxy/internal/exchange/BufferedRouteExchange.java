package dev.devproxy.internal.exchange;

import dev.devproxy.ErrorKind;
import dev.devproxy.RecordedRequest;
import dev.devproxy.Route;
import dev.devproxy.parser.RequestHead;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Carries out {@link Route#afterBody}: reads the whole body into memory (within the body limit), asks for the
 * route with the complete request, then hands the request to that route's exchange with the body replayed.
 */
public final class BufferedRouteExchange implements Exchange {
    private final ExchangeConnection connection;
    private final Route.AfterBody route;
    private final RequestHead head;
    private final RequestCapture capture;

    public BufferedRouteExchange(ExchangeConnection connection, Route.AfterBody route, RequestHead head) {
        this.connection = connection;
        this.route = route;
        // Valid until the parser reports the next head, which cannot happen before this exchange ends.
        this.head = head;
        long limit = connection.context().config.limits().maxBodySize();
        this.capture = new RequestCapture(head, connection.interceptedOrigin(), connection.remoteAddress(),
                Instant.now(), (int) Math.min(limit, Integer.MAX_VALUE - 16),
                RequestCapture.clientCertificates(connection.tlsEngine()));
    }

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        capture.addBody(buffer, offset, length);
        return true;
    }

    @Override
    public void onRequestEnd() {
        RecordedRequest request = capture.toRequest();
        Route next;
        try {
            next = route.decide().apply(request);
        } catch (RuntimeException | Error e) {
            connection.context().error("afterBody router threw for " + request, e);
            connection.fail(500, ErrorKind.INTERNAL, null);
            return;
        }
        if (next instanceof Route.AfterBody) {
            connection.context().error("afterBody router answered afterBody again for " + request,
                    new IllegalStateException("Route.afterBody must decide a final route"));
            connection.fail(500, ErrorKind.INTERNAL, null);
            return;
        }
        Exchange exchange = connection.exchangeFor(next, head);
        if (exchange == null) {
            return; // answered already (reject, or pass answered 404)
        }
        connection.replaceExchange(exchange);
        exchange.start();
        byte[] body = request.body();
        if (body.length > 0) {
            // The buffer is this exchange's own: an exchange that keeps it (until an upstream connects) may.
            exchange.onRequestBody(ByteBuffer.wrap(body), 0, body.length);
        }
        exchange.onRequestEnd();
    }

    @Override
    public void abort() {
        // Nothing held but memory; a replaced exchange is aborted by the connection directly.
    }
}
