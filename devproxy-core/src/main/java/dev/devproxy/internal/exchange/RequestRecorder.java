package dev.devproxy.internal.exchange;

import dev.devproxy.RecordedRequest;
import dev.devproxy.RouteKind;

/**
 * Receives a copy of every request the engine answered, with its outcome; the hook a request journal plugs
 * into. Called on event-loop threads: implementations must be thread-safe and must not block.
 */
public interface RequestRecorder {
    /** The most body bytes to copy into each {@link RecordedRequest}; the rest is only counted. */
    int maxBodyBytes();

    /**
     * Called once the response to {@code request} was handed to the client (or the exchange failed).
     *
     * @param route what answered
     * @param status the status sent, or 0 when the connection was closed without a response
     * @param durationNanos from the request's first byte to the end of the response
     */
    void record(RecordedRequest request, RouteKind route, int status, long durationNanos);
}
