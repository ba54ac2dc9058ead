package dev.devproxy.internal.metrics;

import dev.devproxy.ErrorKind;
import dev.devproxy.MetricsSink;
import dev.devproxy.MetricsSnapshot;
import dev.devproxy.RouteKind;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sink every proxy has: counters and a latency histogram in {@link LongAdder}s, rendered as Prometheus
 * text at {@code /metrics}. Thread-safe and lock-free; recording a request is a handful of adds.
 */
public final class BuiltInMetrics implements MetricsSink {
    /** Status classes 1xx to 5xx, as label values. */
    static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final LongAdder[][] requests = new LongAdder[RouteKind.values().length][STATUS_CLASSES.length];
    private final LongAdder[] errors = new LongAdder[ErrorKind.values().length];
    private final LongAdder activeConnections = new LongAdder();
    private final LongAdder connectionsTotal = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder openTunnels = new LongAdder();
    private final LongAdder tunnelsTotal = new LongAdder();
    private final LongAdder tunnelBytesFromClients = new LongAdder();
    private final LongAdder tunnelBytesFromUpstreams = new LongAdder();
    private final LatencyHistogram duration = new LatencyHistogram();

    /** Empty metrics. */
    public BuiltInMetrics() {
        for (LongAdder[] row : requests) {
            for (int i = 0; i < row.length; i++) {
                row[i] = new LongAdder();
            }
        }
        for (int i = 0; i < errors.length; i++) {
            errors[i] = new LongAdder();
        }
    }

    @Override
    public void connectionOpened() {
        activeConnections.increment();
        connectionsTotal.increment();
    }

    @Override
    public void connectionClosed() {
        activeConnections.decrement();
    }

    @Override
    public void requestCompleted(RouteKind route, String method, int status, long durationNanos, long bytesIn,
            long bytesOut) {
        int statusClass = Math.min(Math.max(status / 100, 1), 5) - 1;
        requests[route.ordinal()][statusClass].increment();
        duration.record(durationNanos);
        bytesReceived.add(bytesIn);
        bytesSent.add(bytesOut);
    }

    @Override
    public void error(ErrorKind kind) {
        errors[kind.ordinal()].increment();
    }

    @Override
    public void tunnelOpened() {
        openTunnels.increment();
        tunnelsTotal.increment();
    }

    @Override
    public void tunnelBytes(long fromClient, long fromUpstream) {
        if (fromClient != 0) {
            tunnelBytesFromClients.add(fromClient);
        }
        if (fromUpstream != 0) {
            tunnelBytesFromUpstreams.add(fromUpstream);
        }
    }

    @Override
    public void tunnelClosed() {
        openTunnels.decrement();
    }

    /** Tunnels open now. */
    public long openTunnels() {
        return openTunnels.sum();
    }

    /** A consistent-enough copy of the totals (each adder is read once; concurrent updates may straddle it). */
    public MetricsSnapshot snapshot() {
        long requestsTotal = 0;
        for (LongAdder[] row : requests) {
            for (LongAdder cell : row) {
                requestsTotal += cell.sum();
            }
        }
        long errorsTotal = 0;
        for (LongAdder cell : errors) {
            errorsTotal += cell.sum();
        }
        return new MetricsSnapshot(requestsTotal, errorsTotal, activeConnections.sum(), connectionsTotal.sum(),
                bytesReceived.sum(), bytesSent.sum());
    }

    /** Requests answered by {@code route} with a status in {@code statusClass} (1 to 5). */
    public long requests(RouteKind route, int statusClass) {
        return requests[route.ordinal()][statusClass - 1].sum();
    }

    /** Errors of {@code kind} so far. */
    public long errors(ErrorKind kind) {
        return errors[kind.ordinal()].sum();
    }

    /** The metrics in the Prometheus text exposition format, version 0.0.4. */
    public String renderPrometheus() {
        StringBuilder out = new StringBuilder(4096);
        header(out, "devproxy_requests_total", "counter", "Requests answered, by route and status class.");
        for (RouteKind route : RouteKind.values()) {
            for (int c = 0; c < STATUS_CLASSES.length; c++) {
                out.append("devproxy_requests_total{route=\"").append(route.label()).append("\",status=\"")
                        .append(STATUS_CLASSES[c]).append("\"} ").append(requests[route.ordinal()][c].sum()).append('\n');
            }
        }
        header(out, "devproxy_errors_total", "counter", "Failures, by kind.");
        for (ErrorKind kind : ErrorKind.values()) {
            out.append("devproxy_errors_total{kind=\"").append(kind.label()).append("\"} ")
                    .append(errors[kind.ordinal()].sum()).append('\n');
        }
        header(out, "devproxy_active_connections", "gauge", "Client connections open now.");
        out.append("devproxy_active_connections ").append(activeConnections.sum()).append('\n');
        header(out, "devproxy_connections_total", "counter", "Client connections accepted.");
        out.append("devproxy_connections_total ").append(connectionsTotal.sum()).append('\n');
        header(out, "devproxy_received_bytes_total", "counter", "Request bytes read from clients, heads and bodies.");
        out.append("devproxy_received_bytes_total ").append(bytesReceived.sum()).append('\n');
        header(out, "devproxy_sent_bytes_total", "counter", "Response bytes written to clients, heads and bodies.");
        out.append("devproxy_sent_bytes_total ").append(bytesSent.sum()).append('\n');
        header(out, "devproxy_open_tunnels", "gauge", "Connections that are byte tunnels now (CONNECT, WebSocket).");
        out.append("devproxy_open_tunnels ").append(openTunnels.sum()).append('\n');
        header(out, "devproxy_tunnels_total", "counter", "Tunnels opened.");
        out.append("devproxy_tunnels_total ").append(tunnelsTotal.sum()).append('\n');
        header(out, "devproxy_tunnel_bytes_total", "counter", "Bytes carried by tunnels, by the side they came from.");
        out.append("devproxy_tunnel_bytes_total{from=\"client\"} ").append(tunnelBytesFromClients.sum()).append('\n');
        out.append("devproxy_tunnel_bytes_total{from=\"upstream\"} ").append(tunnelBytesFromUpstreams.sum()).append('\n');
        header(out, "devproxy_request_duration_seconds", "histogram",
                "Time from a request's first byte to its response's last byte.");
        for (int i = 0; i < LatencyHistogram.BOUNDS_SECONDS.length; i++) {
            out.append("devproxy_request_duration_seconds_bucket{le=\"").append(LatencyHistogram.BOUND_LABELS[i])
                    .append("\"} ").append(duration.cumulativeCount(i)).append('\n');
        }
        long count = duration.count();
        out.append("devproxy_request_duration_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n');
        out.append("devproxy_request_duration_seconds_sum ").append(duration.sumSeconds()).append('\n');
        out.append("devproxy_request_duration_seconds_count ").append(count).append('\n');
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
