package dev.devproxy.internal.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The byte stream under one connection, client or upstream: the layer between the socket and the protocol.
 * A connection sits on exactly one transport, binds itself as its {@link TransportHandler}, and from then on
 * speaks to the network only through it. Plain TCP is {@link PlainTransport}; an in-memory one drives
 * connection logic in unit tests; TLS is another implementation of the same contract. Confined to the thread
 * of the loop the connection lives on; no method blocks.
 *
 * <p>The contract is written for a transport that is not a plain pipe, such as TLS:
 * <ul>
 *   <li>The connection says what it waits for, in its own terms, with {@link #interest}; the transport maps that
 *       onto the socket. It may have to read in order to write (a handshake waiting for the peer's reply) or
 *       write in order to read, and then waits on what it needs itself and reports readiness to its handler in
 *       the connection's terms, once it can actually deliver or take application bytes.</li>
 *   <li>{@link #read} and {@link #write} move application bytes. Either may move none while the transport does
 *       work of its own (a read that only consumed handshake bytes returns 0, a write that cannot go out before
 *       the handshake ends takes 0); that is not an error, and the handler hears again when it can.</li>
 *   <li>A transport may hold input it has already taken from the socket but not yet handed up (a decrypted
 *       record larger than the caller's buffer). {@link #hasBufferedInput} says so; the socket will not signal
 *       those bytes, so the connection reads again while it says true and it wants input.</li>
 *   <li>A short write means the transport can take no more now; the handler hears {@code writable} when it can.</li>
 * </ul>
 */
public interface Transport {
    /** Makes {@code handler} the one this transport reports to; called once, by the connection, before any I/O. */
    void bind(TransportHandler handler);

    /**
     * Starts connecting an outbound transport to {@code remote}.
     *
     * @return true when connected at once; otherwise the handler hears {@link TransportHandler#onConnected} or
     *     {@link TransportHandler#onConnectFailed}
     */
    boolean connect(InetSocketAddress remote) throws IOException;

    /** Reads application bytes into {@code dst}: how many, 0 for none now, -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes what it can now of {@code srcs[offset, offset + length)} in order; returns the bytes taken. */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Whether output the transport has taken is still held, not yet on the socket (encrypted records a short
     * socket write left). The connection counts it as its own pending output: it waits for {@code writable}
     * before it calls its output done, shuts it down or lingers. A plain pipe holds none.
     */
    default boolean hasPendingOutput() {
        return false;
    }

    /** Whether input is held that the socket will not signal again: read while this is true. */
    boolean hasBufferedInput();

    /** What the connection waits for; the transport waits for whatever that takes, and reports it. */
    void interest(boolean read, boolean write);

    /** Half-closes: no more output; input goes on. */
    void shutdownOutput() throws IOException;

    /** Makes the coming {@link #close} a reset (TCP RST) rather than an orderly close, where it can. */
    void resetOnClose();

    /** Closes at once, releasing what the transport holds. Idempotent. */
    void close();

    /** The peer's address, or null when unknown. */
    @Nullable InetSocketAddress remoteAddress();
}
