package dev.devproxy.examples.metrics;

import dev.devproxy.ErrorKind;
import dev.devproxy.MetricsSink;
import dev.devproxy.RouteKind;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * A {@link MetricsSink} that logs one line per request and one per error through a {@link System.Logger}
 * (which goes to {@code java.util.logging} unless another backend is installed), for a dev setup that wants
 * an access log in its own format.
 *
 * <p>Called on event-loop threads: the logger's handler must not block for long. A production setup would
 * forward to a metrics library instead; the shape is the same, as {@link PerRouteCounter} shows.
 */
public final class LoggingMetricsSink implements MetricsSink {
    private final Logger logger;

    /**
     * A sink writing to {@code logger}.
     *
     * @param logger where the lines go; requests at {@link Level#INFO}, errors at {@link Level#WARNING}
     */
    public LoggingMetricsSink(Logger logger) {
        this.logger = logger;
    }

    /** A sink writing to the logger named {@code dev.devproxy.examples.metrics}. */
    public LoggingMetricsSink() {
        this(System.getLogger("dev.devproxy.examples.metrics"));
    }

    /** Logs {@code <method> -> <status> via <route> in <ms> ms (<in> bytes in, <out> bytes out)}. */
    @Override
    public void requestCompleted(RouteKind route, String method, int status, long durationNanos, long bytesIn,
            long bytesOut) {
        if (logger.isLoggable(Level.INFO)) {
            logger.log(Level.INFO, "{0} -> {1} via {2} in {3} ms ({4} bytes in, {5} bytes out)", method,
                    Integer.toString(status), route.label(), Double.toString(durationNanos / 1e6),
                    Long.toString(bytesIn), Long.toString(bytesOut));
        }
    }

    /** Logs {@code error: <kind>}. */
    @Override
    public void error(ErrorKind kind) {
        logger.log(Level.WARNING, "error: {0}", kind.label());
    }
}
