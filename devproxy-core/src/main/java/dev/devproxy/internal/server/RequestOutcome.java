package dev.devproxy.internal.server;

import dev.devproxy.Response;
import dev.devproxy.RouteKind;
import dev.devproxy.RecordedResponse;
import dev.devproxy.internal.exchange.RequestCapture;
import dev.devproxy.internal.exchange.ResponseCapture;
import dev.devproxy.internal.exchange.RequestRecorder;
import dev.devproxy.internal.exchange.ServerContext;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.parser.RequestParser;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one place a request's outcome is recorded: in the metrics sink, the request journal (through the
 * {@link RequestRecorder}) and the access log, exactly once per request. It also keeps what those need while
 * the request runs: its start, its method and route, the bytes it moved, and the journal's copy, which the
 * journal holds from the moment the head is parsed and which is brought up to date when the body has arrived
 * and when the request ends. One per client connection, reused for each of its requests; loop thread only.
 *
 * <p>With no recorder nothing is copied and nothing is allocated per request: {@link #head} and {@link #body}
 * then only test a null field.
 */
final class RequestOutcome {
    private final ServerContext context;
    private final ClientConnection connection;
    private long startNanos;
    private long bytesIn;
    private long bytesOut;
    private String method = "-";
    private RouteKind route = RouteKind.REJECT;
    /** Whether this request's outcome has been recorded; later calls to {@link #ended} record nothing. */
    private boolean recorded;
    /** A copy of the request for the recorder; null when there is no recorder, or once recorded. */
    private @Nullable RequestCapture capture;
    /** The recorder's record of this request; null exactly when {@link #capture} is. */
    private RequestRecorder.@Nullable Recording recording;
    private boolean unmatched;
    private @Nullable String rejection;
    /** The method and target of a request whose head is not parsed yet, read for the journal; or null. */
    private @Nullable String lineMethod;
    private @Nullable String lineTarget;
    /** A copy of the response for the recorder; null when there is no recorder, or none was sent yet. */
    private @Nullable ResponseCapture response;
    private long firstByteNanos;
    private boolean headRequest;

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
        recorded = false;
        capture = null;
        recording = null;
        unmatched = false;
        rejection = null;
        lineMethod = null;
        lineTarget = null;
        response = null;
        firstByteNanos = -1;
        headRequest = false;
    }

    /** The request's head is complete: the journal's copy of it is made now, when something asked for copies. */
    void head(RequestHead head) {
        method = head.method();
        RequestRecorder recorder = context.recorder;
        if (recorder != null) {
            headRequest = head.methodIs("HEAD");
            open(recorder, new RequestCapture(head, connection.interceptedOrigin(), connection.remoteAddress(),
                    Instant.now(), recorder.maxBodyBytes(), RequestCapture.clientCertificates(connection.tlsEngine())));
        }
    }

    private void open(RequestRecorder recorder, RequestCapture copy) {
        try {
            recording = recorder.received(copy.toRequest());
            capture = copy;
        } catch (RuntimeException | Error e) {
            context.error("request recorder threw; the request is answered but not recorded", e);
        }
    }

    /** Body bytes {@code [offset, offset + length)} of {@code buffer} arrived; copied only for the journal. */
    void body(ByteBuffer buffer, int offset, int length) {
        RequestCapture copy = capture;
        if (copy != null) {
            copy.addBody(buffer, offset, length);
        }
    }

    /** The whole request has arrived: the journal's copy gets its body before anything answers it. */
    void requestEnded() {
        if (capture != null) {
            publish(0, 0, false);
        }
    }

    /**
     * The router answered with {@code response}: when that is the near-miss 404 of a request no stub matched
     * (it carries {@link RequestRecorder#UNMATCHED_FIELD}), the journal marks the request unmatched.
     */
    void respondWith(Response response) {
        if (capture == null || response.status() != 404) {
            return;
        }
        for (Map.Entry<String, String> field : response.headers()) {
            if (field.getKey().equalsIgnoreCase(RequestRecorder.UNMATCHED_FIELD)) {
                unmatched = true;
                return;
            }
        }
    }

    /**
     * The proxy itself refuses the request, for {@code reason}; a request refused before its head was parsed
     * is journalled with what {@code parser} read of its request line.
     */
    void refused(String reason, RequestParser parser) {
        rejection = reason;
        RequestRecorder recorder = context.recorder;
        if (recorder == null || capture != null || recorded) {
            return;
        }
        String refusedMethod = lineMethod != null ? lineMethod : "-";
        String target = lineTarget != null ? lineTarget : "-";
        method = refusedMethod;
        open(recorder, new RequestCapture(refusedMethod, target, connection.remoteAddress(), Instant.now()));
    }

    /**
     * The parser consumed bytes {@code [from, consumed)} of {@code source} (up to {@code limit} are there),
     * its head not complete: when a journal is kept and this request began at {@code from}, the method and
     * target of its request line are noted, so that a request refused before its head is parsed (too many
     * fields, a body over the limit, a timeout) is journalled with them. The parser gives them only with a
     * whole head; the bytes are still here. Only on those paths, never for a head parsed whole.
     */
    void requestLineRead(ByteBuffer source, int from, int consumed, int limit) {
        if (context.recorder == null || lineMethod != null || bytesIn != consumed - from) {
            return; // no journal, noted already, or the request began in an earlier read (the line may be split)
        }
        int to = limit;
        int lineEnd = -1;
        for (int i = from; i < to; i++) {
            if (source.get(i) == '\n') {
                lineEnd = i;
                break;
            }
        }
        if (lineEnd < 0) {
            return;
        }
        int firstSpace = -1;
        int secondSpace = -1;
        for (int i = from; i < lineEnd; i++) {
            byte b = source.get(i);
            if (b == ' ') {
                if (firstSpace < 0) {
                    firstSpace = i;
                } else if (secondSpace < 0) {
                    secondSpace = i;
                }
            } else if (b < 0x21 || b > 0x7e) {
                if (b != '\r' || i != lineEnd - 1) {
                    return; // not a request line worth echoing in a report
                }
            }
        }
        if (firstSpace <= from || secondSpace <= firstSpace + 1) {
            return;
        }
        lineMethod = ascii(source, from, firstSpace);
        lineTarget = ascii(source, firstSpace + 1, secondSpace);
    }

    private static String ascii(ByteBuffer source, int from, int to) {
        byte[] bytes = new byte[to - from];
        source.get(from, bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Response bytes {@code [position, limit)} of {@code buffer} are handed to the connection; copied (without
     * consuming them) only for the journal. The first marks the time to first byte.
     */
    void responseBytes(ByteBuffer buffer) {
        if (capture == null) {
            return;
        }
        ResponseCapture copy = response;
        if (copy == null) {
            RequestRecorder recorder = context.recorder;
            if (recorder == null) {
                return;
            }
            copy = new ResponseCapture(recorder.maxResponseBodyBytes(), headRequest);
            response = copy;
            firstByteNanos = context.clock.nanoTime() - startNanos;
        }
        copy.add(buffer);
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
     * in the metrics, journaled, and access-logged, once: a response recorded as soon as it was queued, before
     * the flush that hands it to the client, is not recorded again when the connection learns it was written.
     */
    void ended(int status, long now) {
        if (recorded) {
            return;
        }
        recorded = true;
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
     * still journaled, with status 0, as the recorder's contract says, since a journal counts on every request
     * it received ending. The metrics count the cause as an error instead.
     */
    void cutOff(long now) {
        if (capture != null && !recorded) {
            recorded = true;
            journal(0, now - startNanos);
        }
    }

    private void journal(int status, long duration) {
        if (capture != null) {
            publish(status, duration, true);
        }
        capture = null;
        recording = null;
    }

    private void publish(int status, long duration, boolean ended) {
        RequestCapture copy = capture;
        RequestRecorder.Recording record = recording;
        if (copy == null || record == null) {
            return;
        }
        ResponseCapture sent = response;
        RecordedResponse recordedResponse = null;
        try {
            recordedResponse = sent == null ? null : sent.toResponse();
        } catch (RuntimeException e) {
            context.error("the journal's copy of a response could not be read back; it is journalled without it", e);
        }
        try {
            record.update(copy.toRequest(), route, status, duration, unmatched, rejection, ended, recordedResponse,
                    firstByteNanos, bytesIn, bytesOut);
        } catch (RuntimeException | Error e) {
            context.error("request recorder threw; the request is answered but its record is not up to date", e);
        }
    }
}
