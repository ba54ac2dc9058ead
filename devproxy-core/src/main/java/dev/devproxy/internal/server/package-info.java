/**
 * The server: the acceptor, the client connections and the wiring of the layers below.
 *
 * <h2>What it owns</h2>
 * {@link dev.devproxy.internal.server.Server} (starts the loops, binds, drains and stops), the Acceptor on loop 0
 * with the Shedder beside it, and ClientConnection, which sits on a transport, parses requests, hands each to
 * the exchange the router's decision calls for (Exchanges), and records each request's outcome once
 * (RequestOutcome: metrics, journal, access log). A request travels up and back down: transport, client
 * connection, parser, router, exchange; and for a forward on to the upstream connection and back through the
 * relays. No layer calls a layer above it by name: the loop calls connections through
 * {@code StreamConnection}'s abstract methods, a connection calls its exchange through {@code Exchange}, and an
 * exchange answers through {@code ExchangeConnection}.
 *
 * <h2>Connection lifecycle</h2>
 * A client connection is always in one {@code ClientPhase}, whose documentation names each phase and its
 * timeout: NEW and IDLE (closed quietly after the request-line or keep-alive timeout), REQUEST_LINE and HEADERS
 * (408 after their timeouts), BODY (408 after the body timeout, extended by the minimum body rate, with the
 * clock stopped while the exchange pauses it), RESPONDING, TUNNEL (a byte tunnel after a 200 to CONNECT or a
 * 101, closed after the tunnel idle timeout, and at once on shutdown), CLOSING, LINGERING and CLOSED. While output waits,
 * the write timeout applies instead. Deadlines are checked by each loop's periodic scan, which reads the
 * injectable clock. Pipelined requests are answered in order: the next one is parsed only after the previous
 * response is fully written. An intercepted CONNECT (Interception, InterceptedConnect) is the one way back: once
 * its 200 is written the connection puts a TLS layer over its socket and starts again in NEW, its requests now
 * for the CONNECT's host.
 *
 * <h2>Connection cap</h2>
 * The acceptor counts open client connections; at {@code maxConnections} it stops accepting, so further
 * clients wait in the kernel's accept backlog and are not reset, and it starts again as soon as one closes.
 * While paused, it has each loop shed idle and stalled connections (see the Shedder), so that slow clients
 * cannot hold every slot.
 *
 * <h2>Threading</h2>
 * Each accepted channel is handed to one loop, round-robin, through that loop's task queue, and stays there
 * for life, with every upstream connection opened on its behalf. User code run on loops (routers, metrics
 * sinks, recorders) is documented as having to be fast, and is guarded against throwing.
 */
@NullMarked
package dev.devproxy.internal.server;

import org.jspecify.annotations.NullMarked;
