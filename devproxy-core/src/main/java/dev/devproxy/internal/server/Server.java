package dev.devproxy.internal.server;

import dev.devproxy.Config;
import dev.devproxy.MetricsSink;
import dev.devproxy.Router;
import dev.devproxy.internal.exchange.HttpLoopState;
import dev.devproxy.internal.exchange.RequestRecorder;
import dev.devproxy.internal.exchange.ServerContext;
import dev.devproxy.internal.loop.EngineClock;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.metrics.BuiltInMetrics;
import dev.devproxy.internal.metrics.GuardedMetricsSink;
import dev.devproxy.internal.proxy.ProxyLoopState;
import dev.devproxy.internal.tls.ClientTls;
import dev.devproxy.internal.tls.ServerTls;
import dev.devproxy.internal.tls.TlsSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** A running engine: the loops, the acceptor and their shared context. Created started; closed once. */
public final class Server {
    /** The kernel caps the accept backlog at net.core.somaxconn; asking for more is harmless. */
    private static final int MIN_BACKLOG = 1024;

    private final ServerContext context;
    private final ServerLoop[] loops;
    private final Acceptor acceptor;
    private final InetSocketAddress address;
    /** The HTTPS listener, when configured: its own acceptor, so its connection cap is its own. */
    private final @Nullable Acceptor tlsAcceptor;
    private final @Nullable InetSocketAddress tlsAddress;
    private final @Nullable ServerTls tls;
    /**
     * The admin API's listener, when configured: its own acceptor and its own context, whose router is the
     * admin router, with no journal and metrics of its own, so admin requests never reach the stubs, the
     * journal or the proxy's metrics, and share only the loops with the traffic.
     */
    private final @Nullable Acceptor adminAcceptor;
    private final @Nullable ServerContext adminContext;
    private final @Nullable InetSocketAddress adminAddress;
    private final @Nullable Interception interception;
    private boolean closed;

    private Server(ServerContext context, ServerLoop[] loops, Acceptor acceptor, InetSocketAddress address,
            @Nullable Acceptor tlsAcceptor, @Nullable InetSocketAddress tlsAddress, @Nullable ServerTls tls,
            @Nullable Acceptor adminAcceptor, @Nullable ServerContext adminContext,
            @Nullable InetSocketAddress adminAddress, @Nullable Interception interception) {
        this.adminAcceptor = adminAcceptor;
        this.adminContext = adminContext;
        this.adminAddress = adminAddress;
        this.context = context;
        this.loops = loops;
        this.acceptor = acceptor;
        this.address = address;
        this.tlsAcceptor = tlsAcceptor;
        this.tlsAddress = tlsAddress;
        this.tls = tls;
        this.interception = interception;
    }

    /**
     * Binds and starts the loops; returns once the socket accepts connections.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static Server start(Config config, Router router, List<MetricsSink> userSinks,
            @Nullable RequestRecorder recorder, EngineClock clock) {
        return start(config, router, userSinks, recorder, clock, TlsSetup.defaults(), null);
    }

    /**
     * Binds and starts the loops, with the TLS options of {@code tls} (upstreams, client certificates), and
     * forward-proxied requests having to carry {@code proxyAuthorization} when it is not null; returns once the
     * socket accepts connections.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static Server start(Config config, Router router, List<MetricsSink> userSinks,
            @Nullable RequestRecorder recorder, EngineClock clock, TlsSetup tlsSetup,
            @Nullable String proxyAuthorization) {
        return start(config, router, userSinks, recorder, clock, tlsSetup, proxyAuthorization, null, null);
    }

    /**
     * {@link #start(Config, Router, List, RequestRecorder, EngineClock, TlsSetup, String)}, with the admin API's
     * listener answered by {@code adminRouter} when the configuration asks for one and it is not null, and the
     * CONNECTs {@code interception} names intercepted when it is not null; the server closes it when it closes.
     *
     * @throws UncheckedIOException when an address cannot be bound
     */
    public static Server start(Config config, Router router, List<MetricsSink> userSinks,
            @Nullable RequestRecorder recorder, EngineClock clock, TlsSetup tlsSetup,
            @Nullable String proxyAuthorization, @Nullable Router adminRouter, @Nullable Interception interception) {
        ClientTls upstreamTls = tlsSetup.upstream();
        if (config.upstream().tls() || interception != null) {
            upstreamTls.prepare(); // the trust store is read now, not on a loop by the first request
        }
        BuiltInMetrics builtIn = new BuiltInMetrics();
        List<MetricsSink> sinks = new ArrayList<>();
        sinks.add(builtIn);
        sinks.addAll(userSinks);
        MetricsSink sink = userSinks.isEmpty() ? builtIn : new GuardedMetricsSink(sinks);
        ServerContext context = new ServerContext(config, router, sink, builtIn, recorder, clock, proxyAuthorization);

        ServerLoop[] loops = new ServerLoop[config.ioThreads()];
        long scanInterval = scanIntervalNanos(config);
        for (int i = 0; i < loops.length; i++) {
            // A loop never has more upstream connections in use than clients: see UpstreamPool for the cap.
            EventLoop loop = new EventLoop("devproxy-loop-" + i, clock, scanInterval);
            loops[i] = new ServerLoop(loop, new HttpLoopState(loop), new ProxyLoopState(loop, config.maxConnections(),
                    dev.devproxy.internal.loop.PlainTransport::outbound, upstreamTls), interception);
        }
        // Made before anything is bound: a keystore that cannot be read fails the start with nothing to undo.
        ServerTls tls = config.hasTlsListener() ? ServerTls.from(config, tlsSetup) : null;
        ServerSocketChannel channel = null;
        ServerSocketChannel tlsChannel = null;
        ServerSocketChannel adminChannel = null;
        String bindingHost = config.host();
        int binding = config.port();
        try {
            channel = bind(config, config.port());
            Acceptor acceptor = new Acceptor(channel, loops, context, ClientConnection.Layer.NONE);
            InetSocketAddress bound = acceptor.localAddress();
            Acceptor tlsAcceptor = null;
            InetSocketAddress tlsBound = null;
            if (tls != null) {
                binding = config.tlsPort();
                tlsChannel = bind(config, config.tlsPort());
                tlsAcceptor = new Acceptor(tlsChannel, loops, context, tls::layer);
                tlsBound = tlsAcceptor.localAddress();
            }
            Acceptor adminAcceptor = null;
            ServerContext adminContext = null;
            InetSocketAddress adminBound = null;
            if (adminRouter != null && config.hasAdminListener()) {
                bindingHost = config.adminHost();
                binding = config.adminPort();
                Config adminConfig = adminConfig(config);
                BuiltInMetrics adminMetrics = new BuiltInMetrics(); // counted apart, shown nowhere
                adminContext = new ServerContext(adminConfig, adminRouter, adminMetrics, adminMetrics, null, clock,
                        null, "the admin API's own limit, not a setting");
                adminChannel = ServerSocketChannel.open();
                adminChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                adminChannel.bind(new InetSocketAddress(config.adminHost(), config.adminPort()), ADMIN_BACKLOG);
                adminAcceptor = new Acceptor(adminChannel, loops, adminContext, ClientConnection.Layer.NONE);
                adminBound = adminAcceptor.localAddress();
            }
            for (ServerLoop loop : loops) {
                loop.loop.start();
            }
            if (logsLifecycle()) {
                LogHolder.LOG.log(Level.DEBUG, () -> listeningLine(bound, config));
            }
            return new Server(context, loops, acceptor, bound, tlsAcceptor, tlsBound, tls, adminAcceptor, adminContext,
                    adminBound, interception);
        } catch (IOException e) {
            if (interception != null) {
                interception.close();
            }
            for (ServerSocketChannel opened : new ServerSocketChannel[] {channel, tlsChannel, adminChannel}) {
                if (opened != null) {
                    try {
                        opened.close();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
            }
            for (ServerLoop loop : loops) {
                try {
                    loop.loop.selector().close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("cannot listen on " + bindingHost + ":" + binding, e);
        }
    }

    /** The admin API's largest request body: a stub with a large response body fits, a flood does not. */
    public static final long ADMIN_MAX_BODY_BYTES = 1024 * 1024;
    /** The admin API's connection cap: a few scripts and test JVMs, never the traffic's share of the loops. */
    static final int ADMIN_MAX_CONNECTIONS = 64;
    private static final int ADMIN_BACKLOG = 64;

    /**
     * The settings the admin listener's connections run with: the proxy's timeouts and head limits, a body
     * limit of {@link #ADMIN_MAX_BODY_BYTES} (413 beyond), a small connection cap, no forward proxying (an
     * absolute-form or CONNECT request is not proxied from the admin port) and no access log.
     */
    static Config adminConfig(Config config) {
        return config.toBuilder().maxBodySize(ADMIN_MAX_BODY_BYTES).maxConnections(ADMIN_MAX_CONNECTIONS)
                .forwardProxy(false).accessLog(false).build();
    }

    private static ServerSocketChannel bind(Config config, int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(config.host(), port), Math.max(MIN_BACKLOG, config.maxConnections()));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * What the standalone proxy prints for its HTTPS listener: {@code DevProxy listening on
     * https://127.0.0.1:8443 (certificate to trust: /tmp/devproxy.pem)}.
     */
    public static String tlsListeningLine(InetSocketAddress bound, java.nio.file.@Nullable Path certificateFile) {
        return "DevProxy listening on https://" + hostForUri(bound) + ":" + bound.getPort()
                + (certificateFile != null ? " (certificate to trust: " + certificateFile + ")"
                        : " (TLS_CERT_FILE unset: certificate not written)");
    }

    /**
     * What the standalone proxy prints when it intercepts: {@code DevProxy intercepts HTTPS to localhost,*.test
     * (CA certificate to trust: /tmp/ca.pem)}.
     */
    public static String interceptionLine(Config config) {
        java.nio.file.Path caFile = config.interceptCaFile();
        return "DevProxy intercepts HTTPS to " + config.interceptHosts()
                + (caFile != null ? " (CA certificate to trust: " + caFile + ")"
                        : " (INTERCEPT_CA_FILE unset: CA certificate not written)");
    }

    /**
     * What the standalone proxy prints once it listens, and what {@link #start} logs: {@code DevProxy listening
     * on http://127.0.0.1:8889 (2 event loops, at most 1000 connections)}.
     *
     * @param bound the bound address
     * @param config the settings it was started with
     * @return the line, without a line separator
     */
    public static String listeningLine(InetSocketAddress bound, Config config) {
        return "DevProxy listening on http://" + hostForUri(bound) + ":" + bound.getPort() + " (" + config.ioThreads()
                + " event loops, at most " + config.maxConnections() + " connections)";
    }

    /**
     * Whether the listening and stopped lines are logged (at DEBUG, on logger {@code dev.devproxy}): only when
     * the JVM was given a {@code java.util.logging} configuration, the one way those lines could show at
     * start-up. Looking a logger up initialises the logging backend: 6 ms of a fresh JVM whose logging is
     * already in use, 25 to 30 ms of one whose is not, measured, paid on every start for a line the default
     * configuration (INFO) would not print. With another backend behind {@code System.Logger}, these two lines
     * are not logged; {@link #address()} says where the proxy listens.
     */
    private static boolean logsLifecycle() {
        return System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null;
    }

    /** Looks the logger up on first use, not when the class is loaded: see {@link #logsLifecycle()}. */
    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger("dev.devproxy");
    }

    /** A scan often enough to honour the shortest timeout to within about a tenth of it. */
    private static long scanIntervalNanos(Config config) {
        long shortest = Math.min(Math.min(config.requestLineTimeout().toNanos(), config.headerTimeout().toNanos()),
                Math.min(config.writeTimeout().toNanos(), Math.min(config.keepAliveTimeout().toNanos(),
                        Math.min(config.upstreamConnectTimeout().toNanos(), config.upstreamTimeout().toNanos()))));
        shortest = Math.min(shortest, config.bodyTimeout().toNanos());
        return Math.max(5_000_000L, Math.min(250_000_000L, shortest / 10));
    }

    public static String hostForUri(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return address;
    }

    /** The HTTPS listener's bound address, or null without one. */
    public @Nullable InetSocketAddress tlsAddress() {
        return tlsAddress;
    }

    /** The admin API's bound address, or null without one. */
    public @Nullable InetSocketAddress adminAddress() {
        return adminAddress;
    }

    /** The HTTPS listener's TLS, or null without one. */
    public @Nullable ServerTls tls() {
        return tls;
    }

    /** HTTPS interception, or null when nothing is intercepted. */
    public @Nullable Interception interception() {
        return interception;
    }

    /** The built-in metrics. */
    public BuiltInMetrics metrics() {
        return context.builtIn;
    }

    /** Client connections open now. */
    public int openConnections() {
        Acceptor secure = tlsAcceptor;
        return acceptor.openConnections() + (secure != null ? secure.openConnections() : 0);
    }

    /** Pool buffers acquired and not released, summed over the loops (asks each loop; for leak tests). */
    public int pooledBuffersInUse() {
        int total = 0;
        for (ServerLoop state : loops) {
            EventLoop loop = state.loop;
            CompletableFuture<Integer> count = new CompletableFuture<>();
            loop.execute(() -> count.complete(loop.buffers.inUse()));
            try {
                total += count.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            } catch (ExecutionException | TimeoutException e) {
                return -1;
            }
        }
        return total;
    }

    /**
     * Returns once every loop has been through a whole turn, selecting included, since this was called: whatever
     * was ready at the call (bytes a client had sent, on loopback already queued at the server socket) has been
     * handled. One task would not do: a loop busy when the task arrives runs it at the end of that turn, before
     * selecting again. So the task, on the loop, posts a second one, which runs only after the next select.
     * For tests; false when a loop did not answer within 5 s.
     */
    public boolean awaitLoopTurns() {
        for (ServerLoop state : loops) {
            EventLoop loop = state.loop;
            CompletableFuture<Void> turned = new CompletableFuture<>();
            loop.execute(() -> loop.execute(() -> turned.complete(null)));
            try {
                turned.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops accepting, lets requests in flight finish within the shutdown grace, then closes every connection
     * and joins the loop threads. Idempotent; may be called from any thread but a loop's.
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.draining = true;
        loops[0].loop.execute(acceptor::stopAccepting);
        Acceptor secure = tlsAcceptor;
        if (secure != null) {
            loops[0].loop.execute(secure::stopAccepting);
        }
        Acceptor admin = adminAcceptor;
        ServerContext adminShared = adminContext;
        if (admin != null && adminShared != null) {
            adminShared.draining = true;
            loops[0].loop.execute(admin::stopAccepting);
        }
        for (ServerLoop state : loops) {
            state.loop.execute(() -> {
                ClientConnection.closeIdle(state.loop);
                state.proxy.closeIdle();
            });
        }
        try {
            long graceEnd = System.nanoTime() + context.config.shutdownGrace().toNanos();
            acceptor.awaitNoConnections(context.config.shutdownGrace().toNanos());
            if (secure != null) {
                secure.awaitNoConnections(Math.max(0, graceEnd - System.nanoTime()));
            }
            if (admin != null) {
                admin.awaitNoConnections(Math.max(0, graceEnd - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.resolver.close();
        if (adminShared != null) {
            adminShared.resolver.close();
        }
        if (interception != null) {
            interception.close();
        }
        for (ServerLoop loop : loops) {
            try {
                loop.loop.stopAndJoin(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (logsLifecycle()) {
            LogHolder.LOG.log(Level.DEBUG, () -> "DevProxy on port " + address.getPort() + " stopped");
        }
    }
}
