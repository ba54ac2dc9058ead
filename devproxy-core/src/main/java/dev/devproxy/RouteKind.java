package dev.devproxy;

import java.util.Locale;

/** What kind of {@link Route} answered a request; a label in metrics and the access log. */
public enum RouteKind {
    /** Answered with a JSON description of the request. */
    ECHO,
    /** Forwarded to an upstream. */
    FORWARD,
    /** Answered with a response the router gave. */
    RESPOND,
    /** Answered with the Prometheus metrics text. */
    METRICS,
    /** Rejected with an error status by the router, or by the engine before any route was chosen. */
    REJECT;

    /**
     * The lower-case name used as a metric label, such as {@code echo}.
     *
     * @return the label, such as {@code echo}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
