/**
 * The event loops and the transport layer: everything below HTTP, and nothing of it.
 *
 * <h2>What it owns</h2>
 * {@link dev.devproxy.internal.loop.EventLoop} (one selector thread, its task queue, timers and deadline scan),
 * {@link dev.devproxy.internal.loop.BufferPool}, the injectable {@link dev.devproxy.internal.loop.EngineClock}, the
 * {@link dev.devproxy.internal.loop.Resolver} that looks names up off the loops, and the transport seam:
 * {@link dev.devproxy.internal.loop.Transport} (a byte stream, plain or layered, such as TLS),
 * {@link dev.devproxy.internal.loop.PlainTransport} over a {@code SocketChannel},
 * {@link dev.devproxy.internal.loop.OutboundQueue} (output written, then flushed in one gathering write) and
 * {@link dev.devproxy.internal.loop.StreamConnection}, the I/O that a client connection and an upstream
 * connection are both made of. Protocols sit above it and are called through
 * {@link dev.devproxy.internal.loop.StreamConnection}'s abstract methods; nothing here calls up by name.
 *
 * <h2>Threading</h2>
 * A fixed set of loops, each one thread and one {@link java.nio.channels.Selector}. Everything registered with
 * a loop (a transport, a connection, a timer) is touched only by that loop's thread: no locks, no volatile
 * fields on the hot path. Other threads speak to a loop only through
 * {@link dev.devproxy.internal.loop.EventLoop#execute}. Loop threads never block or sleep: all socket I/O is
 * non-blocking, and the resolver answers on the asking loop. A loop that is never started serves in-memory
 * tests, the test thread standing in for it.
 *
 * <h2>Buffers</h2>
 * Socket reads go into 16 KiB direct buffers from the loop's pool. A buffer has one owner at a time: the pool,
 * a connection's inbound slot, or a queue holding views of its bytes still to be written elsewhere. A
 * connection holds an inbound buffer only while it has unconsumed bytes or views of them are queued (it is
 * then pinned: not compacted, not read into), so an idle connection holds none. Output is queued by reference;
 * only transient (scratch) buffers are copied, and only the part a flush could not write.
 */
@NullMarked
package dev.devproxy.internal.loop;

import org.jspecify.annotations.NullMarked;
