package dev.devproxy;

import dev.devproxy.internal.engine.EngineClock;
import dev.devproxy.internal.engine.Server;
import dev.devproxy.parser.ParserLimits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 proxy: echo, forward, stub and measure. Configure with {@link #builder()}, then {@link #start()}.
 *
 * <pre>{@code
 * try (DevProxy proxy = DevProxy.builder().port(0).upstream(Upstream.of("localhost", 8080)).build().start()) {
 *     URI echo = proxy.baseUri().resolve("/anything");      // answers with a JSON description of the request
 *     URI api = proxy.baseUri().resolve("/proxy/api/users"); // forwarded to http://localhost:8080/api/users
 * }
 * }</pre>
 *
 * <p>Thread-safe once built. {@link #close()} stops accepting, lets requests in flight finish within the
 * shutdown grace, then closes every connection and joins its threads.
 */
public final class DevProxy implements AutoCloseable {
    private final Config config;
    private final Router router;
    private final List<MetricsSink> sinks;
    private final EngineClock clock;
    private @Nullable Server server;
    private boolean closed;

    private DevProxy(Builder builder) {
        this.config = builder.config.build();
        this.router = builder.router != null ? builder.router : Router.standard(config.upstream());
        this.sinks = List.copyOf(builder.sinks);
        this.clock = builder.clock;
    }

    /** A builder with every setting at its default (see {@link Config}). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts serving; returns once connections are accepted.
     *
     * @return this proxy
     * @throws IllegalStateException when already started or closed
     * @throws java.io.UncheckedIOException when the address cannot be bound
     */
    public synchronized DevProxy start() {
        if (server != null || closed) {
            throw new IllegalStateException(closed ? "this proxy was closed; build a new one" : "already started");
        }
        server = Server.start(config, router, sinks, null, clock);
        return this;
    }

    /** The configuration this proxy runs with. */
    public Config config() {
        return config;
    }

    /** The bound port (the real one when configured with port 0). @throws IllegalStateException before start */
    public int port() {
        return running().address().getPort();
    }

    /** The bound address. @throws IllegalStateException before start */
    public InetSocketAddress address() {
        return running().address();
    }

    /** {@code http://host:port/} of the bound address. @throws IllegalStateException before start */
    public URI baseUri() {
        InetSocketAddress address = running().address();
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + address.getPort() + "/");
    }

    /** The built-in metrics' totals now. @throws IllegalStateException before start */
    public MetricsSnapshot metrics() {
        return running().metrics().snapshot();
    }

    /** The built-in metrics as served at {@code /metrics}. @throws IllegalStateException before start */
    public String metricsText() {
        return running().metrics().renderPrometheus();
    }

    /** Client connections open now. @throws IllegalStateException before start */
    public int openConnections() {
        return running().openConnections();
    }

    /**
     * Stops the proxy: stops accepting, lets requests in flight finish within {@link Config#shutdownGrace()},
     * then closes every connection and joins the event-loop threads. Idempotent.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            server.close();
        }
    }

    /** The engine, for tests in this module. */
    synchronized Server server() {
        return running();
    }

    private synchronized Server running() {
        if (server == null) {
            throw new IllegalStateException("not started: call start() first");
        }
        return server;
    }

    /**
     * Configures a {@link DevProxy}. Not thread-safe; {@link #build()} returns a proxy that no later change
     * to the builder affects. Every setting starts at its default, documented on {@link Config}.
     */
    public static final class Builder {
        private Config.Builder config = Config.builder();
        private @Nullable Router router;
        private final List<MetricsSink> sinks = new ArrayList<>();
        private EngineClock clock = EngineClock.SYSTEM;

        private Builder() {
        }

        /** Replaces every setting with those of {@code config}. */
        public Builder config(Config config) { this.config = config.toBuilder(); return this; }

        /** The address to bind, default 127.0.0.1. */
        public Builder host(String host) { config.host(host); return this; }

        /** The port to bind, default 8889; 0 picks a free port, read back with {@link DevProxy#port()}. */
        public Builder port(int port) { config.port(port); return this; }

        /** Where the standard router forwards {@code /proxy/*}, default localhost:3001. */
        public Builder upstream(Upstream upstream) { config.upstream(upstream); return this; }

        /** Most client connections open at once, default 1000; more wait in the accept backlog. */
        public Builder maxConnections(int maxConnections) { config.maxConnections(maxConnections); return this; }

        /** The request parser's limits, default {@link ParserLimits#defaults()}. */
        public Builder limits(ParserLimits limits) { config.limits(limits); return this; }

        /** Time to receive the request line, default 5 s; 408 beyond. */
        public Builder requestLineTimeout(Duration timeout) { config.requestLineTimeout(timeout); return this; }

        /** Time to receive the header section after the request line, default 10 s; 408 beyond. */
        public Builder headerTimeout(Duration timeout) { config.headerTimeout(timeout); return this; }

        /** Time to receive the body after the head, default 30 s; 408 beyond. */
        public Builder bodyTimeout(Duration timeout) { config.bodyTimeout(timeout); return this; }

        /** Bytes a second that earn a body one more second beyond the body timeout, default 500; 0 for none. */
        public Builder minBodyRate(long bytesPerSecond) { config.minBodyRate(bytesPerSecond); return this; }

        /** How long an idle persistent connection is kept, default 30 s. */
        public Builder keepAliveTimeout(Duration timeout) { config.keepAliveTimeout(timeout); return this; }

        /** How long a response write may make no progress before the client is cut off, default 30 s. */
        public Builder writeTimeout(Duration timeout) { config.writeTimeout(timeout); return this; }

        /** Time to connect to an upstream, default 5 s; 504 beyond. */
        public Builder upstreamConnectTimeout(Duration timeout) { config.upstreamConnectTimeout(timeout); return this; }

        /** Time for an upstream to answer, and between two reads of its response, default 30 s; 504 beyond. */
        public Builder upstreamTimeout(Duration timeout) { config.upstreamTimeout(timeout); return this; }

        /** How long {@link DevProxy#close()} lets requests in flight finish, default 5 s. */
        public Builder shutdownGrace(Duration grace) { config.shutdownGrace(grace); return this; }

        /** Event-loop threads, default the number of available processors. */
        public Builder ioThreads(int ioThreads) { config.ioThreads(ioThreads); return this; }

        /** Whether to log a line per request on logger {@code dev.devproxy.access}, default false. */
        public Builder accessLog(boolean accessLog) { config.accessLog(accessLog); return this; }

        /** The router, default {@link Router#standard(Upstream)} with the configured upstream. */
        public Builder router(Router router) { this.router = Objects.requireNonNull(router, "router"); return this; }

        /** Adds a sink that receives every metrics event, after the built-in one. */
        public Builder addMetricsSink(MetricsSink sink) { sinks.add(Objects.requireNonNull(sink, "sink")); return this; }

        /** The clock timeouts read; for tests. */
        Builder clock(EngineClock clock) { this.clock = clock; return this; }

        /**
         * Returns an unstarted proxy with these settings.
         *
         * @throws IllegalArgumentException naming the first setting out of range
         */
        public DevProxy build() {
            return new DevProxy(this);
        }
    }
}
