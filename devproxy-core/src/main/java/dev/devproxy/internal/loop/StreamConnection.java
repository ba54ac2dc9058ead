package dev.devproxy.internal.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The I/O both a client connection and an upstream connection are made of, written once: a {@link Transport},
 * an inbound pool buffer, an {@link OutboundQueue}, the interest that follows from them, and close. The
 * protocol above says what it wants through the abstract methods and gets its bytes in {@link #onInput}.
 * Confined to its loop's thread.
 *
 * <p>Inbound buffer ownership: the connection holds a buffer from its loop's {@link BufferPool} only while it
 * has unconsumed bytes, or while the protocol has {@linkplain #inputPinned() pinned} it because views of its
 * bytes are queued elsewhere; otherwise it gives it back after each read, so an idle connection holds none.
 * A pinned buffer is never compacted or read into.
 */
public abstract class StreamConnection extends Timed implements TransportHandler {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    protected final EventLoop loop;
    /** The transport; replaced only by {@link #layerTransport}, which puts a layer on top of it. */
    protected Transport transport;
    private final OutboundQueue out = new OutboundQueue();
    private @Nullable ByteBuffer in;
    private long lastWriteProgress;
    private boolean ioClosed;

    protected StreamConnection(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.transport = transport;
        transport.bind(this);
    }

    // ---- What the protocol above says ---------------------------------------------------------------------

    /** Whether to read now; {@link #inputHasRoom()} is the usual part of the answer. */
    protected abstract boolean wantsToRead();

    /** Whether views of the inbound buffer's bytes are still held elsewhere, so it must not be touched. */
    protected abstract boolean inputPinned();

    /** {@code count} new bytes (perhaps 0) arrived; {@code buffer} holds every unconsumed one, flipped. */
    protected abstract void onInput(ByteBuffer buffer, int count);

    /** The peer closed its side: no more input. */
    protected abstract void onEndOfInput();

    /** A read or write failed; the connection should close. */
    protected abstract void onIoFailed(IOException failure);

    /** The transport can take output again; the protocol typically {@linkplain #flush() flushes}. */
    protected abstract void onWritable();

    // ---- Readiness ----------------------------------------------------------------------------------------

    @Override
    public void onReady(boolean readable, boolean writable) {
        if (writable && !ioClosed) {
            out.unblock();
            onWritable();
        }
        // Re-checked: what ran above may have paused reading, and a read would compact a buffer whose bytes
        // are still queued elsewhere.
        if (readable && !ioClosed && wantsToRead()) {
            readInput();
        }
    }

    @Override
    public void onConnected() {
    }

    @Override
    public void onConnectFailed(IOException failure) {
        onIoFailed(failure);
    }

    // ---- Input --------------------------------------------------------------------------------------------

    /**
     * Reads from the transport into the inbound buffer and hands the bytes up, again while the transport holds
     * input it will not signal, and again (up to {@link #READS_PER_READINESS} reads in all) while each read
     * filled the buffer and the protocol took it all; then gives the buffer back if it is empty and sets the
     * interest.
     */
    protected final void readInput() {
        int reads = 0;
        boolean filled;
        do {
            ByteBuffer buffer = in;
            if (buffer == null) {
                buffer = loop.buffers.acquire().flip();
                in = buffer;
            }
            if (buffer.hasRemaining()) {
                buffer.compact();
            } else {
                buffer.clear(); // what compact() does to an empty buffer, without its (empty) copy and checks
            }
            int room = buffer.remaining();
            int count;
            try {
                count = transport.read(buffer);
            } catch (IOException e) {
                buffer.flip();
                onIoFailed(e);
                return;
            }
            buffer.flip();
            if (count < 0) {
                onEndOfInput();
                return;
            }
            if (count == 0 && reads > 0 && !transport.hasBufferedInput()) {
                break; // a read past a full one found nothing more: back to the selector
            }
            reads++;
            filled = count == room;
            onInput(buffer, count);
        } while (!ioClosed && wantsToRead()
                && (transport.hasBufferedInput() || (filled && reads < READS_PER_READINESS && !input().hasRemaining())));
        releaseInputIfEmpty();
        updateInterest();
    }

    /**
     * How many reads one readiness may take while each fills the buffer: a stream of a large body then costs one
     * selector wake-up per 64 KiB rather than per 16 KiB buffer (strace of a 256 MiB download through the proxy:
     * a read, a write and an epoll_wait per 16 KiB), while one busy connection still gives the loop back to the
     * others after 64 KiB.
     */
    private static final int READS_PER_READINESS = 4;

    /**
     * After the protocol resumes reading: input the transport already holds is read now, since no readiness
     * will announce it.
     */
    protected final void readBufferedInput() {
        if (!ioClosed && transport.hasBufferedInput() && wantsToRead()) {
            readInput();
        }
    }

    /** The buffer of unconsumed input; an empty one when there is none. */
    protected final ByteBuffer input() {
        ByteBuffer buffer = in;
        return buffer != null ? buffer : EMPTY;
    }

    /** Whether the inbound buffer can take more: absent, not full, or with consumed bytes to compact away. */
    protected final boolean inputHasRoom() {
        ByteBuffer buffer = in;
        return buffer == null || buffer.limit() < buffer.capacity() || buffer.position() > 0;
    }

    /** Gives the inbound buffer back to the pool when it holds nothing and is not pinned. */
    protected final void releaseInputIfEmpty() {
        ByteBuffer buffer = in;
        if (buffer != null && !buffer.hasRemaining() && !inputPinned()) {
            in = null;
            loop.buffers.release(buffer);
        }
    }

    /** Throws away unconsumed input and gives the buffer back. */
    protected final void discardInput() {
        ByteBuffer buffer = in;
        in = null;
        if (buffer != null) {
            loop.buffers.release(buffer);
        }
    }

    // ---- Output -------------------------------------------------------------------------------------------

    /** Queues {@code buffer}, to leave on the next {@link #flush()}; its owner leaves it alone until drained. */
    protected final void queue(ByteBuffer buffer) {
        out.add(buffer);
    }

    /** Queues scratch bytes, copied aside by the next flush if they cannot all leave; see {@link OutboundQueue}. */
    protected final void queueTransient(ByteBuffer buffer) {
        out.addTransient(buffer);
    }

    /**
     * Writes what is queued, in one call to the transport, unless it is still blocked from the last one; on
     * failure reports {@link #onIoFailed}. Sets the interest when bytes stay behind.
     *
     * @return true when nothing is left queued
     */
    protected final boolean flush() {
        if (ioClosed) {
            return false;
        }
        boolean wasBlocked = out.isBlocked();
        long written;
        try {
            written = out.flushTo(transport);
        } catch (IOException e) {
            onIoFailed(e);
            return false;
        }
        if (out.isEmpty() && !transport.hasPendingOutput()) {
            return true;
        }
        if (written > 0 || !wasBlocked) {
            lastWriteProgress = loop.now(); // progress, or the moment the wait for the peer began
        }
        updateInterest();
        return false;
    }

    /** Whether output is queued and not yet written. */
    public final boolean hasPendingOutput() {
        return !out.isEmpty() || transport.hasPendingOutput();
    }

    /** Whether the transport took less than was queued and has not said writable since. */
    protected final boolean isOutputBlocked() {
        return out.isBlocked();
    }

    /** When output last made progress, or began to wait; meaningful while output is pending. */
    protected final long lastWriteProgress() {
        return lastWriteProgress;
    }

    /**
     * Makes {@code layered}, a transport over the current one (TLS over the socket, once a CONNECT is answered),
     * this connection's transport from now on. Nothing may be pending either way: no output queued or held by
     * the old transport, and unconsumed input already handed to the new one or discarded.
     *
     * @throws IllegalStateException when output is pending
     */
    protected final void layerTransport(Transport layered) {
        if (hasPendingOutput()) {
            throw new IllegalStateException("output is pending on the transport being layered over");
        }
        discardInput();
        transport = layered;
        layered.bind(this);
        updateInterest();
    }

    // ---- Interest and closing -----------------------------------------------------------------------------

    /** Tells the transport what this connection waits for now: input it wants, output it has pending. */
    protected final void updateInterest() {
        if (!ioClosed) {
            transport.interest(wantsToRead(), !out.isEmpty() || transport.hasPendingOutput());
        }
    }

    protected final boolean isIoClosed() {
        return ioClosed;
    }

    /** Closes the transport, gives back the inbound buffer and drops queued output. Idempotent. */
    protected final void closeIo() {
        if (ioClosed) {
            return;
        }
        ioClosed = true;
        transport.close();
        loop.removeTimed(this);
        discardInput();
        out.clear();
    }
}
