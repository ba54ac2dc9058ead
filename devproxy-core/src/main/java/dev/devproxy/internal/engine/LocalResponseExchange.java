package dev.devproxy.internal.engine;

import dev.devproxy.Response;
import dev.devproxy.RouteKind;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Answers with a response known in advance (a router's response, or the metrics), after reading and
 * discarding the request body so the connection can carry the next request.
 */
final class LocalResponseExchange implements Exchange {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ClientConnection connection;
    private final Response response;

    private LocalResponseExchange(ClientConnection connection, Response response, RouteKind kind) {
        this.connection = connection;
        this.response = response;
        connection.setRoute(kind);
    }

    static LocalResponseExchange respond(ClientConnection connection, Response response) {
        return new LocalResponseExchange(connection, response, RouteKind.RESPOND);
    }

    static LocalResponseExchange metrics(ClientConnection connection) {
        // Rendered when the request arrives; the body that follows does not change what is counted.
        Response metrics = Response.newBuilder(200)
                .header("Content-Type", PROMETHEUS_TEXT)
                .body(connection.context.builtIn.renderPrometheus())
                .build();
        return new LocalResponseExchange(connection, metrics, RouteKind.METRICS);
    }

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        return true;
    }

    @Override
    public void onRequestEnd() {
        ByteBuffer head = connection.startHead(response.status());
        for (Map.Entry<String, String> field : response.headers()) {
            Responses.field(head, field.getKey(), field.getValue());
        }
        connection.endHead(head, response.bodyLength());
        connection.sendBuffered(head, response.bodyBuffer(), response.status());
    }

    @Override
    public void abort() {
        // Nothing held.
    }

    /** Sends a complete response with one {@code Content-Type} and the given body, and ends the exchange. */
    static void send(ClientConnection connection, int status, String contentType, ByteBuffer body) {
        ByteBuffer head = connection.startHead(status);
        Responses.field(head, "Content-Type", contentType);
        connection.endHead(head, body.remaining());
        connection.sendBuffered(head, body, status);
    }
}
