package dev.devproxy.internal.server;

import dev.devproxy.internal.exchange.Exchange;
import dev.devproxy.internal.exchange.ServerContext;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ClientConnection} is in its life, and so which timeout applies and what happens when it runs
 * out: the one lifecycle type of the client side. A connection moves down this list, and back to
 * {@link #IDLE} after each kept-alive response. Whatever the phase, while output is waiting for the client
 * the write timeout applies instead: if no byte can be written for {@code writeTimeout}, the client is cut off.
 *
 * <table>
 *   <caption>Phases, their timeouts and what their expiry does</caption>
 *   <tr><th>phase</th><th>timeout, from the phase's start</th><th>on expiry</th></tr>
 *   <tr><td>NEW</td><td>{@code requestLineTimeout}</td><td>close quietly</td></tr>
 *   <tr><td>IDLE</td><td>{@code keepAliveTimeout}</td><td>close quietly</td></tr>
 *   <tr><td>REQUEST_LINE</td><td>{@code requestLineTimeout}</td><td>408</td></tr>
 *   <tr><td>HEADERS</td><td>{@code headerTimeout}</td><td>408</td></tr>
 *   <tr><td>BODY</td><td>{@code bodyTimeout}, plus 1 s per {@code minBodyRate} bytes received</td><td>408</td></tr>
 *   <tr><td>RESPONDING, CLOSING</td><td>none of its own</td><td>-</td></tr>
 *   <tr><td>TUNNEL</td><td>{@code tunnelIdleTimeout}, from the last byte either way</td><td>close both sides</td></tr>
 *   <tr><td>LINGERING</td><td>2 s (or 1 MiB read)</td><td>close</td></tr>
 * </table>
 */
enum ClientPhase {
    /** Accepted, no byte yet. Sheddable as idle. */
    NEW(Expiry.CLOSE, null),
    /** Between requests, after a kept-alive response, no byte of the next yet. Sheddable as idle. */
    IDLE(Expiry.CLOSE, null),
    /** The request's first byte arrived; its request line is not complete. */
    REQUEST_LINE(Expiry.ANSWER_408, "request line not received in time"),
    /** The request line is complete; the header section is not. */
    HEADERS(Expiry.ANSWER_408, "headers not received in time"),
    /**
     * The router chose an {@link Exchange} and the body streams into it. The clock stops while the exchange has
     * paused reading (backpressure is not the client's fault): the deadline then starts again.
     */
    BODY(Expiry.ANSWER_408, "body not received in time"),
    /** The request is complete and the exchange produces the response (upstream timeouts apply to a forward). */
    RESPONDING(Expiry.NONE, null),
    /**
     * The connection is a byte tunnel joined to an upstream connection, after a {@code 200} to {@code CONNECT}
     * or a {@code 101} to an upgrade, and never goes back to HTTP. Its deadline restarts with each byte either
     * way; a FIN from one side is passed on as a half-close to the other, and the tunnel ends when both are done.
     */
    TUNNEL(Expiry.CLOSE, null),
    /** The connection's last response is handed over and being written; then the connection lingers or closes. */
    CLOSING(Expiry.NONE, null),
    /** Output is shut down and input read and thrown away, so the client reads the last response, not a reset. */
    LINGERING(Expiry.CLOSE, null),
    /** Closed; nothing is held. */
    CLOSED(Expiry.NONE, null);

    /** What a phase's deadline does when it passes. */
    enum Expiry {
        /** Close without a word: nothing of a request is pending. */
        CLOSE,
        /** Answer 408 Request Timeout and close. */
        ANSWER_408,
        /** The phase has no deadline of its own. */
        NONE
    }

    /** How long a phase lasts after an error response: 2 s of reading and discarding. */
    static final long LINGER_NANOS = 2_000_000_000L;

    private final Expiry expiry;
    private final @Nullable String lateWarning;

    ClientPhase(Expiry expiry, @Nullable String lateWarning) {
        this.expiry = expiry;
        this.lateWarning = lateWarning;
    }

    Expiry expiry() {
        return expiry;
    }

    /** What is logged when a request is answered 408 in this phase. */
    String lateWarning() {
        return lateWarning == null ? "timed out" : lateWarning;
    }

    /** The phase's own timeout, from its start, or -1 for none. */
    long timeoutNanos(ServerContext context) {
        return switch (this) {
            case NEW, REQUEST_LINE -> context.requestLineTimeoutNanos;
            case IDLE -> context.keepAliveTimeoutNanos;
            case HEADERS -> context.headerTimeoutNanos;
            case BODY -> context.bodyTimeoutNanos;
            case LINGERING -> LINGER_NANOS;
            case TUNNEL -> context.tunnelIdleTimeoutNanos;
            case RESPONDING, CLOSING, CLOSED -> -1;
        };
    }

    /** Whether no byte of a request has arrived: the connection is between requests. */
    boolean isBetweenRequests() {
        return this == NEW || this == IDLE;
    }

    /** Whether the request's head is being read: the connection parses, and a next request may start. */
    boolean readsHead() {
        return this == NEW || this == IDLE || this == REQUEST_LINE || this == HEADERS;
    }

    /** Whether a request's first byte has arrived and its response is not complete. */
    boolean inRequest() {
        return this == REQUEST_LINE || this == HEADERS || this == BODY || this == RESPONDING;
    }
}
