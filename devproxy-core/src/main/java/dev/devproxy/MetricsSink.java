package dev.devproxy;

/**
 * Receives what the engine observes, to count it, forward it to a metrics library or log it.
 *
 * <p>Methods are called on event-loop threads, possibly several at once, so implementations must be
 * thread-safe, fast and non-blocking (a {@link java.util.concurrent.atomic.LongAdder} is the right tool).
 * Each method has an empty default, so a sink overrides only what it needs. An exception thrown by a sink is
 * logged (rate-limited) and otherwise ignored: a faulty sink cannot stall or kill a connection.
 */
public interface MetricsSink {

    /** Should be called when a client connection has been accepted. */
    default void connectionOpened() {
    }

    /** Should be called when a client connection has been closed, for whatever reason. */
    default void connectionClosed() {
    }

    /**
     * Should be called when a response has been sent in full (or the exchange ended with an error response).
     *
     * @param route what answered the request
     * @param method the request method, such as {@code GET}
     * @param status the status sent to the client
     * @param durationNanos from the first byte of the request to the last byte of the response
     * @param bytesIn bytes of the request read from the client, head and body
     * @param bytesOut bytes of the response written to the client, head and body
     */
    default void requestCompleted(RouteKind route, String method, int status, long durationNanos, long bytesIn,
            long bytesOut) {
    }

    /**
     * Should be called when a failure of the given kind happened.
     *
     * @param kind what went wrong
     */
    default void error(ErrorKind kind) {
    }

    /**
     * Should be called when a client connection has become a byte tunnel: after a {@code 200} to {@code CONNECT},
     * or a {@code 101} to an upgrade such as WebSocket. Its request was recorded with
     * {@link #requestCompleted} just before.
     */
    default void tunnelOpened() {
    }

    /**
     * Should be called when bytes have crossed a tunnel, as they cross.
     *
     * @param fromClient bytes read from the client and passed to the upstream
     * @param fromUpstream bytes read from the upstream and passed to the client
     */
    default void tunnelBytes(long fromClient, long fromUpstream) {
    }

    /** Should be called when a tunnel has closed, for whatever reason. */
    default void tunnelClosed() {
    }

    /**
     * A sink that records nothing.
     *
     * @return a sink whose methods do nothing
     */
    static MetricsSink noop() {
        return NoopMetricsSink.INSTANCE;
    }
}

/** The sink behind {@link MetricsSink#noop()}. */
enum NoopMetricsSink implements MetricsSink {
    INSTANCE
}
