package dev.devproxy.internal.loop;

import java.nio.ByteBuffer;

/**
 * Fixed-size direct buffers for one event loop's socket reads. Confined to that loop's thread: no locks.
 *
 * <p>Ownership: a buffer taken with {@link #acquire()} belongs to the caller until it hands it back with
 * {@link #release}, exactly once. The pool keeps at most {@code maxIdle} free buffers and leaves the rest to
 * the garbage collector; it cannot tell a foreign or doubly released buffer from its own, and does not try
 * (imperfect enforcement is less code), but {@link #inUse()} lets tests catch leaks.
 */
public final class BufferPool {
    /** The size of every pooled buffer: large enough for a typical head and a good socket read. */
    public static final int BUFFER_SIZE = 16 * 1024;

    private final ByteBuffer[] idle;
    private final int size;
    private final boolean direct;
    private int idleCount;
    private int inUse;

    /** A pool of {@link #BUFFER_SIZE}-byte buffers keeping at most {@code maxIdle} free. */
    public BufferPool(int maxIdle) {
        this(maxIdle, BUFFER_SIZE);
    }

    /** A pool of {@code size}-byte buffers keeping at most {@code maxIdle} free. */
    public BufferPool(int maxIdle, int size) {
        this(maxIdle, size, true);
    }

    /**
     * A pool of {@code size}-byte buffers keeping at most {@code maxIdle} free, direct or on the heap.
     *
     * @param direct whether the buffers are direct (for socket reads) or on the heap (for work the JDK does
     *     faster on arrays, such as {@code SSLEngine}'s encryption)
     */
    public BufferPool(int maxIdle, int size, boolean direct) {
        this.idle = new ByteBuffer[maxIdle];
        this.size = size;
        this.direct = direct;
    }

    /** The size of this pool's buffers. */
    public int bufferSize() {
        return size;
    }

    /** A cleared buffer of {@link #bufferSize()} bytes, owned by the caller until released. */
    public ByteBuffer acquire() {
        inUse++;
        if (idleCount > 0) {
            ByteBuffer buffer = idle[--idleCount];
            idle[idleCount] = null;
            return buffer.clear();
        }
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    /** Takes back a buffer from {@link #acquire()}; the caller must not touch it again. */
    public void release(ByteBuffer buffer) {
        inUse--;
        if (idleCount < idle.length) {
            idle[idleCount++] = buffer;
        }
    }

    /** Buffers acquired and not yet released. Read on the loop's thread. */
    public int inUse() {
        return inUse;
    }
}
