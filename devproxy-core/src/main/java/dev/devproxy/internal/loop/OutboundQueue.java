package dev.devproxy.internal.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A connection's output, written then flushed, in the manner of Netty's {@code ChannelOutboundBuffer}: buffers
 * are queued in order by {@link #add} and leave on {@link #flushTo}, all of them in one gathering write (a
 * plain write when there is one). Loop thread only.
 *
 * <p>Ownership: a queued buffer is the queue's until it has been written out; its owner leaves its bytes alone
 * until the connection reports it drained. The one exception is a <em>transient</em> buffer
 * ({@link #addTransient}), scratch space its owner reuses as soon as the flush returns: what the flush leaves of
 * it is copied aside, and while the queue is blocked it is copied at once. Only those copies allocate; the
 * queue's arrays are made on first use (a connection that never answers never pays for them) and grow only if
 * a connection ever queues more than four buffers at a time (a chunk with the head before it is four).
 */
public final class OutboundQueue {
    private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];
    private static final boolean[] NO_FLAGS = new boolean[0];
    private static final int FIRST_CAPACITY = 4;

    private ByteBuffer[] buffers = NO_BUFFERS;
    /** Whether {@code buffers[i]} is transient: its rest is copied if a flush leaves any. */
    private boolean[] transients = NO_FLAGS;
    private int count;
    /** A flush left bytes: the transport can take no more until it says writable. */
    private boolean blocked;

    /** Queues {@code buffer}, which its owner leaves alone until it has been written. */
    public void add(ByteBuffer buffer) {
        if (buffer.hasRemaining()) {
            append(buffer, false);
        }
    }

    /** Queues scratch bytes whose buffer the owner reuses once the next flush returns; see the class doc. */
    public void addTransient(ByteBuffer buffer) {
        if (!buffer.hasRemaining()) {
            return;
        }
        if (blocked) {
            append(copyOf(buffer), false);
        } else {
            append(buffer, true);
        }
    }

    private void append(ByteBuffer buffer, boolean isTransient) {
        if (count == buffers.length) {
            int capacity = Math.max(FIRST_CAPACITY, count * 2);
            buffers = Arrays.copyOf(buffers, capacity);
            transients = Arrays.copyOf(transients, capacity);
        }
        buffers[count] = buffer;
        transients[count] = isTransient;
        count++;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Whether the last flush left bytes the transport could not take: writing more now would be a wasted call. */
    public boolean isBlocked() {
        return blocked;
    }

    /** The transport said writable: the next flush may write again. */
    public void unblock() {
        blocked = false;
    }

    /**
     * Writes everything queued in one call to {@code transport}, drops what left, and copies aside the rest of
     * any transient buffer. Does nothing while {@linkplain #isBlocked() blocked}.
     *
     * @return the bytes written
     */
    public long flushTo(Transport transport) throws IOException {
        if (count == 0 || blocked) {
            return 0;
        }
        long written = transport.write(buffers, 0, count);
        if (!buffers[count - 1].hasRemaining()) {
            clear(); // all of it left: the usual case, with no shifting
            return written;
        }
        int done = 0;
        while (done < count && !buffers[done].hasRemaining()) {
            done++;
        }
        if (done > 0) {
            System.arraycopy(buffers, done, buffers, 0, count - done);
            System.arraycopy(transients, done, transients, 0, count - done);
            Arrays.fill(buffers, count - done, count, null);
            count -= done;
        }
        if (count > 0) {
            blocked = true;
            for (int i = 0; i < count; i++) {
                if (transients[i]) {
                    buffers[i] = copyOf(buffers[i]);
                    transients[i] = false;
                }
            }
        }
        return written;
    }

    /** Drops everything queued, for a close. */
    public void clear() {
        Arrays.fill(buffers, 0, count, null);
        count = 0;
        blocked = false;
    }

    private static ByteBuffer copyOf(ByteBuffer buffer) {
        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
        copy.put(buffer).flip();
        return copy;
    }
}
