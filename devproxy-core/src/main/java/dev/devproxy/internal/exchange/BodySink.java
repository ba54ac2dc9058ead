package dev.devproxy.internal.exchange;

import java.nio.ByteBuffer;

/** Where a body framer queues a body's bytes: a connection's outbound queue, flushed by the caller. */
public interface BodySink {
    /** Queues {@code buffer} after what is queued; the caller leaves it alone until the sink has drained. */
    void send(ByteBuffer buffer);
}
