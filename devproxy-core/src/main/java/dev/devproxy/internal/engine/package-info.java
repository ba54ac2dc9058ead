/**
 * The NIO engine: event loops, the acceptor, client connections and the per-request exchanges.
 *
 * <h2>Threading</h2>
 * A fixed set of {@link dev.devproxy.internal.engine.EventLoop}s, each one thread and one
 * {@link java.nio.channels.Selector}. Loop 0 also owns the server socket. Each accepted channel is handed to
 * one loop, round-robin, through that loop's lock-free task queue, and stays there for life, with every
 * upstream connection opened on its behalf. So a connection's state is only ever touched by its loop's
 * thread: no locks, no volatile fields on the hot path. Other threads (the application calling
 * {@code close()}, the acceptor) talk to a loop only through {@link dev.devproxy.internal.engine.EventLoop#execute}.
 * Loop threads never block or sleep: all socket I/O is non-blocking, and user code run on them (routers,
 * metrics sinks) is documented as having to be fast, and is guarded against throwing.
 *
 * <h2>Connection lifecycle</h2>
 * A {@link dev.devproxy.internal.engine.ClientConnection} moves through these states, each with its timeout:
 * <ul>
 *   <li>{@code READING_HEAD}: from accept (or from the end of the previous response) to the end of the head.
 *       Before any byte arrives this is the idle state of a persistent connection, closed quietly after the
 *       keep-alive timeout (a fresh connection gets the request-line timeout). Once bytes arrive, the request
 *       line must complete within {@code requestLineTimeout} and the header section within
 *       {@code headerTimeout} after it, else 408.</li>
 *   <li>{@code READING_BODY}: the router has chosen an {@link dev.devproxy.internal.engine.Exchange} and the
 *       body streams into it; it must arrive within {@code bodyTimeout} of the head, else 408. The clock stops
 *       while the exchange has paused reading (backpressure is not the client's fault).</li>
 *   <li>{@code RESPONDING}: the request is complete and the exchange produces the response, at once (echo)
 *       or as an upstream answers (forward).</li>
 *   <li>{@code LINGERING}: after an error response the output is shut down and input is read and discarded for
 *       a short while, so the client reads the error instead of a reset.</li>
 * </ul>
 * Whenever a write cannot complete, the connection waits for {@code OP_WRITE}; if no byte can be written for
 * {@code writeTimeout}, the client is cut off. Timeouts are deadlines on each connection, checked by a
 * periodic scan on its loop that reads the injectable {@link dev.devproxy.internal.loop.EngineClock}.
 * Requests are served one at a time per connection, so pipelined requests are answered in order: the next
 * one is parsed only after the previous response is fully written.
 *
 * <h2>Buffers and backpressure</h2>
 * Socket reads go into 16 KiB direct buffers from the loop's {@link dev.devproxy.internal.engine.BufferPool},
 * which is confined to the loop's thread. A buffer has one owner at a time: the pool, a connection's inbound
 * slot, or an exchange that holds body bytes still to be written elsewhere. A connection holds an inbound
 * buffer only while it has unconsumed bytes, so an idle connection holds none; partial heads are copied into
 * the parser's own bounded storage, not kept in pool buffers. When an exchange cannot pass body bytes on at
 * once (the other socket is full), it keeps them in place and reading from their source stops until the
 * sink drains: no queue grows with the amount of data. Responses built in memory (echo, errors, metrics) are
 * written straight away, and only the unwritten remainder is copied aside.
 *
 * <h2>Upstream connections</h2>
 * A forwarding exchange takes an idle connection to its upstream from its loop's
 * {@link dev.devproxy.internal.engine.UpstreamPool}, or opens one, and gives it back after a response read
 * cleanly to its end. An exchange holds one at a time and a client connection runs one exchange at a time, so a
 * loop has at most as many upstream connections in use as it has clients; the pool keeps up to
 * {@code maxConnections} idle across upstreams, so under steady load it never closes a connection it is about to
 * need. Idle ones close after 4 s unused, and when {@code close()} begins.
 *
 * <h2>Connection cap</h2>
 * The acceptor counts open client connections; at {@code maxConnections} it stops accepting, so further
 * clients wait in the kernel's accept backlog and are not reset, and it starts again as soon as one closes.
 */
@NullMarked
package dev.devproxy.internal.engine;

import org.jspecify.annotations.NullMarked;
