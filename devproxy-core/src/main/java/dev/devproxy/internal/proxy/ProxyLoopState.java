package dev.devproxy.internal.proxy;

import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.PlainTransport;
import dev.devproxy.internal.loop.Transport;
import dev.devproxy.internal.tls.ClientTls;
import java.io.IOException;

/**
 * What forwarding keeps per event loop: the idle upstream connections, and how upstream transports are opened
 * (plain TCP; in-memory in unit tests). Confined to the loop's thread.
 */
public final class ProxyLoopState {
    /** Opens the transport of a new upstream connection on a loop. */
    @FunctionalInterface
    public interface UpstreamTransports {
        Transport open(EventLoop loop) throws IOException;
    }

    public final EventLoop loop;
    public final UpstreamPool upstreams;
    public final UpstreamTransports transports;
    /** How HTTPS upstreams are spoken to; shared by the loops. */
    public final ClientTls tls;

    /** @param maxIdleUpstreams the most idle upstream connections this loop keeps (see {@link UpstreamPool}) */
    public ProxyLoopState(EventLoop loop, int maxIdleUpstreams) {
        this(loop, maxIdleUpstreams, PlainTransport::outbound);
    }

    public ProxyLoopState(EventLoop loop, int maxIdleUpstreams, UpstreamTransports transports) {
        this(loop, maxIdleUpstreams, transports, ClientTls.defaults());
    }

    public ProxyLoopState(EventLoop loop, int maxIdleUpstreams, UpstreamTransports transports, ClientTls tls) {
        this.loop = loop;
        this.tls = tls;
        this.upstreams = new UpstreamPool(maxIdleUpstreams);
        this.transports = transports;
    }

    /** Closes every idle upstream connection, for shutdown. Loop thread only. */
    public void closeIdle() {
        upstreams.closeAll();
    }

    /** Idle upstream connections; for tests. Loop thread only. */
    public int idleUpstreams() {
        return upstreams.size();
    }
}
