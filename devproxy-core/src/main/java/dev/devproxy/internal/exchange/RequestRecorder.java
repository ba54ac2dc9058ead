package dev.devproxy.internal.exchange;

import dev.devproxy.RecordedRequest;
import dev.devproxy.RecordedResponse;
import dev.devproxy.RouteKind;
import org.jspecify.annotations.Nullable;

/**
 * Receives a copy of every request the engine answered, from the moment its head is parsed (or it is refused
 * before one could be) to its outcome; the hook a request journal plugs into. Called on event-loop threads:
 * implementations must be thread-safe and must not block. With no recorder, the engine copies nothing.
 */
public interface RequestRecorder {
    /**
     * The response field of the 404 that answers a request no stub matched (with the near-miss report as its
     * body): the engine marks such a request unmatched in its record.
     */
    String UNMATCHED_FIELD = "X-DevProxy-Unmatched";

    /** The most body bytes to copy into each {@link RecordedRequest}; the rest is only counted. */
    int maxBodyBytes();

    /** The most response body bytes to copy into each {@link RecordedResponse}; the rest is only counted. */
    int maxResponseBodyBytes();

    /**
     * A request arrived: its head is parsed, its body (if any) still to come. Called once per request, before
     * the router sees it.
     *
     * @param request the request as received so far
     * @return the record of this request, which the engine updates as it goes
     */
    Recording received(RecordedRequest request);

    /** One request's record: each call replaces what the recorder knows of it with a newer, whole picture. */
    interface Recording {
        /**
         * The request's state now. Called after the body has arrived ({@code ended} false) and once at the
         * end ({@code ended} true), which is the last call.
         *
         * @param request the request, its body as far as received
         * @param route what answers (or answered) it
         * @param status the status sent; 0 while unknown, or when the connection closed without a response
         * @param durationNanos from the request's first byte to the end of the response; 0 while in flight
         * @param unmatched whether no stub matched and the request was answered 404 with the near-miss report
         * @param rejection why the proxy itself refused the request (a parse error, a limit with its setting,
         *     a timeout), or null
         * @param ended whether the request has ended: answered, or its connection closed
         * @param response the response as sent, its body cut at the cap; null while none was sent
         * @param firstByteNanos from the request's first byte to the response's first byte; -1 while none was sent
         * @param bytesIn the bytes the request took on the connection so far, head and framing included
         * @param bytesOut the bytes of response handed to the connection so far
         */
        void update(RecordedRequest request, RouteKind route, int status, long durationNanos, boolean unmatched,
                @Nullable String rejection, boolean ended, @Nullable RecordedResponse response, long firstByteNanos,
                long bytesIn, long bytesOut);
    }
}
