package dev.devproxy.internal.server;

import dev.devproxy.internal.exchange.Exchange;

/**
 * Where a {@link ClientConnection} is in its life, and so which timeout applies: the one lifecycle type of the
 * client side. A connection moves down this list and back to {@link #IDLE} after each kept-alive response.
 * Whatever the phase, while output is waiting for the client the write timeout applies instead: if no byte
 * can be written for {@code writeTimeout}, the client is cut off.
 */
enum ClientPhase {
    /** Accepted, no byte yet. {@code requestLineTimeout}, then closed quietly. Sheddable as idle. */
    NEW,
    /** Between requests, after a kept-alive response, no byte of the next yet. {@code keepAliveTimeout}, then closed quietly. Sheddable as idle. */
    IDLE,
    /** The request's first byte arrived; its request line must complete within {@code requestLineTimeout}, else 408. */
    REQUEST_LINE,
    /** The header section must complete within {@code headerTimeout} of the request line, else 408. */
    HEADERS,
    /**
     * The router chose an {@link Exchange} and the body streams into it; it must arrive within {@code bodyTimeout}
     * of the head, extended by one second per {@code minBodyRate} bytes received, else 408. The clock stops while
     * the exchange has paused reading (backpressure is not the client's fault).
     */
    BODY,
    /** The request is complete and the exchange produces the response. No timeout of its own (upstream timeouts apply to a forward). */
    RESPONDING,
    /** The connection's last response is handed over and being written; then the connection lingers or closes. */
    CLOSING,
    /** After a last response, output is shut down and input read and thrown away, for 2 s or 1 MiB, so the client reads the response instead of a reset. */
    LINGERING,
    /** Closed; nothing is held. */
    CLOSED;

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
