package dev.devproxy;

/**
 * The built-in metrics' totals at one moment, from {@link DevProxy#metrics()}.
 *
 * @param requestsTotal requests answered, whatever their status (the plain {@code requests_total})
 * @param errorsTotal failures of every {@link ErrorKind} (the plain {@code errors_total})
 * @param activeConnections client connections open now
 * @param connectionsTotal client connections accepted since start
 * @param bytesReceived request bytes read from clients
 * @param bytesSent response bytes written to clients
 */
public record MetricsSnapshot(long requestsTotal, long errorsTotal, long activeConnections, long connectionsTotal,
        long bytesReceived, long bytesSent) {
}
