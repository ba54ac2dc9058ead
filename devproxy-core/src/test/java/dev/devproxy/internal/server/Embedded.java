package dev.devproxy.internal.server;

import dev.devproxy.Config;
import dev.devproxy.Router;
import dev.devproxy.internal.exchange.HttpLoopState;
import dev.devproxy.internal.exchange.ServerContext;
import dev.devproxy.internal.loop.EngineClock;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.MemoryTransport;
import dev.devproxy.internal.loop.Transport;
import dev.devproxy.internal.metrics.BuiltInMetrics;
import dev.devproxy.internal.proxy.ProxyLoopState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An engine with no socket and no thread, for unit tests of connection and exchange logic: one event loop that
 * is never started, a manual clock, and in-memory transports for the client and for each upstream connection.
 * {@link #run()} plays the selector: it signals every transport that is ready and runs the loop's tasks and
 * timers, until nothing is left to do.
 */
final class Embedded implements AutoCloseable {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final EngineClock clock = nanos::get;
    final EventLoop loop = new EventLoop("embedded", clock, 1_000_000L);
    final BuiltInMetrics metrics = new BuiltInMetrics();
    final ServerContext context;
    final HttpLoopState http;
    final ProxyLoopState proxy;
    final ServerLoop serverLoop;
    /** The upstream connections' transports, in the order they were opened. */
    final List<MemoryTransport> upstreams = new ArrayList<>();
    private final List<MemoryTransport> clients = new ArrayList<>();
    private final Function<MemoryTransport, Transport> upstreamLayer;
    int openClients;

    Embedded(Config config, Router router) {
        this(config, router, socket -> socket);
    }

    /** @param upstreamLayer wraps each upstream's in-memory socket, to put another transport on top of it */
    Embedded(Config config, Router router, Function<MemoryTransport, Transport> upstreamLayer) {
        this.context = new ServerContext(config, router, metrics, metrics, null, clock);
        this.upstreamLayer = upstreamLayer;
        this.http = new HttpLoopState(loop);
        this.proxy = new ProxyLoopState(loop, 16, this::openUpstream);
        this.serverLoop = new ServerLoop(loop, http, proxy);
    }

    private Transport openUpstream(EventLoop on) throws IOException {
        MemoryTransport socket = new MemoryTransport();
        upstreams.add(socket);
        return upstreamLayer.apply(socket);
    }

    /** A client connection on a fresh in-memory transport, which is returned to play the client. */
    MemoryTransport connectClient() {
        MemoryTransport socket = new MemoryTransport();
        connectClient(socket, socket);
        return socket;
    }

    /** A client connection on {@code transport}, whose socket side is {@code socket}. */
    ClientConnection connectClient(Transport transport, MemoryTransport socket) {
        clients.add(socket);
        openClients++;
        return ClientConnection.open(transport, serverLoop, context, () -> openClients--);
    }

    /** Signals ready transports and runs tasks until none has anything to do; a bound guards against a livelock. */
    void run() {
        for (int round = 0; round < 10_000; round++) {
            loop.runPending();
            boolean progress = false;
            for (MemoryTransport client : List.copyOf(clients)) {
                progress |= client.pump();
            }
            for (MemoryTransport upstream : List.copyOf(upstreams)) {
                progress |= upstream.pump();
            }
            if (!progress) {
                loop.runPending();
                return;
            }
        }
        throw new AssertionError("the embedded engine never went quiet");
    }

    /** Moves the clock on and runs what became due. */
    void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
        run();
    }

    MemoryTransport upstream(int index) {
        return upstreams.get(index);
    }

    @Override
    public void close() throws IOException {
        loop.selector().close();
    }
}
