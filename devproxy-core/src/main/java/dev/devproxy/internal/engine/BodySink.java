package dev.devproxy.internal.engine;

import java.nio.ByteBuffer;

/** Where a {@link BodyFramer} queues a body's bytes: a connection's outbound queue, flushed by the caller. */
interface BodySink {
    /** Queues {@code buffer} after what is queued; the caller leaves it alone until the sink has drained. */
    void send(ByteBuffer buffer);
}
