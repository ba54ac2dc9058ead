package dev.devproxy;

import dev.devproxy.internal.admin.AdminRouter;
import dev.devproxy.internal.admin.AdminSettings;
import dev.devproxy.internal.exchange.ForwardAllowList;
import dev.devproxy.internal.loop.EngineClock;
import dev.devproxy.internal.server.Interception;
import dev.devproxy.internal.server.Server;
import dev.devproxy.internal.tls.ClientTls;
import dev.devproxy.internal.tls.InterceptionCa;
import dev.devproxy.internal.tls.TlsSetup;
import dev.devproxy.internal.stub.BoundedJournal;
import dev.devproxy.internal.stub.TestDefaults;
import dev.devproxy.parser.ParserLimits;
import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.RegisteredStub;
import dev.devproxy.stub.RequestJournal;
import dev.devproxy.stub.RequestMatcher;
import dev.devproxy.stub.Stub;
import dev.devproxy.stub.Stubs;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLContext;
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
 * <p>Every proxy has {@linkplain #stubs() stubs}, asked before the router, and a {@linkplain #journal() journal}
 * of the requests it answered:
 *
 * <pre>{@code
 * proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));   // RequestPattern.get, Responses.json
 * // ... run the code under test against proxy.baseUri() ...
 * proxy.verify(get("/api/users").withHeader("Accept", "application/json"));
 * }</pre>
 *
 * <p>Thread-safe once built. {@link #close()} stops accepting, lets requests in flight finish within the
 * shutdown grace, then closes every connection and joins its threads.
 *
 * <p>Longer than most classes because it is the facade users see and its {@link Builder}, one documented
 * setter per setting; the work is done in the internal packages it starts.
 */
public final class DevProxy implements AutoCloseable {
    private final Config config;
    private final Router router;
    private final List<MetricsSink> sinks;
    private final EngineClock clock;
    private final Stubs stubs = new Stubs();
    private final boolean strictStubbing;
    private final @Nullable BoundedJournal journal;
    private @Nullable TlsTrust trust;
    private final @Nullable SSLContext upstreamSslContext;
    private final boolean insecureTrustAnyUpstreamCertificate;
    private final TlsClientAuth clientAuth;
    private final List<X509Certificate> clientIssuers;
    private @Nullable Server server;
    /** The bound port, for the forward-proxy routing on the loops, which must not take this object's lock. */
    private volatile int boundPort = -1;
    private final @Nullable String proxyAuthorization;
    /** What decides on a request decrypted from an intercepted CONNECT, given the router that forwards it. */
    private final java.util.function.UnaryOperator<Router> interceptedRoutes;
    private final @Nullable KeyStore interceptionCaStore;
    private final char @Nullable [] interceptionCaPassword;
    private @Nullable TlsTrust interceptionTrust;
    private boolean closed;

    private DevProxy(Builder builder) {
        this.config = builder.config.build();
        this.upstreamSslContext = builder.upstreamSslContext;
        this.insecureTrustAnyUpstreamCertificate = builder.insecureTrustAnyUpstreamCertificate;
        this.clientAuth = builder.clientAuth;
        this.clientIssuers = builder.clientIssuers;
        if (builder.strictStubbing && builder.router != null) {
            throw new IllegalArgumentException("strictStubbing(true) answers every request no stub matches with 404,"
                    + " so router(...) would never be asked; set one or the other");
        }
        this.strictStubbing = builder.strictStubbing;
        Router fallback = builder.router != null ? builder.router : Router.standard(config.upstream());
        if (config.forwardProxy()) {
            fallback = new ForwardProxyRouter(ForwardAllowList.parse(config.forwardAllow()), () -> boundPort)
                    .orElse(fallback);
        }
        Router routes;
        if (builder.strictStubbing) {
            routes = stubs.orElseNotFound();
        } else if (builder.unmatchedNotFound && builder.router == null) {
            // The JUnit extension's default: the standard routing without its echo, which a client would read
            // as data; what it would have echoed gets the near-miss 404 instead (matching runs twice for those).
            Router standard = fallback;
            Router noEcho = request -> {
                Route route = standard.route(request);
                return route == Route.echo() ? Route.pass() : route;
            };
            routes = stubs.orElse(noEcho.orElse(stubs.orElseNotFound()));
        } else {
            routes = stubs.orElse(fallback);
        }
        this.journal = builder.journalCapacity == 0 ? null
                : new BoundedJournal(builder.journalCapacity, builder.journalBodyBytes,
                        builder.journalResponseBodyBytes, builder.journalMaxBytes);
        this.router = routes;
        // An intercepted request goes where its CONNECT went unless a stub claims it, as an absolute-form request
        // to a forward proxy does: the router is not asked (its /proxy and echo routes are for requests to DevProxy).
        Router strict = stubs.orElseNotFound();
        this.interceptedRoutes = builder.strictStubbing ? forward -> strict : stubs::orElse;
        this.interceptionCaStore = builder.interceptionCaStore;
        this.interceptionCaPassword = builder.interceptionCaPassword;
        if (interceptionCaStore != null && config.interceptHosts().isBlank()) {
            throw new IllegalArgumentException("interceptionCa(...) is set but no host is intercepted: set interceptHosts");
        }
        this.sinks = List.copyOf(builder.sinks);
        this.clock = builder.clock;
        this.proxyAuthorization = builder.proxyAuthorization;
    }

    /**
     * A builder with every setting at its default (see {@link Config}).
     *
     * @return a new builder
     */
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
        AtomicReference<@Nullable Server> started = new AtomicReference<>();
        // The admin router reads the metrics through this reference, never through running(): it runs on a
        // loop, and close() holds this object's lock while the loops finish.
        Router admin = config.hasAdminListener() ? new AdminRouter(stubs, journal, this::adminSettings,
                () -> Objects.requireNonNull(started.get()).metrics().snapshot(), config.adminToken()) : null;
        Interception interception = interception();
        server = Server.start(config, router, sinks, journal, clock, new TlsSetup(
                new ClientTls(upstreamSslContext, insecureTrustAnyUpstreamCertificate), clientAuth, clientIssuers),
                proxyAuthorization, admin, interception);
        started.set(server);
        boundPort = server.address().getPort();
        return this;
    }

    /** What {@code GET /__admin/settings} shows: every setting, the secrets masked, and the journal's bounds. */
    private Map<String, Object> adminSettings() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        for (java.lang.reflect.RecordComponent component : Config.class.getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(config);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            boolean secret = Config.isSecret(component.getName());
            settings.put(component.getName(), secret && !"".equals(value) ? "****" : AdminSettings.json(value));
        }
        out.put("config", settings);
        out.put("strictStubbing", strictStubbing);
        BoundedJournal kept = journal;
        Map<String, Object> journalSettings = new LinkedHashMap<>();
        journalSettings.put("enabled", kept != null);
        if (kept != null) {
            journalSettings.put("capacity", kept.capacity());
            journalSettings.put("maxBodyBytes", kept.maxBodyBytes());
            journalSettings.put("maxResponseBodyBytes", kept.maxResponseBodyBytes());
            journalSettings.put("maxBytes", kept.maxBytes());
        }
        out.put("journal", journalSettings);
        return out;
    }

    /** HTTPS interception as configured, its CA loaded or made now, or null when no host is intercepted. */
    private @Nullable Interception interception() {
        if (config.interceptHosts().isBlank()) {
            return null;
        }
        InterceptionCa ca;
        KeyStore store = interceptionCaStore;
        Path keystore = config.interceptCaKeystore();
        if (store != null) {
            ca = InterceptionCa.loaded(store, Objects.requireNonNull(interceptionCaPassword), "interceptionCa(KeyStore)");
        } else if (keystore != null) {
            ca = InterceptionCa.loaded(keystore, config.interceptCaKeystorePassword().toCharArray());
        } else {
            ca = InterceptionCa.generated();
        }
        Path caFile = config.interceptCaFile();
        if (caFile != null) {
            try {
                java.nio.file.Files.writeString(caFile, ca.certificatePem(), java.nio.charset.StandardCharsets.US_ASCII);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write the interception CA's certificate to " + caFile, e);
            }
        }
        Interception made = new Interception(ForwardAllowList.parse(config.interceptHosts()), ca, interceptedRoutes,
                config.tlsHandshakeTimeout());
        made.prepare(config.interceptHosts());
        return made;
    }

    /**
     * The stubs, asked before the router for every request; add and remove them at any time, from any thread.
     * Unless built with {@link Builder#strictStubbing(boolean) strictStubbing(true)}, a request no stub matches
     * goes on to the router.
     *
     * @return this proxy's stubs
     */
    public Stubs stubs() {
        return stubs;
    }

    /**
     * Whether a request no stub matches is answered 404 instead of going to the router.
     *
     * @return true when unmatched requests are answered 404
     */
    public boolean strictStubbing() {
        return strictStubbing;
    }

    /**
     * Registers {@code stub} after those already registered: {@code stubs().add(stub)}.
     *
     * @param stub the stub to register
     * @return the registration, to count its uses or remove it
     */
    public RegisteredStub stubFor(Stub stub) {
        return stubs.add(stub);
    }

    /**
     * The requests this proxy answered; see {@link RequestJournal} for when a request appears.
     *
     * @return this proxy's request journal
     * @throws IllegalStateException when built with {@code journalCapacity(0)}
     */
    public RequestJournal journal() {
        if (journal == null) {
            throw new IllegalStateException("this proxy keeps no journal: it was built with journalCapacity(0)");
        }
        return journal;
    }

    /**
     * Checks that at least one request matched {@code matcher}: {@code journal().verify(matcher)}.
     *
     * @param matcher what a request must match
     * @throws AssertionError when none did, listing what was received and why each did not match
     * @throws IllegalStateException when built with {@code journalCapacity(0)}
     */
    public void verify(RequestMatcher matcher) {
        journal().verify(matcher);
    }

    /**
     * Checks that exactly {@code times} requests matched {@code matcher}: {@code journal().verify(times, matcher)}.
     *
     * @param times the expected number of matching requests, 0 or more
     * @param matcher what a request must match
     * @throws AssertionError when the count differs, listing what was received
     * @throws IllegalStateException when built with {@code journalCapacity(0)}
     */
    public void verify(int times, RequestMatcher matcher) {
        journal().verify(times, matcher);
    }

    /**
     * Checks, waiting up to {@code timeout} for requests still to come, that exactly {@code times} requests
     * matched {@code matcher}: {@code journal().verify(times, matcher, timeout)}, for clients that send in the
     * background.
     *
     * @param times the expected number of matching requests, 0 or more
     * @param matcher what a request must match
     * @param timeout the longest time to wait for {@code times} matching requests
     * @throws AssertionError when the count differs after waiting, listing what was received
     * @throws IllegalStateException when built with {@code journalCapacity(0)}
     */
    public void verify(int times, RequestMatcher matcher, Duration timeout) {
        journal().verify(times, matcher, timeout);
    }

    /**
     * The oldest request that matches {@code matcher}, waiting up to {@code timeout} for one to arrive:
     * {@code journal().awaitRequest(matcher, timeout)}.
     *
     * @param matcher what the request must match
     * @param timeout the longest time to wait
     * @return the oldest matching request in the journal
     * @throws AssertionError when none arrives in time, listing what arrived instead
     * @throws IllegalStateException when built with {@code journalCapacity(0)}
     */
    public JournalEntry awaitRequest(RequestMatcher matcher, Duration timeout) {
        return journal().awaitRequest(matcher, timeout);
    }

    /** Removes every stub and clears the journal (when there is one), as between two tests. */
    public void reset() {
        stubs.clear();
        if (journal != null) {
            journal.clear();
        }
    }

    /**
     * The configuration this proxy runs with.
     *
     * @return the configuration given to the builder
     */
    public Config config() {
        return config;
    }

    /**
     * The bound port (the real one when configured with port 0).
     *
     * @return the port the proxy listens on
     * @throws IllegalStateException before start
     */
    public int port() {
        return running().address().getPort();
    }

    /**
     * The bound address.
     *
     * @return the address the proxy listens on
     * @throws IllegalStateException before start
     */
    public InetSocketAddress address() {
        return running().address();
    }

    /**
     * {@code http://host:port/} of the bound address.
     *
     * @return the base URI, ending in {@code /}
     * @throws IllegalStateException before start
     */
    public URI baseUri() {
        InetSocketAddress address = running().address();
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + address.getPort() + "/");
    }

    /**
     * The admin API's bound port (the real one when configured with port 0).
     *
     * @return the port the admin API listens on
     * @throws IllegalStateException before start, or when the admin API is off ({@link Builder#adminPort})
     */
    public int adminPort() {
        return adminAddress().getPort();
    }

    /**
     * The admin API's bound address.
     *
     * @return the address
     * @throws IllegalStateException before start, or when the admin API is off
     */
    public InetSocketAddress adminAddress() {
        InetSocketAddress address = running().adminAddress();
        if (address == null) {
            throw new IllegalStateException("the admin API is off: build the proxy with adminPort(0) or set ADMIN_PORT");
        }
        return address;
    }

    /**
     * {@code http://host:port/__admin/} of the admin API, for {@link dev.devproxy.admin.DevProxyAdmin#connect}.
     *
     * @return the admin API's base URI, ending in {@code /__admin/}
     * @throws IllegalStateException before start, or when the admin API is off
     */
    public URI adminUri() {
        InetSocketAddress address = adminAddress();
        return URI.create("http://" + Server.hostForUri(address) + ":" + address.getPort() + AdminRouter.PREFIX + "/");
    }

    /**
     * The HTTPS listener's bound port (the real one when configured with port 0).
     *
     * @return the port the HTTPS listener listens on
     * @throws IllegalStateException before start, or when no HTTPS listener is configured ({@link Builder#tlsPort})
     */
    public int httpsPort() {
        return httpsAddress().getPort();
    }

    /**
     * The HTTPS listener's bound address.
     *
     * @return the address
     * @throws IllegalStateException before start, or when no HTTPS listener is configured
     */
    public InetSocketAddress httpsAddress() {
        InetSocketAddress address = running().tlsAddress();
        if (address == null) {
            throw new IllegalStateException("no HTTPS listener: build the proxy with tlsPort(0) or set TLS_PORT");
        }
        return address;
    }

    /**
     * {@code https://localhost:port/} of the HTTPS listener: the name its made certificate carries (a loaded
     * certificate must name it too, or clients will not accept it for this URI).
     *
     * @return the base URI, ending in {@code /}
     * @throws IllegalStateException before start, or when no HTTPS listener is configured
     */
    public URI httpsBaseUri() {
        return URI.create("https://localhost:" + httpsPort() + "/");
    }

    /**
     * What a client needs to trust the HTTPS listener: its root certificate as PEM and as a file, and an
     * {@link javax.net.ssl.SSLContext} trusting it.
     *
     * @return the trust material, the same for the life of this proxy
     * @throws IllegalStateException before start, or when no HTTPS listener is configured
     */
    public synchronized TlsTrust tlsTrust() {
        httpsAddress();
        TlsTrust made = trust;
        if (made == null) {
            var tls = java.util.Objects.requireNonNull(running().tls());
            String pem = tls.identity().rootPem();
            java.nio.file.Path file = config.tlsCertFile();
            if (file == null) {
                try {
                    file = java.nio.file.Files.createTempFile("devproxy-", ".pem");
                    file.toFile().deleteOnExit();
                    java.nio.file.Files.writeString(file, pem, java.nio.charset.StandardCharsets.US_ASCII);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot write the proxy's certificate", e);
                }
            }
            made = new TlsTrust(pem, file);
            trust = made;
        }
        return made;
    }

    /**
     * What a client under test needs to trust the certificates of intercepted hosts: the interception CA's
     * certificate as PEM and as a file ({@code INTERCEPT_CA_FILE} when set, otherwise a temporary file), and an
     * {@link SSLContext} trusting it and nothing else, for {@code HttpClient.newBuilder().sslContext(...)}.
     *
     * @return the trust material, the same for the life of this proxy
     * @throws IllegalStateException before start, or when no host is intercepted ({@link Builder#interceptHosts})
     */
    public synchronized TlsTrust interceptionTrust() {
        Interception interception = running().interception();
        if (interception == null) {
            throw new IllegalStateException("no host is intercepted: build the proxy with interceptHosts(...)"
                    + " or set INTERCEPT_HOSTS");
        }
        TlsTrust made = interceptionTrust;
        if (made == null) {
            String pem = interception.ca().certificatePem();
            Path file = config.interceptCaFile();
            if (file == null) {
                try {
                    file = java.nio.file.Files.createTempFile("devproxy-interception-ca-", ".pem");
                    file.toFile().deleteOnExit();
                    java.nio.file.Files.writeString(file, pem, java.nio.charset.StandardCharsets.US_ASCII);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot write the interception CA's certificate", e);
                }
            }
            made = new TlsTrust(pem, file);
            interceptionTrust = made;
        }
        return made;
    }

    /**
     * The built-in metrics' totals now.
     *
     * @return a snapshot of the built-in counters
     * @throws IllegalStateException before start
     */
    public MetricsSnapshot metrics() {
        return running().metrics().snapshot();
    }

    /**
     * The built-in metrics as served at {@code /metrics}.
     *
     * @return the metrics in the text format served at {@code /metrics}
     * @throws IllegalStateException before start
     */
    public String metricsText() {
        return running().metrics().renderPrometheus();
    }

    /**
     * Client connections open now.
     *
     * @return the number of open client connections
     * @throws IllegalStateException before start
     */
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
        static {
            TestDefaults.register(builder -> builder.unmatchedNotFound = true);
        }

        private Config.Builder config = Config.builder();
        private @Nullable SSLContext upstreamSslContext;
        private boolean insecureTrustAnyUpstreamCertificate;
        private TlsClientAuth clientAuth = TlsClientAuth.NONE;
        private List<X509Certificate> clientIssuers = List.of();
        private @Nullable Router router;
        private @Nullable String proxyAuthorization;
        private @Nullable KeyStore interceptionCaStore;
        private char @Nullable [] interceptionCaPassword;
        private final List<MetricsSink> sinks = new ArrayList<>();
        private EngineClock clock = EngineClock.SYSTEM;
        private boolean strictStubbing;
        /**
         * Set by the JUnit extension: with no router, requests no stub matches that the standard routing would
         * echo get 404 and the near-miss report; /proxy/* and /metrics keep their routes.
         */
        private boolean unmatchedNotFound;
        private int journalCapacity = BoundedJournal.DEFAULT_CAPACITY;
        private int journalBodyBytes = BoundedJournal.DEFAULT_MAX_BODY_BYTES;
        private int journalResponseBodyBytes = BoundedJournal.DEFAULT_MAX_RESPONSE_BODY_BYTES;
        private long journalMaxBytes = BoundedJournal.DEFAULT_MAX_BYTES;

        private Builder() {
        }

        /**
         * Replaces every setting with those of {@code config}.
         *
         * @param config the settings to start from; later setters change them
         * @return this builder
         */
        public Builder config(Config config) { this.config = config.toBuilder(); return this; }

        /**
         * The address to bind, default 127.0.0.1.
         *
         * @param host the address to bind; not blank
         * @return this builder
         */
        public Builder host(String host) { config.host(host); return this; }

        /**
         * The port to bind, default 8889; 0 picks a free port, read back with {@link DevProxy#port()}.
         *
         * @param port the port to bind, 0 to 65535; 0 picks a free one
         * @return this builder
         */
        public Builder port(int port) { config.port(port); return this; }

        /**
         * Where the standard router forwards {@code /proxy/*}, default localhost:3001.
         *
         * @param upstream the host and port to forward to
         * @return this builder
         */
        public Builder upstream(Upstream upstream) { config.upstream(upstream); return this; }

        /**
         * Most client connections open at once, default 1000; more wait in the accept backlog. Each event loop
         * also keeps at most this many idle upstream connections.
         *
         * @param maxConnections the limit, at least 1
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) { config.maxConnections(maxConnections); return this; }

        /**
         * The parsers' limits, for client requests and upstream responses, default {@link ParserLimits#defaults()}.
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder limits(ParserLimits limits) { config.limits(limits); return this; }

        /**
         * The most body bytes a request may have, default 10,000,000 (about 10 MB); a larger body is answered
         * {@code 413} (a declared length at once, a chunked body when it grows past the limit). The same limit
         * as {@link ParserLimits#maxBodySize()} in {@link #limits(ParserLimits)}, set alone.
         *
         * @param bytes the most decoded body bytes in one request, 0 or more; {@link Long#MAX_VALUE} for no limit
         * @return this builder
         */
        public Builder maxBodySize(long bytes) { config.maxBodySize(bytes); return this; }

        /**
         * The most body bytes held to match a request on its body, default 16777216 (16 MiB): what stubs' JSON,
         * regex and custom body matchers and {@link Route#afterBody} routers see. A longer body is decided as soon
         * as that many bytes are held, on those bytes ({@link RecordedRequest#bodyTruncated()} is then true, and
         * stubs' non-streaming body matchers do not match it, the near-miss report says why); the chosen route gets
         * them and the rest of the body streamed. Stubs' {@code withBody(String)} and
         * {@code withBodyContaining(String)} read the body as it streams and match bodies of any size up to
         * {@link #maxBodySize(long)}.
         *
         * @param bytes the most body bytes held for matching, 0 or more
         * @return this builder
         */
        public Builder maxMatchBodySize(long bytes) { config.maxMatchBodySize(bytes); return this; }

        /**
         * Time to receive the request line, default 5 s; 408 beyond.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder requestLineTimeout(Duration timeout) { config.requestLineTimeout(timeout); return this; }

        /**
         * Time to receive the header section after the request line, default 10 s; 408 beyond.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder headerTimeout(Duration timeout) { config.headerTimeout(timeout); return this; }

        /**
         * Time to receive the body after the head, default 30 s; 408 beyond.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder bodyTimeout(Duration timeout) { config.bodyTimeout(timeout); return this; }

        /**
         * Bytes a second that earn a body one more second beyond the body timeout, default 500; 0 for none.
         *
         * @param bytesPerSecond the rate, 0 or more; 0 for a flat body timeout
         * @return this builder
         */
        public Builder minBodyRate(long bytesPerSecond) { config.minBodyRate(bytesPerSecond); return this; }

        /**
         * How long an idle persistent connection is kept, default 30 s.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder keepAliveTimeout(Duration timeout) { config.keepAliveTimeout(timeout); return this; }

        /**
         * How long a response write may make no progress before the client is cut off, default 30 s.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder writeTimeout(Duration timeout) { config.writeTimeout(timeout); return this; }

        /**
         * Time to connect to an upstream, default 5 s; 504 beyond.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder upstreamConnectTimeout(Duration timeout) { config.upstreamConnectTimeout(timeout); return this; }

        /**
         * Time for an upstream to answer, and between two reads of its response, default 30 s; 504 beyond.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder upstreamTimeout(Duration timeout) { config.upstreamTimeout(timeout); return this; }

        /**
         * How long {@link DevProxy#close()} lets requests in flight finish, default 5 s.
         *
         * @param grace the grace period; zero or more
         * @return this builder
         */
        public Builder shutdownGrace(Duration grace) { config.shutdownGrace(grace); return this; }

        /**
         * Event-loop threads, default the number of available processors.
         *
         * @param ioThreads the number of threads, at least 1
         * @return this builder
         */
        public Builder ioThreads(int ioThreads) { config.ioThreads(ioThreads); return this; }

        /**
         * Whether to log a line per request on logger {@code dev.devproxy.access}, default false.
         *
         * @param accessLog true to log one line per request
         * @return this builder
         */
        public Builder accessLog(boolean accessLog) { config.accessLog(accessLog); return this; }

        /**
         * Whether to serve as a forward proxy too, default false: absolute-form requests no stub or route claims
         * go to the host they name, and {@code CONNECT host:port} opens a tunnel ({@code 200} once the upstream
         * connected, 502/504 when it cannot, 403 for a destination {@link #forwardAllow} does not allow). With it
         * off, CONNECT is answered 501.
         *
         * @param forwardProxy true to forward to the hosts requests name
         * @return this builder
         */
        public Builder forwardProxy(boolean forwardProxy) { config.forwardProxy(forwardProxy); return this; }

        /**
         * The destinations a forward proxy may reach, default localhost,127.0.0.1,[::1] (loopback only, so a
         * development proxy is never an open proxy): comma-separated {@code host}, {@code *.domain} or
         * {@code host:port} patterns, IPv6 hosts in brackets; {@code *} allows every destination.
         *
         * @param patterns the allowed destinations
         * @return this builder
         */
        public Builder forwardAllow(String patterns) { config.forwardAllow(patterns); return this; }

        /**
         * How long a tunnel (CONNECT, WebSocket) may carry no byte either way before both sides are closed,
         * default 300 s.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder tunnelIdleTimeout(Duration timeout) { config.tunnelIdleTimeout(timeout); return this; }

        /**
         * A proxy to send DevProxy's own plain-http upstream traffic through, as {@code http://host:port}, default
         * none, the empty string: requests then go to it in absolute-form, as to any HTTP proxy. Hosts in
         * {@link #noProxy} are reached directly. HTTPS upstreams go through {@link #upstreamHttpsProxy} instead.
         *
         * @param uri the next proxy, or the empty string for none
         * @return this builder
         */
        public Builder upstreamProxy(String uri) { config.upstreamProxy(uri); return this; }

        /**
         * A proxy to send DevProxy's own HTTPS upstream traffic through (to {@code https://} upstreams, and to the
         * hosts of intercepted CONNECTs), and clients' CONNECT tunnels, as {@code http://host:port}, default none,
         * the empty string: each connection is a {@code CONNECT host:port} to it, then TLS with the upstream inside
         * the tunnel, checked as usual. Hosts in {@link #noProxy} are reached directly; without it, HTTPS upstreams always are (never
         * through {@link #upstreamProxy}, which would see the traffic in the clear).
         *
         * @param uri the next proxy, or the empty string for none
         * @return this builder
         */
        public Builder upstreamHttpsProxy(String uri) { config.upstreamHttpsProxy(uri); return this; }

        /**
         * The upstream hosts reached directly despite {@link #upstreamProxy}, default localhost,127.0.0.1,[::1]:
         * comma-separated host names, each matching itself and its subdomains (a leading dot is optional), or
         * {@code *} for all, as curl reads {@code NO_PROXY}.
         *
         * @param hosts the hosts reached directly
         * @return this builder
         */
        public Builder noProxy(String hosts) { config.noProxy(hosts); return this; }

        /**
         * Makes forward-proxied requests (absolute-form and CONNECT) carry {@code Proxy-Authorization: Basic}
         * with these credentials (RFC 9110 section 11.7.2), default none: others get {@code 407} with
         * {@code Proxy-Authenticate: Basic}. The field is for this proxy alone: it never reaches an upstream,
         * the journal or a stub's view of the request. The credentials are kept only in their encoded form,
         * out of {@link Config}, so that no configuration dump shows them.
         *
         * @param user the user name; no colon (RFC 7617 section 2)
         * @param password the password
         * @return this builder
         */
        public Builder forwardProxyCredentials(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("a Basic user name cannot contain ':' (RFC 7617 section 2)");
            }
            this.proxyAuthorization = "Basic " + java.util.Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return this;
        }

        /**
         * The TLS context for HTTPS upstreams, instead of the JDK's default (its default trust store, which
         * {@code -Djavax.net.ssl.trustStore} changes): one trusting a private CA, or holding a client key and
         * certificate for an upstream that asks for one (mutual TLS). Host names are checked against the
         * upstream's certificate either way. Default null: the JDK's default context.
         *
         * @param context an initialised context, or null for the JDK's default
         * @return this builder
         */
        public Builder upstreamSslContext(@Nullable SSLContext context) {
            this.upstreamSslContext = context;
            return this;
        }

        /**
         * INSECURE: trusts any certificate an HTTPS upstream presents, for whatever host, so that a self-signed
         * development server works without a trust store. Anyone on the path can then read and change the
         * traffic; a WARNING is logged when the proxy starts. Default false. Wins over
         * {@link #upstreamSslContext}.
         *
         * @param insecure true to trust any upstream certificate
         * @return this builder
         */
        public Builder insecureTrustAnyUpstreamCertificate(boolean insecure) {
            this.insecureTrustAnyUpstreamCertificate = insecure;
            return this;
        }

        /**
         * Whether the HTTPS listener asks clients for a certificate (mutual TLS), and the issuers a certificate
         * must chain to (a client's own self-signed certificate may be one). Default {@link TlsClientAuth#NONE}.
         * The certificate a client presents is on {@link RecordedRequest#clientCertificates()} and in echo.
         *
         * @param mode {@link TlsClientAuth#REQUEST} or {@link TlsClientAuth#REQUIRE}, or NONE
         * @param trustedIssuers the trusted issuers; not empty unless {@code mode} is NONE
         * @return this builder
         * @throws IllegalArgumentException when certificates are asked for and no issuer is given
         */
        public Builder tlsClientAuth(TlsClientAuth mode, List<X509Certificate> trustedIssuers) {
            Objects.requireNonNull(mode, "mode");
            if (mode != TlsClientAuth.NONE && trustedIssuers.isEmpty()) {
                throw new IllegalArgumentException("tlsClientAuth(" + mode + ") needs the issuers to trust");
            }
            this.clientAuth = mode;
            this.clientIssuers = List.copyOf(trustedIssuers);
            return this;
        }

        /**
         * Opens an HTTPS listener on {@code port} beside the HTTP one, serving the same routes, stubs and journal;
         * 0 picks a free port ({@link DevProxy#httpsPort()} says which); default none: no HTTPS listener. Without
         * {@link #tlsKeystore(Path)}, its certificate is made at start; {@link DevProxy#tlsTrust()} hands out what a
         * client needs to trust it.
         *
         * @param port 0 to 65535, or {@link Config#NO_TLS_PORT} for none
         * @return this builder
         */
        public Builder tlsPort(int port) { config.tlsPort(port); return this; }

        /**
         * The HTTPS listener's key and certificate chain, from a PKCS12 or JKS keystore (its first key entry);
         * default none: DevProxy makes a certificate authority and a certificate for {@code localhost},
         * {@code 127.0.0.1} and {@code ::1} in-process at start.
         *
         * @param keystore the keystore file, or null to make a certificate
         * @return this builder
         */
        public Builder tlsKeystore(@Nullable Path keystore) { config.tlsKeystore(keystore); return this; }

        /**
         * The password of the keystore and of its key, default none (empty).
         *
         * @param password the password
         * @return this builder
         */
        public Builder tlsKeystorePassword(String password) { config.tlsKeystorePassword(password); return this; }

        /**
         * Writes the PEM certificate clients must trust (the root of the listener's chain) to {@code file} at
         * start, for {@code curl --cacert} or a browser; default none (then {@link DevProxy#tlsTrust()} writes it
         * to a temporary file).
         *
         * @param file the file, replaced if it exists, or null
         * @return this builder
         */
        public Builder tlsCertFile(@Nullable Path file) { config.tlsCertFile(file); return this; }

        /**
         * The time a client has for its TLS handshake on the HTTPS listener, default 3 s; one not done by then is
         * closed. The request-line timeout also runs from the accept, handshake included. While the listener is at its connection cap, handshakes that stall are shed like slow heads.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder tlsHandshakeTimeout(Duration timeout) { config.tlsHandshakeTimeout(timeout); return this; }

        /**
         * Opens the admin API on {@code port}: JSON over HTTP under {@code /__admin/} on a listener of its own,
         * served by the same event loops, to add and remove stubs, read and verify the journal, reset, and read
         * settings and metrics from another process ({@link dev.devproxy.admin.DevProxyAdmin} is a client);
         * 0 picks a free port ({@link DevProxy#adminPort()} says which); default none: no admin API. Its requests
         * are never journalled, stub-matched or counted in the metrics.
         *
         * @param port 0 to 65535, or {@link Config#NO_ADMIN_PORT} for none
         * @return this builder
         */
        public Builder adminPort(int port) { config.adminPort(port); return this; }

        /**
         * The address the admin API binds, default 127.0.0.1: only this machine can reach it. Bind another
         * address only with an {@link #adminToken(String)}: the admin API can make the proxy answer anything.
         *
         * @param host an address or host name; not blank
         * @return this builder
         */
        public Builder adminHost(String host) { config.adminHost(host); return this; }

        /**
         * The bearer token every admin request must carry ({@code Authorization: Bearer <token>}, compared in
         * constant time; {@code 401} otherwise), default none: no token asked for.
         *
         * @param token visible ASCII without spaces, or empty for none
         * @return this builder
         */
        public Builder adminToken(String token) { config.adminToken(token); return this; }

        /**
         * The CONNECT destinations whose TLS DevProxy terminates itself (HTTPS interception), default none, the
         * empty string: every CONNECT is a tunnel. Comma-separated patterns as {@link #forwardAllow}'s
         * ({@code host}, {@code *.domain}, {@code host:port}); a destination must be allowed there too. An intercepted
         * CONNECT is answered {@code 200}, then the client's TLS handshake gets a certificate for the CONNECT host
         * signed by the interception CA ({@link DevProxy#interceptionTrust()}), and its requests are stubbed,
         * journalled (as {@code https://host:port/...}) and forwarded over HTTPS to that host, with the upstream
         * trust settings ({@link #upstreamSslContext}). Needs {@link #forwardProxy}.
         *
         * @param patterns the destinations to intercept, or the empty string for none
         * @return this builder
         */
        public Builder interceptHosts(String patterns) { config.interceptHosts(patterns); return this; }

        /**
         * Intercepts the CONNECT destinations {@code patterns} name: {@link #interceptHosts(String)} of them
         * joined with commas.
         *
         * @param patterns {@code host}, {@code *.domain} or {@code host:port} patterns
         * @return this builder
         */
        public Builder intercept(String... patterns) { config.interceptHosts(String.join(",", patterns)); return this; }

        /**
         * A PKCS12 keystore holding the CA that signs intercepted hosts' certificates (its first key entry whose
         * certificate has {@code basicConstraints cA=TRUE}), default none: a CA is made in-process at start, EC
         * P-256, valid for 7 days.
         *
         * @param keystore the keystore file, or null to make a CA
         * @return this builder
         */
        public Builder interceptCaKeystore(@Nullable Path keystore) { config.interceptCaKeystore(keystore); return this; }

        /**
         * The password of the interception CA's keystore and of its key, default none (empty).
         *
         * @param password the password
         * @return this builder
         */
        public Builder interceptCaKeystorePassword(String password) {
            config.interceptCaKeystorePassword(password);
            return this;
        }

        /**
         * Writes the interception CA's certificate as PEM to {@code file} at start, for {@code curl --cacert} or a
         * browser's import; default none (then {@link DevProxy#interceptionTrust()} writes it to a temporary file).
         *
         * @param file the file, replaced if it exists, or null
         * @return this builder
         */
        public Builder interceptCaFile(@Nullable Path file) { config.interceptCaFile(file); return this; }

        /**
         * The CA that signs intercepted hosts' certificates, from a loaded keystore (its first key entry whose
         * certificate is a CA), instead of one made at start; wins over {@link #interceptCaKeystore}.
         *
         * @param store the keystore, loaded
         * @param password the password of its key
         * @return this builder
         */
        public Builder interceptionCa(KeyStore store, char[] password) {
            this.interceptionCaStore = Objects.requireNonNull(store, "store");
            this.interceptionCaPassword = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /**
         * The router for requests no stub matches, default {@link Router#standard(Upstream)} with the configured
         * upstream.
         *
         * @param router the router to use
         * @return this builder
         */
        public Builder router(Router router) { this.router = Objects.requireNonNull(router, "router"); return this; }

        /**
         * Whether a request no stub matches gets a 404 listing the closest stubs and why each did not match
         * (true), or goes on to the router (false, the default). Strict stubbing cannot be combined with
         * {@link #router(Router)}, which it would never ask.
         *
         * @param strict true to answer unmatched requests 404
         * @return this builder
         */
        public Builder strictStubbing(boolean strict) { this.strictStubbing = strict; return this; }

        /**
         * The most requests the {@linkplain DevProxy#journal() journal} keeps, default 1000; older ones are
         * dropped. 0 keeps no journal, so that no request is copied.
         *
         * @param capacity the most requests kept, 0 or more; 0 disables the journal
         * @return this builder
         * @throws IllegalArgumentException if {@code capacity} is negative
         */
        public Builder journalCapacity(int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("journalCapacity must be at least 0, was " + capacity);
            }
            this.journalCapacity = capacity;
            return this;
        }

        /**
         * The most body bytes the journal keeps per request, default 65536 (64 KiB); the rest is only counted.
         *
         * @param bytes the most body bytes kept per request, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder journalBodyBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("journalBodyBytes must be at least 0, was " + bytes);
            }
            this.journalBodyBytes = bytes;
            return this;
        }

        /**
         * The most response body bytes the journal keeps per exchange, default 65536 (64 KiB); the rest is only
         * counted.
         *
         * @param bytes the most response body bytes kept per exchange, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder journalResponseBodyBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("journalResponseBodyBytes must be at least 0, was " + bytes);
            }
            this.journalResponseBodyBytes = bytes;
            return this;
        }

        /**
         * The most body bytes (requests and responses) the journal keeps in all, default 67108864 (64 MiB);
         * beyond it the oldest entries are dropped, as beyond {@link #journalCapacity}. The newest entry is
         * always kept.
         *
         * @param bytes the most body bytes kept in all entries together, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is less than 1
         */
        public Builder journalMaxBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("journalMaxBytes must be at least 1, was " + bytes);
            }
            this.journalMaxBytes = bytes;
            return this;
        }

        /**
         * Adds a sink that receives every metrics event, after the built-in one.
         *
         * @param sink the sink to add
         * @return this builder
         */
        public Builder addMetricsSink(MetricsSink sink) { sinks.add(Objects.requireNonNull(sink, "sink")); return this; }

        /** The clock timeouts read; for tests. */
        Builder clock(EngineClock clock) { this.clock = clock; return this; }

        /**
         * Returns an unstarted proxy with these settings.
         *
         * @return a new, unstarted proxy
         * @throws IllegalArgumentException naming the first setting out of range
         */
        public DevProxy build() {
            return new DevProxy(this);
        }
    }
}
