package dev.devproxy.internal.proxy;

import dev.devproxy.Upstream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Idle keep-alive connections to upstreams, per loop, so reuse needs no locks. Most recently used first; each
 * is closed after {@link #IDLE_NANOS} unused, and at most {@code maxIdle} wait across all upstreams.
 *
 * <p>The idle time is the real bound, and it is short on purpose: common servers close idle connections
 * after 5 s (Node.js), and a connection the upstream is closing just as it is reused costs a failed request.
 * The forwarding exchange still retries a request without a body on a fresh connection when a reused one
 * fails before any response.
 *
 * <p>The count cap only guards descriptors, and is sized so that it never closes a connection the loop will
 * want again: an exchange holds one upstream connection at a time, and a client connection runs one exchange
 * at a time, so a loop never has more upstream connections in use than it has clients, at most
 * {@code maxConnections}. And a new one is opened only when none to that upstream is idle, so the connections
 * to one upstream never outnumber the exchanges that once ran at the same time. A smaller cap (it was 64)
 * made steady load churn: with 100 clients, a burst of responses left more than 64 idle for a moment, the
 * surplus was closed, and the next burst of requests connected again (0.28 connects per request, at a third
 * about half the throughput). The cap is per loop and across upstreams, so a router spreading clients over many
 * upstreams still holds at most {@code maxConnections} idle descriptors per loop, each for 4 s at most.
 */
final class UpstreamPool {
    static final long IDLE_NANOS = 4_000_000_000L;

    private final int maxIdle;
    private final Map<Upstream, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    private int idleCount;

    /** @param maxIdle the most idle connections kept, across upstreams; at least 0 */
    UpstreamPool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** An idle connection to {@code upstream}, removed from the pool, or null. */
    @Nullable UpstreamConnection take(Upstream upstream) {
        ArrayDeque<UpstreamConnection> connections = idle.get(upstream);
        UpstreamConnection connection = connections == null ? null : connections.pollFirst();
        if (connection != null) {
            idleCount--;
        }
        return connection;
    }

    /** Keeps {@code connection} for reuse; false when the pool is full. */
    boolean offer(UpstreamConnection connection) {
        if (idleCount >= maxIdle) {
            return false;
        }
        idle.computeIfAbsent(connection.upstream, u -> new ArrayDeque<>()).addFirst(connection);
        idleCount++;
        return true;
    }

    /** Forgets {@code connection}, which is closing: its idle time ran out, or the upstream closed it. */
    void remove(UpstreamConnection connection) {
        ArrayDeque<UpstreamConnection> connections = idle.get(connection.upstream);
        // From the tail: idle timeouts retire the least recently used, which sit there, so this is O(1) for
        // them rather than a scan of the whole deque per connection.
        if (connections != null && connections.removeLastOccurrence(connection)) {
            idleCount--;
            if (connections.isEmpty()) {
                idle.remove(connection.upstream); // a router may name many upstreams over a proxy's life
            }
        }
    }

    /** Closes every idle connection, for shutdown: the upstream should not wait for our idle timeout. */
    void closeAll() {
        List<UpstreamConnection> all = new ArrayList<>(idleCount);
        for (ArrayDeque<UpstreamConnection> connections : idle.values()) {
            all.addAll(connections);
        }
        for (UpstreamConnection connection : all) {
            connection.close(); // calls remove()
        }
    }

    /** Idle connections across upstreams; for tests. */
    int size() {
        return idleCount;
    }
}
