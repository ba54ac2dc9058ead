package dev.devproxy;

import java.util.Locale;

/** The kinds of failure the engine counts, each a value of the {@code kind} label of {@code devproxy_errors_total}. */
public enum ErrorKind {
    /** A request broke HTTP/1.1 syntax or a limit: answered 400, 413, 414, 431, 501 or 505. */
    BAD_REQUEST,
    /**
     * A well-formed request asked for something DevProxy does not do: a {@code CONNECT} (no tunnels yet):
     * answered 501. A Transfer-Encoding it cannot decode is a {@link #BAD_REQUEST}.
     */
    NOT_IMPLEMENTED,
    /** A client was too slow sending a request: answered 408. */
    REQUEST_TIMEOUT,
    /** A client stopped reading its response for longer than the write timeout: cut off. */
    WRITE_TIMEOUT,
    /** A client closed or reset its connection in the middle of a request or response. */
    CLIENT_ABORT,
    /** A router threw, or something else unexpected failed: answered 500 and logged. */
    INTERNAL,
    /** An upstream refused the connection or could not be resolved: answered 502. */
    UPSTREAM_CONNECT,
    /** An upstream did not connect or answer in time: answered 504. */
    UPSTREAM_TIMEOUT,
    /** An upstream sent a response that is not valid HTTP/1.1: answered 502. */
    UPSTREAM_PROTOCOL,
    /** An upstream closed or reset its connection in the middle of a response. */
    UPSTREAM_ABORT;

    /**
     * The lower-case name used as a metric label, such as {@code bad_request}.
     *
     * @return the label, such as {@code bad_request}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
