package dev.devproxy.internal.server;

import dev.devproxy.internal.exchange.ServerContext;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.IoHandler;
import dev.devproxy.internal.loop.ScheduledTask;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts client connections on loop 0 and deals them out to the loops, round-robin, within the cap.
 *
 * <p>At {@code maxConnections} open connections it stops asking for {@code OP_ACCEPT}, so further clients
 * queue in the kernel's backlog instead of being reset; any loop that closes a connection asks loop 0 to
 * resume. The re-check after pausing closes the race with a close that happened just before the pause.
 *
 * <p>A flat cap alone loses to slowloris: an attacker who keeps every slot busy with requests that never
 * finish keeps honest clients in the backlog while every timeout works as written. So while accepting is
 * paused, the acceptor asks every loop, every {@value #SHED_INTERVAL_MILLIS} ms, to shed connections that have
 * done nothing useful for at least {@value #SHED_MIN_AGE_MILLIS} ms: idle persistent connections first, then,
 * oldest stall first, requests whose head is still incomplete, bodies arriving below the minimum body rate, and
 * responses whose client has not let a byte be written for {@value #SHED_MIN_WRITE_STALL_MILLIS} ms (see
 * {@link Shedder}). A client that sends its request promptly and reads its response is never
 * shed, so it finds a slot within about a shedding interval.
 */
final class Acceptor implements IoHandler, ClientConnection.ClientSlots {
    private final ServerSocketChannel server;
    private final EventLoop home;
    private final ServerLoop[] loops;
    private final ServerContext context;
    private final ClientConnection.Layer layer;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final SelectionKey key;
    private final int shedQuotaPerLoop;
    private int nextLoop;
    /** Set by {@link #awaitNoConnections}; counted down by the close that leaves no connection open. */
    private volatile @org.jspecify.annotations.Nullable CountDownLatch drained;
    private @org.jspecify.annotations.Nullable ScheduledTask shedding;

    static final long SHED_INTERVAL_MILLIS = 200;
    static final long SHED_MIN_AGE_MILLIS = 1000;
    static final long SHED_MIN_WRITE_STALL_MILLIS = 3000;

    /** @param layer what each accepted socket's transport gets on top: nothing for HTTP, TLS for HTTPS */
    Acceptor(ServerSocketChannel server, ServerLoop[] loops, ServerContext context, ClientConnection.Layer layer)
            throws IOException {
        this.server = server;
        this.layer = layer;
        this.home = loops[0].loop;
        this.loops = loops;
        this.context = context;
        this.maxConnections = context.config.maxConnections();
        // Shed a tenth of the cap per round, spread over the loops, so a flood is turned over in a few rounds.
        this.shedQuotaPerLoop = Math.max(1, maxConnections / 10 / loops.length);
        server.configureBlocking(false);
        this.key = server.register(home.selector(), SelectionKey.OP_ACCEPT, this);
    }

    /** Client connections open now, across all loops. */
    int openConnections() {
        return open.get();
    }

    @Override
    public void onReady(SelectionKey readyKey) {
        while (!paused.get()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                // Typically EMFILE: out of file descriptors. Back off until a connection closes.
                context.warn("accept failed: " + e.getMessage());
                pause();
                return;
            }
            if (channel == null) {
                return;
            }
            if (open.incrementAndGet() >= maxConnections) {
                pause();
            }
            handOut(channel);
        }
    }

    private void handOut(SocketChannel channel) {
        ServerLoop loop = loops[nextLoop];
        nextLoop = (nextLoop + 1) % loops.length;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            closeQuietly(channel);
            connectionClosed();
            return;
        }
        if (loop.loop == home) {
            ClientConnection.open(channel, loop, context, this, layer);
        } else {
            loop.loop.execute(() -> ClientConnection.open(channel, loop, context, this, layer));
        }
    }

    private void pause() {
        paused.set(true);
        key.interestOps(0);
        if (open.get() < maxConnections) {
            resume();
        } else if (shedding == null) {
            shedding = home.schedule(SHED_INTERVAL_MILLIS * 1_000_000L, this::shedRound);
        }
    }

    /**
     * One shedding round, every {@value #SHED_INTERVAL_MILLIS} ms for as long as accepting stays paused: asks
     * every loop to shed idle and stalled connections. One timer, so rounds never pile up.
     */
    private void shedRound() {
        shedding = null;
        if (!paused.get() || !server.isOpen()) {
            return;
        }
        long olderThan = home.now() - SHED_MIN_AGE_MILLIS * 1_000_000L;
        long writeStalledBefore = home.now() - SHED_MIN_WRITE_STALL_MILLIS * 1_000_000L;
        for (ServerLoop state : loops) {
            EventLoop loop = state.loop;
            loop.execute(() -> Shedder.shed(loop, shedQuotaPerLoop, olderThan, writeStalledBefore, this));
        }
        shedding = home.schedule(SHED_INTERVAL_MILLIS * 1_000_000L, this::shedRound);
    }

    private void resume() {
        if (server.isOpen() && open.get() < maxConnections && paused.compareAndSet(true, false)) {
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** Called from any loop when a client connection has closed. */
    @Override
    public void connectionClosed() {
        if (open.decrementAndGet() == 0) {
            CountDownLatch waiting = drained;
            if (waiting != null) {
                waiting.countDown(); // never blocks: a compare-and-set, and an unpark of the closing thread
            }
        }
        if (paused.get()) {
            home.execute(this::resume);
        }
    }

    /**
     * Waits until no client connection is open, at most {@code timeoutNanos}; for {@code close()}, never on a
     * loop's thread. A handoff rather than polling, so that a proxy whose connections close at once stops at
     * once, not at the next poll.
     *
     * @return whether no connection was open in time
     */
    boolean awaitNoConnections(long timeoutNanos) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        drained = latch;
        // Read after the latch is published: a close that reached 0 before it was set is seen here, a later one
        // counts it down (both are volatile accesses, so one of the two sees the other).
        if (open.get() == 0) {
            return true;
        }
        return latch.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Stops accepting for good; the bound port is released. Loop 0's thread only. */
    void stopAccepting() {
        paused.set(true);
        key.cancel();
        closeQuietly(server);
    }

    @Override
    public void forceClose() {
        stopAccepting();
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LogHolder.LOG.log(Level.DEBUG, "closing a channel failed", e);
        }
    }

    /** The logger, looked up on first use: see {@code ServerContext.LogHolder}. */
    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    }
}
