package dev.devproxy.internal.exchange;

import dev.devproxy.Config;
import dev.devproxy.Router;
import dev.devproxy.internal.loop.EngineClock;
import dev.devproxy.internal.loop.Resolver;
import dev.devproxy.internal.metrics.BuiltInMetrics;
import dev.devproxy.MetricsSink;
import dev.devproxy.parser.ParserConfig;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** What every connection of one server shares: settings, router, metrics and logging. Thread-safe. */
public final class ServerContext {
    /** At most this many client-error warnings a second, so a flood of bad requests cannot fill a disk. */
    private static final int WARNINGS_PER_SECOND = 10;

    public final Config config;
    /** The parsers' limits and leniencies, one value for the requests of clients and the responses of upstreams. */
    public final ParserConfig parserConfig;
    public final Router router;
    public final MetricsSink sink;
    public final BuiltInMetrics builtIn;
    public final EngineClock clock;
    public final long requestLineTimeoutNanos;
    public final long headerTimeoutNanos;
    public final long bodyTimeoutNanos;
    public final long keepAliveTimeoutNanos;
    public final long writeTimeoutNanos;
    public final boolean accessLogEnabled;
    public final long tunnelIdleTimeoutNanos;
    /** What a forward-proxied request's {@code Proxy-Authorization} must be, or null when none is asked for. */
    public final @Nullable String proxyAuthorization;
    /** Where a forward proxy may go; consulted only when {@code config.forwardProxy()}. */
    public final ForwardAllowList forwardAllow;
    /** The next proxy for upstream traffic, or null to connect to upstreams directly. */
    public final @Nullable UpstreamProxy upstreamProxy;
    public final Resolver resolver = new Resolver();
    /** What a refusal for a body over the limit says about the limit: how to raise it, or that it is fixed. */
    public final String bodyLimitAdvice;
    /** Set once {@code close()} begins: idle connections close, responses say {@code Connection: close}. */
    public volatile boolean draining;

    private final AtomicLong warningWindow = new AtomicLong();
    private final AtomicLong warningsInWindow = new AtomicLong();
    private final AtomicLong warningsSuppressed = new AtomicLong();

    /** Receives a copy of every request, or null when nothing asked for copies (then none are made). */
    public final @Nullable RequestRecorder recorder;

    public ServerContext(Config config, Router router, MetricsSink sink, BuiltInMetrics builtIn,
            @Nullable RequestRecorder recorder, EngineClock clock) {
        this(config, router, sink, builtIn, recorder, clock, null);
    }

    /**
     * @param proxyAuthorization the {@code Proxy-Authorization} value forward-proxied requests must carry
     *     ({@code Basic ...}), or null for none
     */
    public ServerContext(Config config, Router router, MetricsSink sink, BuiltInMetrics builtIn,
            @Nullable RequestRecorder recorder, EngineClock clock, @Nullable String proxyAuthorization) {
        this(config, router, sink, builtIn, recorder, clock, proxyAuthorization, RAISE_BODY_LIMIT);
    }

    /** What a refusal for a body over the limit advises, where the limit is the proxy's setting. */
    public static final String RAISE_BODY_LIMIT = "raise it with DevProxy.builder().maxBodySize(bytes)";

    /**
     * @param proxyAuthorization the {@code Proxy-Authorization} value forward-proxied requests must carry, or null
     * @param bodyLimitAdvice what a refusal for a body over {@code maxBodySize} says about the limit, such as
     *     {@link #RAISE_BODY_LIMIT}; a listener whose limit is not a setting says so instead
     */
    public ServerContext(Config config, Router router, MetricsSink sink, BuiltInMetrics builtIn,
            @Nullable RequestRecorder recorder, EngineClock clock, @Nullable String proxyAuthorization,
            String bodyLimitAdvice) {
        this.bodyLimitAdvice = bodyLimitAdvice;
        this.proxyAuthorization = proxyAuthorization;
        this.config = config;
        this.parserConfig = ParserConfig.defaults().withLimits(config.limits());
        this.recorder = recorder;
        this.router = router;
        this.sink = sink;
        this.builtIn = builtIn;
        this.clock = clock;
        this.requestLineTimeoutNanos = config.requestLineTimeout().toNanos();
        this.headerTimeoutNanos = config.headerTimeout().toNanos();
        this.bodyTimeoutNanos = config.bodyTimeout().toNanos();
        this.keepAliveTimeoutNanos = config.keepAliveTimeout().toNanos();
        this.writeTimeoutNanos = config.writeTimeout().toNanos();
        this.tunnelIdleTimeoutNanos = config.tunnelIdleTimeout().toNanos();
        this.forwardAllow = ForwardAllowList.parse(config.forwardAllow());
        this.upstreamProxy = UpstreamProxy.of(config);
        this.accessLogEnabled = config.accessLog() && AccessLogHolder.LOG.isLoggable(Level.INFO);
    }

    /** Logs a client error or timeout at WARNING, at most {@value #WARNINGS_PER_SECOND} a second. */
    public void warn(String message) {
        long second = System.currentTimeMillis() / 1000;
        long window = warningWindow.get();
        if (window != second && warningWindow.compareAndSet(window, second)) {
            warningsInWindow.set(0);
            long suppressed = warningsSuppressed.getAndSet(0);
            if (suppressed > 0) {
                LogHolder.LOG.log(Level.WARNING, suppressed + " similar warnings suppressed in the last second(s)");
            }
        }
        if (warningsInWindow.incrementAndGet() <= WARNINGS_PER_SECOND) {
            LogHolder.LOG.log(Level.WARNING, message);
        } else {
            warningsSuppressed.incrementAndGet();
        }
    }

    /** Logs an unexpected failure at ERROR with its stack trace. */
    public void error(String message, Throwable failure) {
        LogHolder.LOG.log(Level.ERROR, message, failure);
    }

    public void access(String line) {
        AccessLogHolder.LOG.log(Level.INFO, line);
    }

    /**
     * Loggers are looked up when first used, not when the class loads: the lookup initialises the logging
     * backend, tens of milliseconds of a fresh JVM that a proxy with nothing to log should not pay to start.
     */
    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger("dev.devproxy");
    }

    private static final class AccessLogHolder {
        static final System.Logger LOG = System.getLogger("dev.devproxy.access");
    }
}
