package dev.devproxy.internal.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The byte stream to an upstream. Forwarding speaks only to this, so TLS can be added as another
 * implementation (wrapping an {@code SSLEngine}) without touching the forwarding logic.
 */
interface UpstreamTransport {
    /** Reads what is available into {@code dst}; -1 at end of stream. Never blocks. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes what it can of {@code srcs} in order; returns the bytes written. Never blocks. */
    long write(ByteBuffer[] srcs) throws IOException;

    /** Plain TCP. */
    static UpstreamTransport plain(SocketChannel channel) {
        return new UpstreamTransport() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return channel.read(dst);
            }

            @Override
            public long write(ByteBuffer[] srcs) throws IOException {
                return channel.write(srcs);
            }
        };
    }
}
