package dev.devproxy.stub;

import dev.devproxy.RecordedRequest;
import dev.devproxy.RecordedResponse;
import dev.devproxy.RouteKind;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One exchange in the {@link RequestJournal}: the request received and the response sent. An entry exists from
 * the moment the request's head is parsed; while the request is in flight its status is 0 and its duration
 * zero. An entry is an immutable snapshot: the journal replaces it with a newer one as the request goes on
 * (its body arrived, it ended), so a reader never sees one half-updated.
 *
 * @param request the request, its body cut at the journal's body cap ({@link RecordedRequest#bodyTruncated()})
 * @param route what answered: {@link RouteKind#RESPOND} for a stub, {@link RouteKind#FORWARD} for a request
 *     passed to an upstream, and so on
 * @param status the status sent, or 0 when the connection closed without a response (a fault, or a client
 *     that went away first)
 * @param duration from the request's first byte to the end of its response; zero while in flight
 * @param unmatched whether no stub matched and the proxy answered {@code 404} with the near-miss report
 *     (strict stubbing, or the JUnit extension's default)
 * @param rejection why the proxy itself refused the request, such as {@code bad request (HEADER_NAME)} or
 *     {@code request body larger than maxBodySize (...)}, naming the setting and its value for a limit; null
 *     when the proxy did not refuse it
 * @param inFlight whether the request has not ended yet: its response is still to come (a delayed stub, an
 *     upstream that has not finished), or its body is still arriving
 * @param response the response as sent to the client, its body cut at the journal's response body cap; null
 *     while in flight, and when none was sent (a fault, a client that went away first)
 * @param firstByte from the request's first byte to the response's first byte (an interim {@code 100 Continue}
 *     included); null when no response byte was sent
 * @param bytesIn the bytes the request took on the connection, head and framing included
 * @param bytesOut the bytes of response handed to the connection, head and framing included
 */
public record JournalEntry(RecordedRequest request, RouteKind route, int status, Duration duration,
        boolean unmatched, @Nullable String rejection, boolean inFlight, @Nullable RecordedResponse response,
        @Nullable Duration firstByte, long bytesIn, long bytesOut) {
    /**
     * Checks for null.
     *
     * @param request the request, its body cut at the journal's body cap
     * @param route what answered the request
     * @param status the status sent, or 0 when the connection closed without a response
     * @param duration from the request's first byte to the end of its response
     * @param unmatched whether no stub matched and the proxy answered 404 with the near-miss report
     * @param rejection why the proxy itself refused the request, or null
     * @param inFlight whether the request has not ended yet
     * @param response the response as sent, or null
     * @param firstByte from the request's first byte to the response's first byte, or null
     * @param bytesIn the bytes the request took on the connection
     * @param bytesOut the bytes of response handed to the connection
     */
    public JournalEntry {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * An entry for a request that was not an unmatched one.
     *
     * @param request the request, its body cut at the journal's body cap
     * @param route what answered the request
     * @param status the status sent, or 0 when the connection closed without a response
     * @param duration from the request's first byte to the end of its response
     */
    public JournalEntry(RecordedRequest request, RouteKind route, int status, Duration duration) {
        this(request, route, status, duration, false, null, false, null, null, 0, 0);
    }

    /**
     * An entry for a request that ended and that the proxy did not refuse.
     *
     * @param request the request, its body cut at the journal's body cap
     * @param route what answered the request
     * @param status the status sent, or 0 when the connection closed without a response
     * @param duration from the request's first byte to the end of its response
     * @param unmatched whether no stub matched and the proxy answered 404 with the near-miss report
     */
    public JournalEntry(RecordedRequest request, RouteKind route, int status, Duration duration,
            boolean unmatched) {
        this(request, route, status, duration, unmatched, null, false, null, null, 0, 0);
    }

    /**
     * The request's method.
     *
     * @return the method, such as {@code GET}
     */
    public String method() {
        return request.method();
    }

    /**
     * The request-target exactly as sent, such as {@code /api/users?page=2}; for a request decrypted from an
     * intercepted CONNECT, the URI it stands for, such as {@code https://api.example.test:443/api/users}.
     *
     * @return the request-target
     */
    public String target() {
        return request.target();
    }

    /**
     * The first value of request header {@code name} (any case), or null.
     *
     * @param name the field name, compared ignoring case
     * @return the first such field's value, or null when there is none
     */
    public @Nullable String header(String name) {
        return request.header(name);
    }

    /**
     * The request body (as kept) decoded as UTF-8.
     *
     * @return the kept body as text
     */
    public String bodyAsString() {
        return request.bodyAsString();
    }

    /**
     * Such as {@code POST /api/users -> 201 (respond, 3 ms)}, {@code GET /x -> 404 (no stub matched, 1 ms)},
     * {@code GET /slow -> in flight (respond)} or {@code POST /upload -> 413 (refused: request body larger than
     * maxBodySize (...), 2 ms)}.
     */
    @Override
    public String toString() {
        String head = request.method() + " " + request.target() + " -> ";
        if (inFlight) {
            return head + "in flight (" + route.label() + ")";
        }
        String why = rejection != null ? "refused: " + rejection : unmatched ? "no stub matched" : route.label();
        return head + (status == 0 ? "no response" : status) + " (" + why + ", " + duration.toMillis() + " ms)";
    }
}
