package dev.devproxy.internal.server;

import dev.devproxy.RouteKind;
import dev.devproxy.internal.exchange.RequestCapture;
import dev.devproxy.internal.exchange.RequestRecorder;
import dev.devproxy.internal.exchange.ServerContext;
import dev.devproxy.parser.RequestHead;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The one place a request's outcome is recorded: in the metrics sink, the request journal (through the
 * {@link RequestRecorder}) and the access log, exactly once per request. It also keeps what those need while
 * the request runs: its start, its method and route, the bytes it moved, and the journal's copy. One per client
 * connection, reused for each of its requests; loop thread only.
 */
final class RequestOutcome {
    private final ServerContext context;
    private final ClientConnection connection;
    private long startNanos;
    private long bytesIn;
    private long bytesOut;
    private String method = "-";
    private RouteKind route = RouteKind.REJECT;
    /** A copy of the request for the recorder; null when there is no recorder, or once recorded. */
    private @Nullable RequestCapture capture;

    RequestOutcome(ServerContext context, ClientConnection connection) {
        this.context = context;
        this.connection = connection;
    }

    /** A request's first byte arrived at {@code now}. */
    void begin(long now) {
        startNanos = now;
        bytesIn = 0;
        bytesOut = 0;
        method = "-";
        route = RouteKind.REJECT;
        capture = null;
    }

    /** The request's head is complete; the journal's copy of it is made now, when something asked for copies. */
    void head(RequestHead head) {
        method = head.method();
        RequestRecorder recorder = context.recorder;
        if (recorder != null) {
            capture = new RequestCapture(head, connection.remoteAddress(), Instant.now(), recorder.maxBodyBytes(),
                    RequestCapture.clientCertificates(connection.tlsEngine()));
        }
    }

    /** Body bytes {@code [offset, offset + length)} of {@code buffer} arrived; copied only for the journal. */
    void body(ByteBuffer buffer, int offset, int length) {
        RequestCapture copy = capture;
        if (copy != null) {
            copy.addBody(buffer, offset, length);
        }
    }

    void countIn(long bytes) {
        bytesIn += bytes;
    }

    void countOut(long bytes) {
        bytesOut += bytes;
    }

    void route(RouteKind kind) {
        route = kind;
    }

    long startNanos() {
        return startNanos;
    }

    /**
     * The request ended: answered with {@code status}, or dropped on purpose (a simulated fault) with 0. Counted
     * in the metrics, journaled, and access-logged.
     */
    void ended(int status, long now) {
        long duration = now - startNanos;
        context.sink.requestCompleted(route, method, status, duration, bytesIn, bytesOut);
        journal(status, duration);
        if (context.accessLogEnabled) {
            context.access(connection.remoteAddress() + " \"" + method + "\" " + status + " " + bytesOut + " "
                    + (duration / 1_000_000) + "ms " + route.label());
        }
    }

    /**
     * The connection closed before the request ended (the client went away, a write failed, shutdown): it is
     * still journaled, with status 0, as the recorder's contract says, since a journal counts on every routed
     * request being recorded exactly once. The metrics count the cause as an error instead.
     */
    void cutOff(long now) {
        if (capture != null) {
            journal(0, now - startNanos);
        }
    }

    private void journal(int status, long duration) {
        RequestCapture copy = capture;
        RequestRecorder recorder = context.recorder;
        capture = null;
        if (copy != null && recorder != null) {
            try {
                recorder.record(copy.toRequest(), route, status, duration);
            } catch (RuntimeException | Error e) {
                context.error("request recorder threw; the request was answered but not recorded", e);
            }
        }
    }
}
