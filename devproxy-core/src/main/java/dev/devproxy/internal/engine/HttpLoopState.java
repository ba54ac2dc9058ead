package dev.devproxy.internal.engine;

import dev.devproxy.internal.echo.EchoJson;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.PlainTransport;
import dev.devproxy.internal.loop.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * What HTTP keeps per event loop, beside the loop rather than in it (the loop knows nothing of HTTP): the
 * {@code Date} cache, the scratch buffer heads are built in, the idle upstream connections, echo's writer, and
 * how upstream transports are opened. Confined to the loop's thread, like everything on it.
 */
final class HttpLoopState {
    /** Opens the transport of a new upstream connection on a loop; in-memory in unit tests. */
    @FunctionalInterface
    interface UpstreamTransports {
        Transport open(EventLoop loop) throws IOException;
    }

    final EventLoop loop;
    final HttpDate date = new HttpDate();
    /** Scratch space for building responses; valid only until the building method returns. */
    final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    /** Idle keep-alive connections to upstreams, reused by this loop's forwarding exchanges. */
    final UpstreamPool upstreams;
    final UpstreamTransports upstreamTransports;
    /** Echo's JSON writer and body pool, made on the first echo: a proxy that never echoes never pays for it. */
    private @Nullable EchoJson echoJson;

    /** @param maxIdleUpstreams the most idle upstream connections this loop keeps (see {@link UpstreamPool}) */
    HttpLoopState(EventLoop loop, int maxIdleUpstreams) {
        this(loop, maxIdleUpstreams, PlainTransport::outbound);
    }

    HttpLoopState(EventLoop loop, int maxIdleUpstreams, UpstreamTransports upstreamTransports) {
        this.loop = loop;
        this.upstreams = new UpstreamPool(maxIdleUpstreams);
        this.upstreamTransports = upstreamTransports;
    }

    /** This loop's echo writer. Loop thread only. */
    EchoJson echoJson() {
        EchoJson json = echoJson;
        if (json == null) {
            json = new EchoJson();
            echoJson = json;
        }
        return json;
    }

    /**
     * Whether {@code buffer} is scratch space of this loop ({@link #scratch}, echo's output) that the next
     * response overwrites, so that a write that cannot finish now must copy it.
     */
    boolean isScratch(ByteBuffer buffer) {
        EchoJson json = echoJson;
        return buffer == scratch || (json != null && json.isOutput(buffer));
    }
}
