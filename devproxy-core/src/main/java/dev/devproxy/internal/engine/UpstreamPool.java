package dev.devproxy.internal.engine;

import dev.devproxy.Upstream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Idle keep-alive connections to upstreams, per loop, so reuse needs no locks. Most recently used first, at
 * most {@value #MAX_IDLE_PER_UPSTREAM} per upstream, each closed after {@link #IDLE_NANOS} unused.
 *
 * <p>The idle time is short on purpose: common servers close idle connections after 5 s (Node.js), and a
 * connection the upstream is closing just as it is reused costs a failed request. The forwarding exchange
 * still retries a request without a body on a fresh connection when a reused one fails before any response.
 */
final class UpstreamPool {
    static final int MAX_IDLE_PER_UPSTREAM = 64;
    static final long IDLE_NANOS = 4_000_000_000L;

    private final Map<Upstream, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();

    /** An idle connection to {@code upstream}, removed from the pool, or null. */
    @Nullable UpstreamConnection take(Upstream upstream) {
        ArrayDeque<UpstreamConnection> connections = idle.get(upstream);
        return connections == null ? null : connections.pollFirst();
    }

    /** Keeps {@code connection} for reuse; false when the pool for its upstream is full. */
    boolean offer(UpstreamConnection connection) {
        ArrayDeque<UpstreamConnection> connections = idle.computeIfAbsent(connection.upstream, u -> new ArrayDeque<>());
        if (connections.size() >= MAX_IDLE_PER_UPSTREAM) {
            return false;
        }
        connections.addFirst(connection);
        return true;
    }

    void remove(UpstreamConnection connection) {
        ArrayDeque<UpstreamConnection> connections = idle.get(connection.upstream);
        if (connections != null) {
            connections.remove(connection);
        }
    }

    /** Idle connections across upstreams; for tests. */
    int size() {
        int total = 0;
        for (ArrayDeque<UpstreamConnection> connections : idle.values()) {
            total += connections.size();
        }
        return total;
    }
}
