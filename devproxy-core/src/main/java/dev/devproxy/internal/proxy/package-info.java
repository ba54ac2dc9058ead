/**
 * Forwarding: the upstream side, the mirror of the client side.
 *
 * <h2>What it owns</h2>
 * {@link dev.devproxy.internal.proxy.ForwardExchange}, an exchange that finds an upstream connection (pooled or
 * fresh), retries a stale one, and turns failures into 502/504 or a cut-off; its two relays, RequestRelay
 * (client to upstream) and ResponseRelay (upstream to client), which share one BodyFramer (Content-Length,
 * chunked, until-close); UpstreamConnection, which sits on a transport as a client connection does, drives its
 * own response parser and tells its UpstreamHandler what it parsed (head, body with backpressure, end with
 * trailers, failure); ConnectExchange, which answers CONNECT in forward-proxy mode once the destination
 * accepted; Tunnel, which joins a client connection and an upstream connection once a 200 to CONNECT or a 101
 * to a WebSocket upgrade proved there is one, and then carries bytes both ways; the per-loop {@link dev.devproxy.internal.proxy.ProxyLoopState} with its UpstreamPool; and
 * ProxyHeaders, which rewrites heads as they cross (RFC 9110 section 7.6).
 *
 * <h2>Threading</h2>
 * An upstream connection lives on the loop of the client connection it serves, so a forward never crosses
 * threads. An exchange holds one upstream connection at a time and a client connection runs one exchange at a
 * time, so a loop has at most as many upstream connections in use as it has clients; the pool keeps up to
 * {@code maxConnections} idle across upstreams, each for 4 s at most, and closes them when {@code close()} begins.
 *
 * <h2>Buffers and backpressure</h2>
 * Body bytes cross as views of the buffer they were read into, queued on the other connection. Whichever side
 * cannot take them pins that buffer, and its source connection reads nothing more until the sink drains. Heads
 * are queued and leave with the first flush, joined with the body bytes parsed in the same pass: one write and
 * one segment, without holding anything back by hand.
 */
@NullMarked
package dev.devproxy.internal.proxy;

import org.jspecify.annotations.NullMarked;
