package dev.devproxy.internal.exchange;

import dev.devproxy.Fault;
import dev.devproxy.Response;
import dev.devproxy.RouteKind;
import dev.devproxy.internal.loop.ScheduledTask;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Answers with a response known in advance (a router's response, or the metrics), after reading and
 * discarding the request body so the connection can carry the next request. Delays wait on the loop's timer,
 * never on a thread; faults are carried out here.
 */
public final class LocalResponseExchange implements Exchange {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final byte[] MALFORMED = "HTTP/1.1 ???\r\n\u0000garbage".getBytes(StandardCharsets.ISO_8859_1);
    /** How often a dribbled response sends its next piece. */
    private static final long DRIBBLE_TICK_NANOS = 100_000_000L;

    private final ExchangeConnection connection;
    private final Response response;
    private @Nullable ScheduledTask pending;
    private @Nullable ByteBuffer dribbling;
    private boolean aborted;

    private LocalResponseExchange(ExchangeConnection connection, Response response, RouteKind kind) {
        this.connection = connection;
        this.response = response;
        connection.setRoute(kind);
    }

    public static LocalResponseExchange respond(ExchangeConnection connection, Response response) {
        return new LocalResponseExchange(connection, response, RouteKind.RESPOND);
    }

    /**
     * What {@code OPTIONS *} is answered (RFC 9112 section 3.2.4: a request about the server as a whole, not a
     * resource): the methods DevProxy serves. TRACE is served (echo reflects a request anyway) but not
     * advertised, as servers commonly leave it out; CONNECT gets 501.
     */
    private static final Response SERVER_OPTIONS = Response.newBuilder(200)
            .header("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
            .build();

    /** Answers {@code OPTIONS *}, which no router sees: it names no resource to route. */
    public static LocalResponseExchange serverOptions(ExchangeConnection connection) {
        return new LocalResponseExchange(connection, SERVER_OPTIONS, RouteKind.RESPOND);
    }

    public static LocalResponseExchange metrics(ExchangeConnection connection) {
        // Rendered when the request arrives; the body that follows does not change what is counted.
        Response metrics = Response.newBuilder(200)
                .header("Content-Type", PROMETHEUS_TEXT)
                .body(connection.context().builtIn.renderPrometheus())
                .build();
        return new LocalResponseExchange(connection, metrics, RouteKind.METRICS);
    }

    @Override
    public boolean onRequestBody(ByteBuffer buffer, int offset, int length) {
        return true;
    }

    @Override
    public void onRequestEnd() {
        long min = response.minDelay().toNanos();
        long max = response.maxDelay().toNanos();
        long delay = min == max ? min : ThreadLocalRandom.current().nextLong(min, max + 1);
        if (delay > 0) {
            pending = connection.http().loop.schedule(delay, this::answer);
        } else {
            answer();
        }
    }

    private void answer() {
        pending = null;
        if (aborted) {
            return;
        }
        Fault fault = response.fault();
        if (fault == null) {
            connection.sendBuffered(head(), response.bodyBuffer(), response.status());
        } else if (fault instanceof Fault.CloseWithoutResponse) {
            connection.closeWithoutResponse(false);
        } else if (fault instanceof Fault.ResetConnection) {
            connection.closeWithoutResponse(true);
        } else if (fault instanceof Fault.MalformedResponse) {
            connection.send(ByteBuffer.wrap(MALFORMED));
            connection.flushResponse();
            connection.closeWithoutResponseAfterFlush();
        } else if (fault instanceof Fault.DribbleBody dribble) {
            ByteBuffer head = head().flip();
            ByteBuffer all = ByteBuffer.allocate(head.remaining() + response.bodyLength());
            all.put(head).put(response.bodyBuffer()).flip();
            dribbling = all;
            dribble(Math.max(1, dribble.bytesPerSecond() / 10));
        }
    }

    /** Sends the next piece of a dribbled response when the previous one has left, every tick. */
    private void dribble(int piece) {
        ByteBuffer rest = dribbling;
        if (aborted || rest == null) {
            return;
        }
        if (!connection.hasPendingWrites()) {
            int end = Math.min(rest.limit(), rest.position() + piece);
            ByteBuffer slice = rest.slice(rest.position(), end - rest.position());
            rest.position(end);
            connection.send(slice);
            connection.flushResponse();
        }
        if (rest.hasRemaining()) {
            pending = connection.http().loop.schedule(DRIBBLE_TICK_NANOS, () -> dribble(piece));
        } else {
            dribbling = null;
            connection.responseComplete(response.status());
        }
    }

    private ByteBuffer head() {
        ByteBuffer head = connection.startHead(response.status());
        for (Map.Entry<String, String> field : response.headers()) {
            ResponseHeads.field(head, field.getKey(), field.getValue());
        }
        connection.endHead(head, response.bodyLength());
        return head;
    }

    @Override
    public void abort() {
        aborted = true;
        ScheduledTask task = pending;
        if (task != null) {
            task.cancel();
        }
    }

    /**
     * Sends a complete response with the given body and one field line, such as
     * {@link ResponseHeads#CONTENT_TYPE_JSON}, and ends the exchange.
     */
    public static void send(ExchangeConnection connection, int status, byte[] fieldLine, ByteBuffer body) {
        ByteBuffer head = connection.startHead(status);
        head.put(fieldLine);
        connection.endHead(head, body.remaining());
        connection.sendBuffered(head, body, status);
    }
}
