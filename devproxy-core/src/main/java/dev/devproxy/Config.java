package dev.devproxy;

import dev.devproxy.internal.exchange.ForwardAllowList;
import dev.devproxy.parser.ParserLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Every setting of a proxy, as one immutable value. Start from {@link #defaults()} or {@link #fromEnv()} and
 * change it with {@link #toBuilder()}; hand it to {@link DevProxy.Builder#config(Config)}.
 *
 * <p>Long because every setting is a documented component here and a documented setter on {@link Builder};
 * the rules live in the settings table the builder reads its defaults from.
 *
 * <p>Each setting has an environment variable and a command-line
 * flag, listed by {@code java -jar devproxy-core.jar --help} and in the README.
 *
 * @param host the address to bind, default {@code 127.0.0.1} ({@code DEVPROXY_HOST})
 * @param port the port to bind, 0 for any free port, default 8889 ({@code DEVPROXY_PORT})
 * @param upstream where the standard router forwards {@code /proxy/*}, default {@code localhost:3001}
 *     ({@code UPSTREAM_HOST}, {@code UPSTREAM_PORT}), over HTTPS when {@code UPSTREAM_TLS} says so (default
 *     {@code auto}: when the port is 443)
 * @param maxConnections most client connections open at once, default 1000; more wait in the accept backlog
 *     ({@code MAX_CONNECTIONS}). Each event loop also keeps at most this many idle upstream connections: it never
 *     has more in use than it has clients.
 * @param limits the parsers' limits, default {@link ParserLimits#defaults()}: the head limits hold for client
 *     requests and upstream responses alike (a response over one is answered 502); {@code maxBodySize} bounds
 *     request bodies, {@code maxResponseBodySize} (none by default) response bodies
 * @param requestLineTimeout time to receive the request line, default 5 s ({@code REQUEST_TIMEOUT})
 * @param headerTimeout time to receive the header section after the request line, default 10 s
 *     ({@code HEADER_TIMEOUT})
 * @param bodyTimeout time to receive the body after the head, default 30 s, stretched by {@code minBodyRate}
 *     ({@code BODY_TIMEOUT})
 * @param minBodyRate bytes a second that earn a body one more second beyond the body timeout, default 500;
 *     0 for a flat body timeout ({@code MIN_BODY_RATE})
 * @param keepAliveTimeout how long an idle persistent connection is kept, default 30 s ({@code KEEP_ALIVE_TIMEOUT})
 * @param writeTimeout how long a response write may make no progress, default 30 s ({@code WRITE_TIMEOUT})
 * @param upstreamConnectTimeout time to connect to an upstream, default 5 s ({@code UPSTREAM_CONNECT_TIMEOUT})
 * @param upstreamTimeout time for an upstream to answer, and most time between two reads of its response,
 *     default 30 s ({@code UPSTREAM_TIMEOUT})
 * @param shutdownGrace how long {@link DevProxy#close()} lets requests in flight finish, default 5 s
 *     ({@code SHUTDOWN_GRACE})
 * @param ioThreads event-loop threads, default the number of available processors ({@code IO_THREADS})
 * @param accessLog whether to log one line per request at INFO on logger {@code dev.devproxy.access}, default
 *     false ({@code ACCESS_LOG})
 * @param forwardProxy whether DevProxy also serves as a forward proxy: absolute-form requests no stub or route
 *     claims go to the host they name, and {@code CONNECT} opens a tunnel; default false ({@code FORWARD_PROXY})
 * @param forwardAllow the destinations a forward proxy may reach, comma-separated {@code host}, {@code *.domain}
 *     or {@code host:port} patterns, default localhost,127.0.0.1,[::1] ({@code FORWARD_ALLOW}); others get 403
 * @param tunnelIdleTimeout how long a tunnel (CONNECT, WebSocket) may carry no byte either way before both sides
 *     are closed, default 300 s ({@code TUNNEL_IDLE_TIMEOUT})
 * @param upstreamProxy the proxy DevProxy sends its own plain-http upstream traffic through, as
 *     {@code http://host:port}, in absolute-form; default none, the empty string ({@code http_proxy}, the
 *     lower-case name curl reads)
 * @param noProxy the upstream hosts reached directly despite {@code upstreamProxy}, comma-separated host names
 *     (each with its subdomains) or {@code *}, as curl reads {@code NO_PROXY}; default localhost,127.0.0.1,[::1]
 *     ({@code NO_PROXY})
 * @param tlsPort the port of an HTTPS listener beside the HTTP one, 0 for any free port, default none
 *     ({@link #NO_TLS_PORT}: no HTTPS listener) ({@code TLS_PORT})
 * @param tlsKeystore a PKCS12 or JKS keystore holding the HTTPS listener's key and certificate chain, default
 *     none: a certificate authority and a certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}
 *     are made in-process at start ({@code TLS_KEYSTORE})
 * @param tlsKeystorePassword the password of the keystore and of its key, default none (empty)
 *     ({@code TLS_KEYSTORE_PASSWORD})
 * @param tlsCertFile where the PEM certificate that clients must trust (the chain's root) is written at start,
 *     default none ({@code TLS_CERT_FILE})
 * @param tlsHandshakeTimeout time for a client's TLS handshake on the HTTPS listener, default 3 s; a client
 *     not done by then is closed. The request-line timeout also runs from the accept, handshake included
 *     ({@code TLS_HANDSHAKE_TIMEOUT}); intercepted CONNECTs have the same time for theirs
 * @param maxMatchBodySize the most body bytes held to match a request on its body (stubs' JSON, regex and
 *     custom body matchers, {@link Route#afterBody} routers), default 16777216 (16 MiB); a longer body is decided
 *     on its first that many bytes and streams on. Stubs' {@code withBody(String)} and
 *     {@code withBodyContaining(String)} read the body as it streams and are not bound by it
 *     ({@code MAX_MATCH_BODY_SIZE})
 * @param adminPort the port of the admin API, JSON over HTTP under {@code /__admin/} on a listener of its own,
 *     0 for any free port, default none ({@link #NO_ADMIN_PORT}: no admin API) ({@code ADMIN_PORT})
 * @param adminHost the address the admin API binds, default 127.0.0.1: reachable from this machine only unless
 *     set otherwise ({@code ADMIN_HOST})
 * @param adminToken the bearer token every admin request must carry ({@code Authorization: Bearer <token>}),
 *     default none, the empty string: no token asked for ({@code ADMIN_TOKEN})
 * @param interceptHosts the CONNECT destinations whose TLS DevProxy terminates itself (HTTPS interception), as
 *     {@code forwardAllow}'s patterns; default none, the empty string: every CONNECT is a tunnel. Needs
 *     {@code forwardProxy}; a destination must be allowed by {@code forwardAllow} too ({@code INTERCEPT_HOSTS})
 * @param interceptCaKeystore a PKCS12 keystore holding the CA that signs interception's leaf certificates,
 *     default none: a CA is made in-process at start, valid for 7 days ({@code INTERCEPT_CA_KEYSTORE})
 * @param interceptCaKeystorePassword the password of that keystore and of its key, default none (empty)
 *     ({@code INTERCEPT_CA_KEYSTORE_PASSWORD})
 * @param interceptCaFile where the interception CA's certificate is written as PEM at start, for
 *     {@code curl --cacert} or a browser, default none ({@code INTERCEPT_CA_FILE})
 * @param upstreamHttpsProxy the proxy that DevProxy's own HTTPS upstream traffic and clients' CONNECT tunnels go
 *     through, as {@code http://host:port}: a {@code CONNECT} to it for each connection, with TLS to the upstream
 *     inside; default none, the empty string: they go directly ({@code HTTPS_PROXY}). {@code noProxy} applies to
 *     it too
 */
public record Config(
        String host,
        int port,
        Upstream upstream,
        int maxConnections,
        ParserLimits limits,
        Duration requestLineTimeout,
        Duration headerTimeout,
        Duration bodyTimeout,
        long minBodyRate,
        Duration keepAliveTimeout,
        Duration writeTimeout,
        Duration upstreamConnectTimeout,
        Duration upstreamTimeout,
        Duration shutdownGrace,
        int ioThreads,
        boolean accessLog,
        boolean forwardProxy,
        String forwardAllow,
        Duration tunnelIdleTimeout,
        String upstreamProxy,
        String noProxy,
        int tlsPort,
        @Nullable Path tlsKeystore,
        String tlsKeystorePassword,
        @Nullable Path tlsCertFile,
        Duration tlsHandshakeTimeout,
        long maxMatchBodySize,
        int adminPort,
        String adminHost,
        String adminToken,
        String interceptHosts,
        @Nullable Path interceptCaKeystore,
        String interceptCaKeystorePassword,
        @Nullable Path interceptCaFile,
        String upstreamHttpsProxy) {

    /** {@link #tlsPort()} when there is no HTTPS listener. */
    public static final int NO_TLS_PORT = -1;

    /** {@link #adminPort()} when there is no admin API. */
    public static final int NO_ADMIN_PORT = -1;

    /**
     * Checks every setting.
     *
     * @param host the address to bind; not blank
     * @param port the port to bind, 0 to 65535; 0 picks a free one
     * @param upstream where the standard router forwards {@code /proxy/*}
     * @param maxConnections most client connections open at once, at least 1
     * @param limits the parsers' limits, for requests and responses
     * @param requestLineTimeout time to receive the request line; positive
     * @param headerTimeout time to receive the header section after the request line; positive
     * @param bodyTimeout time to receive the body after the head; positive
     * @param minBodyRate bytes a second that earn a body one more second beyond the body timeout; 0 or more
     * @param keepAliveTimeout how long an idle persistent connection is kept; positive
     * @param writeTimeout how long a response write may make no progress; positive
     * @param upstreamConnectTimeout time to connect to an upstream; positive
     * @param upstreamTimeout time for an upstream to answer, and most time between two reads; positive
     * @param shutdownGrace how long {@link DevProxy#close()} lets requests in flight finish; zero or more
     * @param ioThreads the number of event-loop threads, at least 1
     * @param accessLog whether to log one line per request
     * @param forwardProxy whether absolute-form requests and CONNECT reach the hosts they name
     * @param forwardAllow the destinations a forward proxy may reach; valid patterns, not blank
     * @param tunnelIdleTimeout how long a tunnel may carry no byte; positive
     * @param upstreamProxy {@code http://host:port} of the next proxy, or empty for none
     * @param noProxy the upstream hosts reached directly
     * @param tlsPort the HTTPS listener's port, 0 to 65535, or {@link #NO_TLS_PORT} for none
     * @param tlsKeystore the HTTPS listener's keystore, or null to make a certificate at start
     * @param tlsKeystorePassword the keystore's password; empty for none
     * @param tlsCertFile where to write the PEM certificate clients must trust, or null
     * @param tlsHandshakeTimeout time for a client's TLS handshake; positive
     * @param maxMatchBodySize the most body bytes held to match a request on its body; 0 or more
     * @param adminPort the admin API's port, 0 to 65535, or {@link #NO_ADMIN_PORT} for none
     * @param adminHost the address the admin API binds; not blank
     * @param adminToken the bearer token the admin API requires; empty for none
     * @param interceptHosts the CONNECT destinations to intercept, as {@code forwardAllow}'s patterns; empty for
     *     none, otherwise only with {@code forwardProxy}
     * @param interceptCaKeystore the PKCS12 keystore of the interception CA, or null to make one at start
     * @param interceptCaKeystorePassword that keystore's password; empty for none
     * @param interceptCaFile where to write the interception CA's PEM certificate at start, or null
     * @param upstreamHttpsProxy {@code http://host:port} of the next proxy for HTTPS upstreams, or empty for none
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public Config {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(limits, "limits");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1, was " + ioThreads);
        }
        requirePositive("requestLineTimeout", requestLineTimeout);
        requirePositive("headerTimeout", headerTimeout);
        requirePositive("bodyTimeout", bodyTimeout);
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("minBodyRate must not be negative, was " + minBodyRate);
        }
        requirePositive("keepAliveTimeout", keepAliveTimeout);
        requirePositive("writeTimeout", writeTimeout);
        requirePositive("upstreamConnectTimeout", upstreamConnectTimeout);
        requirePositive("upstreamTimeout", upstreamTimeout);
        if (tlsPort < NO_TLS_PORT || tlsPort > 65_535) {
            throw new IllegalArgumentException("tlsPort must be 0 to 65535, was " + tlsPort);
        }
        Objects.requireNonNull(tlsKeystorePassword, "tlsKeystorePassword");
        requirePositive("tlsHandshakeTimeout", tlsHandshakeTimeout);
        if (adminPort < NO_ADMIN_PORT || adminPort > 65_535) {
            throw new IllegalArgumentException("adminPort must be 0 to 65535, or -1 for none, was " + adminPort);
        }
        Objects.requireNonNull(adminHost, "adminHost");
        if (adminHost.isBlank()) {
            throw new IllegalArgumentException("adminHost must not be blank");
        }
        Objects.requireNonNull(adminToken, "adminToken");
        for (int i = 0; i < adminToken.length(); i++) {
            char c = adminToken.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                // RFC 6750 section 2.1: b64token, visible ASCII; anything else could never be sent in the field.
                throw new IllegalArgumentException("adminToken must be visible ASCII without spaces");
            }
        }
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative, was " + shutdownGrace);
        }
        Objects.requireNonNull(forwardAllow, "forwardAllow");
        ForwardAllowList.parse(forwardAllow); // throws naming the bad pattern
        requirePositive("tunnelIdleTimeout", tunnelIdleTimeout);
        Objects.requireNonNull(upstreamProxy, "upstreamProxy");
        Objects.requireNonNull(noProxy, "noProxy");
        if (!upstreamProxy.isEmpty()) {
            Upstream.parse(upstreamProxy); // throws naming the value
        }
        if (maxMatchBodySize < 0) {
            throw new IllegalArgumentException("maxMatchBodySize must not be negative, was " + maxMatchBodySize);
        }
        Objects.requireNonNull(upstreamHttpsProxy, "upstreamHttpsProxy");
        if (!upstreamHttpsProxy.isEmpty() && Upstream.parse(upstreamHttpsProxy).tls()) {
            throw new IllegalArgumentException("upstreamHttpsProxy must be http://host:port (TLS to the proxy itself"
                    + " is not supported), was " + upstreamHttpsProxy);
        }
        Objects.requireNonNull(interceptHosts, "interceptHosts");
        Objects.requireNonNull(interceptCaKeystorePassword, "interceptCaKeystorePassword");
        if (!interceptHosts.isBlank()) {
            try {
                ForwardAllowList.parse(interceptHosts);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("interceptHosts: " + e.getMessage(), e);
            }
            if (!forwardProxy) {
                throw new IllegalArgumentException("interceptHosts needs forwardProxy: interception applies to CONNECT,"
                        + " which only a forward proxy answers");
            }
        }
    }

    /**
     * Every setting but the HTTPS listener's, which is then off: the constructor of the releases before it.
     *
     * @param host the address to bind; not blank
     * @param port the port to bind, 0 to 65535; 0 picks a free one
     * @param upstream where the standard router forwards {@code /proxy/*}
     * @param maxConnections most client connections open at once, at least 1
     * @param limits the parsers' limits, for requests and responses
     * @param requestLineTimeout time to receive the request line; positive
     * @param headerTimeout time to receive the header section after the request line; positive
     * @param bodyTimeout time to receive the body after the head; positive
     * @param minBodyRate bytes a second that earn a body one more second beyond the body timeout; 0 or more
     * @param keepAliveTimeout how long an idle persistent connection is kept; positive
     * @param writeTimeout how long a response write may make no progress; positive
     * @param upstreamConnectTimeout time to connect to an upstream; positive
     * @param upstreamTimeout time for an upstream to answer, and most time between two reads; positive
     * @param shutdownGrace how long {@link DevProxy#close()} lets requests in flight finish; zero or more
     * @param ioThreads the number of event-loop threads, at least 1
     * @param accessLog whether to log one line per request
     * @throws IllegalArgumentException naming the first setting out of range
     * @deprecated the settings added since (forward proxy, tunnels, chaining, the HTTPS listener) take their
     *     defaults here; build a configuration with {@link #builder()} or {@link #toBuilder()}, which keeps
     *     compiling as settings are added. Goes in the next release.
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public Config(String host, int port, Upstream upstream, int maxConnections, ParserLimits limits,
            Duration requestLineTimeout, Duration headerTimeout, Duration bodyTimeout, long minBodyRate,
            Duration keepAliveTimeout, Duration writeTimeout, Duration upstreamConnectTimeout, Duration upstreamTimeout,
            Duration shutdownGrace, int ioThreads, boolean accessLog) {
        this(host, port, upstream, maxConnections, limits, requestLineTimeout, headerTimeout, bodyTimeout, minBodyRate,
                keepAliveTimeout, writeTimeout, upstreamConnectTimeout, upstreamTimeout, shutdownGrace, ioThreads,
                accessLog, Defaults.CONFIG.forwardProxy, Defaults.CONFIG.forwardAllow, Defaults.CONFIG.tunnelIdleTimeout,
                Defaults.CONFIG.upstreamProxy, Defaults.CONFIG.noProxy, Defaults.CONFIG.tlsPort,
                Defaults.CONFIG.tlsKeystore, Defaults.CONFIG.tlsKeystorePassword, Defaults.CONFIG.tlsCertFile,
                Defaults.CONFIG.tlsHandshakeTimeout, Defaults.CONFIG.maxMatchBodySize, Defaults.CONFIG.adminPort,
                Defaults.CONFIG.adminHost, Defaults.CONFIG.adminToken, Defaults.CONFIG.interceptHosts,
                Defaults.CONFIG.interceptCaKeystore, Defaults.CONFIG.interceptCaKeystorePassword,
                Defaults.CONFIG.interceptCaFile, Defaults.CONFIG.upstreamHttpsProxy);
    }

    /** The table's defaults, made once, for the settings the deprecated constructor does not take. */
    private static final class Defaults {
        static final Config CONFIG = Config.defaults();
    }

    /**
     * Whether the setting named {@code component} is a secret, which {@link #toString()} and the admin API's
     * settings show masked: the keystores' passwords and the admin token.
     *
     * @param component a record component's name, such as {@code adminToken}
     * @return true for a secret
     */
    public static boolean isSecret(String component) {
        return component.equals("tlsKeystorePassword") || component.equals("adminToken")
                || component.equals("interceptCaKeystorePassword");
    }

    /** Every setting by name, as a record's would be, but with the secrets ({@link #isSecret}) masked. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Config[");
        java.lang.reflect.RecordComponent[] components = Config.class.getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            Object value;
            try {
                value = components[i].getAccessor().invoke(this);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (isSecret(name) && !"".equals(value)) {
                value = "****";
            }
            text.append(i == 0 ? "" : ", ").append(name).append('=').append(value);
        }
        return text.append(']').toString();
    }

    /**
     * Whether an HTTPS listener is configured.
     *
     * @return true when {@link #tlsPort()} is not {@link #NO_TLS_PORT}
     */
    public boolean hasTlsListener() {
        return tlsPort != NO_TLS_PORT;
    }

    /**
     * Whether the admin API is on.
     *
     * @return true when {@link #adminPort()} is not {@link #NO_ADMIN_PORT}
     */
    public boolean hasAdminListener() {
        return adminPort != NO_ADMIN_PORT;
    }

    /**
     * The defaults: DevProxy's default limits and timeouts, bound to 127.0.0.1:8889, upstream localhost:3001.
     *
     * @return the default configuration
     */
    public static Config defaults() {
        return new Builder().build();
    }

    /**
     * The defaults overridden by this process's environment variables.
     *
     * @return the configuration for this process's environment
     * @see #fromEnv(Map)
     * @throws IllegalArgumentException naming the variable and its value when a value is malformed or out of range
     */
    public static Config fromEnv() {
        return fromEnv(System.getenv());
    }

    /**
     * The defaults overridden by the given environment; variables it does not know are ignored.
     *
     * @param environment variable names mapped to their values, such as {@link System#getenv()}
     * @return the defaults with the known variables applied
     * @throws IllegalArgumentException naming the variable and its value when a value is malformed or out of
     *     range
     */
    public static Config fromEnv(Map<String, String> environment) {
        return Setting.fromEnvironment(environment).build();
    }

    /**
     * What {@code java -jar devproxy-core.jar} makes of its command line: the defaults, overridden by the
     * variables of {@code environment}, overridden by the flags of {@code args} ({@code --port 8080} or
     * {@code --port=8080}; {@link #usage()} lists them).
     *
     * @param args flags and their values
     * @param environment variable names mapped to their values, such as {@link System#getenv()}
     * @return the configuration
     * @throws IllegalArgumentException naming the flag or variable, and its value, when one is unknown, has no
     *     value, is malformed or is out of range
     */
    public static Config fromCommandLine(String[] args, Map<String, String> environment) {
        SettingsReader settings = Setting.fromEnvironment(environment);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            Setting setting = Setting.forFlag(name);
            if (setting == null) {
                throw new IllegalArgumentException("unknown flag " + name);
            }
            settings.set(setting, value, name);
        }
        return settings.build();
    }

    /**
     * The table of flags, environment variables, defaults and meanings that {@code --help} prints.
     *
     * @return the usage text, one line per setting after a short header
     */
    public static String usage() {
        StringBuilder text = new StringBuilder()
                .append("Usage: java -jar devproxy-core.jar [--flag value | --flag=value]...\n\n")
                .append("DevProxy: echo on every path, /proxy/* forwarded to the upstream, /metrics in Prometheus text.\n")
                .append("Each flag has an environment variable; a flag wins over its variable. Times are in seconds.\n\n")
                .append(String.format("%-28s %-26s %-22s %s%n", "flag", "environment variable", "default", "meaning"));
        for (Setting setting : Setting.values()) {
            text.append(String.format("%-28s %-26s %-22s %s%n", setting.flag(), setting.environmentVariable(),
                    setting.defaultValue(), setting.description()));
        }
        return text.toString();
    }

    /**
     * A builder holding this configuration, to change some settings.
     *
     * @return a new builder starting from this configuration
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder starting from {@link #defaults()}
     */
    public static Builder builder() {
        return new Builder();
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /**
     * Builds a {@link Config}; every setting starts at its default, read from the one table of settings (the
     * defaults {@code --help} and the README list). Not thread-safe.
     */
    public static final class Builder {
        String host;
        int port;
        // The upstream's parts are kept apart, so its host and port can be set in any order.
        String upstreamHost;
        int upstreamPort;
        /** {@code true}, {@code false} or {@code auto}: see {@link #upstreamTls(String)}. */
        String upstreamTls;
        int maxConnections;
        // The limits are kept apart and combined in build(), so they can be set in any order.
        int maxRequestLineLength;
        int maxHeaderLineLength;
        int maxHeaderCount;
        int maxHeaderSectionSize;
        long maxBodySize;
        int maxChunkLineLength = ParserLimits.defaults().maxChunkLineLength();
        long maxResponseBodySize = ParserLimits.defaults().maxResponseBodySize();
        Duration requestLineTimeout;
        Duration headerTimeout;
        Duration bodyTimeout;
        long minBodyRate;
        Duration keepAliveTimeout;
        Duration writeTimeout;
        Duration upstreamConnectTimeout;
        Duration upstreamTimeout;
        Duration shutdownGrace;
        int ioThreads = Runtime.getRuntime().availableProcessors();
        boolean accessLog;
        boolean forwardProxy;
        String forwardAllow;
        Duration tunnelIdleTimeout;
        String upstreamProxy;
        String noProxy;
        int tlsPort;
        @Nullable Path tlsKeystore;
        String tlsKeystorePassword;
        @Nullable Path tlsCertFile;
        Duration tlsHandshakeTimeout;
        long maxMatchBodySize;
        int adminPort;
        String adminHost;
        String adminToken;
        String interceptHosts;
        @Nullable Path interceptCaKeystore;
        String interceptCaKeystorePassword;
        @Nullable Path interceptCaFile;
        String upstreamHttpsProxy;

        @SuppressWarnings("NullAway") // every field without an initialiser is set by its row of the table
        Builder() {
            for (Setting setting : Setting.values()) {
                setting.applyDefault(this);
            }
        }

        Builder(Config config) {
            host = config.host;
            port = config.port;
            upstream(config.upstream);
            maxConnections = config.maxConnections;
            limits(config.limits);
            requestLineTimeout = config.requestLineTimeout;
            headerTimeout = config.headerTimeout;
            bodyTimeout = config.bodyTimeout;
            minBodyRate = config.minBodyRate;
            keepAliveTimeout = config.keepAliveTimeout;
            writeTimeout = config.writeTimeout;
            upstreamConnectTimeout = config.upstreamConnectTimeout;
            upstreamTimeout = config.upstreamTimeout;
            shutdownGrace = config.shutdownGrace;
            ioThreads = config.ioThreads;
            accessLog = config.accessLog;
            forwardProxy = config.forwardProxy;
            forwardAllow = config.forwardAllow;
            tunnelIdleTimeout = config.tunnelIdleTimeout;
            upstreamProxy = config.upstreamProxy;
            noProxy = config.noProxy;
            tlsPort = config.tlsPort;
            tlsKeystore = config.tlsKeystore;
            tlsKeystorePassword = config.tlsKeystorePassword;
            tlsCertFile = config.tlsCertFile;
            tlsHandshakeTimeout = config.tlsHandshakeTimeout;
            maxMatchBodySize = config.maxMatchBodySize;
            adminPort = config.adminPort;
            adminHost = config.adminHost;
            adminToken = config.adminToken;
            interceptHosts = config.interceptHosts;
            interceptCaKeystore = config.interceptCaKeystore;
            interceptCaKeystorePassword = config.interceptCaKeystorePassword;
            interceptCaFile = config.interceptCaFile;
            upstreamHttpsProxy = config.upstreamHttpsProxy;
        }

        /**
         * The address to bind.
         *
         * @param host the address to bind; not blank
         * @return this builder
         */
        public Builder host(String host) { this.host = host; return this; }

        /**
         * The port to bind; 0 picks a free one.
         *
         * @param port the port to bind, 0 to 65535; 0 picks a free one
         * @return this builder
         */
        public Builder port(int port) { this.port = port; return this; }

        /**
         * The standard router's upstream.
         *
         * @param upstream the host and port to forward to, and whether over HTTPS
         * @return this builder
         */
        public Builder upstream(Upstream upstream) {
            this.upstreamHost = upstream.host();
            this.upstreamPort = upstream.port();
            this.upstreamTls = Boolean.toString(upstream.tls());
            return this;
        }

        /**
         * The standard router's upstream host, keeping its port.
         *
         * @param host the upstream's host name or address
         * @return this builder
         */
        public Builder upstreamHost(String host) {
            Upstream.of(host, 1); // checked now, so that an error names the variable or flag that set it
            this.upstreamHost = host;
            return this;
        }

        /**
         * The standard router's upstream port, keeping its host.
         *
         * @param port the upstream's port
         * @return this builder
         */
        public Builder upstreamPort(int port) {
            Upstream.of("localhost", port); // checked now, so that an error names the variable or flag that set it
            this.upstreamPort = port;
            return this;
        }

        /**
         * Whether the standard router's upstream speaks HTTPS, keeping its host and port: {@code true},
         * {@code false}, or {@code auto} (HTTPS when the port is 443), as {@code UPSTREAM_TLS} reads.
         *
         * @param mode {@code true}, {@code false} or {@code auto}
         * @return this builder
         * @throws IllegalArgumentException for any other value
         */
        public Builder upstreamTls(String mode) {
            String lower = mode.toLowerCase(java.util.Locale.ROOT);
            if (!lower.equals("true") && !lower.equals("false") && !lower.equals("auto")) {
                throw new IllegalArgumentException("not true, false or auto");
            }
            this.upstreamTls = lower;
            return this;
        }

        /**
         * The most client connections open at once.
         *
         * @param maxConnections the limit, at least 1
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) { this.maxConnections = maxConnections; return this; }

        /**
         * The parsers' limits, all at once, for requests and responses.
         *
         * @param limits the limits; replaces any single limit set before
         * @return this builder
         */
        public Builder limits(ParserLimits limits) {
            maxRequestLineLength = limits.maxRequestLineLength();
            maxHeaderLineLength = limits.maxHeaderLineLength();
            maxHeaderCount = limits.maxHeaderCount();
            maxHeaderSectionSize = limits.maxHeaderSectionSize();
            maxBodySize = limits.maxBodySize();
            maxChunkLineLength = limits.maxChunkLineLength();
            maxResponseBodySize = limits.maxResponseBodySize();
            return this;
        }

        /**
         * The longest request line, in bytes (414 beyond).
         *
         * @param bytes the limit in bytes, at least 16
         * @return this builder
         */
        public Builder maxRequestLineLength(int bytes) { this.maxRequestLineLength = bytes; return this; }

        /**
         * The longest header field line, in bytes (431 beyond).
         *
         * @param bytes the limit in bytes, at least 16
         * @return this builder
         */
        public Builder maxHeaderLineLength(int bytes) { this.maxHeaderLineLength = bytes; return this; }

        /**
         * The most header fields in a request (431 beyond).
         *
         * @param count the limit, at least 1
         * @return this builder
         */
        public Builder maxHeaderCount(int count) { this.maxHeaderCount = count; return this; }

        /**
         * The most bytes in a header section (431 beyond).
         *
         * @param bytes the limit in bytes, at least the longest header field line
         * @return this builder
         */
        public Builder maxHeaderSectionSize(int bytes) { this.maxHeaderSectionSize = bytes; return this; }

        /**
         * The largest request body, in bytes (413 beyond).
         *
         * @param bytes the limit in bytes, 0 or more; {@link Long#MAX_VALUE} for no limit
         * @return this builder
         */
        public Builder maxBodySize(long bytes) { this.maxBodySize = bytes; return this; }

        /**
         * The most body bytes held to match a request on its body; a longer body is decided on its first bytes.
         *
         * @param bytes the limit in bytes, 0 or more
         * @return this builder
         */
        public Builder maxMatchBodySize(long bytes) { this.maxMatchBodySize = bytes; return this; }

        /**
         * Time to receive the request line.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder requestLineTimeout(Duration timeout) { this.requestLineTimeout = timeout; return this; }

        /**
         * Time to receive the header section after the request line.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder headerTimeout(Duration timeout) { this.headerTimeout = timeout; return this; }

        /**
         * Time to receive the body after the head.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder bodyTimeout(Duration timeout) { this.bodyTimeout = timeout; return this; }

        /**
         * Bytes a second that earn a body one more second beyond the body timeout; 0 for a flat timeout.
         *
         * @param bytesPerSecond the rate, 0 or more; 0 for a flat body timeout
         * @return this builder
         */
        public Builder minBodyRate(long bytesPerSecond) { this.minBodyRate = bytesPerSecond; return this; }

        /**
         * How long an idle persistent connection is kept.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder keepAliveTimeout(Duration timeout) { this.keepAliveTimeout = timeout; return this; }

        /**
         * How long a response write may make no progress before the client is cut off.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder writeTimeout(Duration timeout) { this.writeTimeout = timeout; return this; }

        /**
         * Time to connect to an upstream.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder upstreamConnectTimeout(Duration timeout) { this.upstreamConnectTimeout = timeout; return this; }

        /**
         * Time for an upstream to answer, and most time between two reads of its response.
         *
         * @param timeout the timeout; positive
         * @return this builder
         */
        public Builder upstreamTimeout(Duration timeout) { this.upstreamTimeout = timeout; return this; }

        /**
         * How long {@code close()} lets requests in flight finish.
         *
         * @param grace the grace period; zero or more
         * @return this builder
         */
        public Builder shutdownGrace(Duration grace) { this.shutdownGrace = grace; return this; }

        /**
         * The number of event-loop threads.
         *
         * @param ioThreads the number of threads, at least 1
         * @return this builder
         */
        public Builder ioThreads(int ioThreads) { this.ioThreads = ioThreads; return this; }

        /**
         * Whether to write an access log line per request.
         *
         * @param accessLog true to log one line per request
         * @return this builder
         */
        public Builder accessLog(boolean accessLog) { this.accessLog = accessLog; return this; }

        /**
         * Whether to serve as a forward proxy too: absolute-form requests no route claims go to the host they
         * name, and {@code CONNECT host:port} opens a tunnel, both only to destinations {@link #forwardAllow} allows.
         *
         * @param forwardProxy true to forward to the hosts requests name
         * @return this builder
         */
        public Builder forwardProxy(boolean forwardProxy) { this.forwardProxy = forwardProxy; return this; }

        /**
         * The destinations a forward proxy may reach: comma-separated {@code host}, {@code *.domain} (any host
         * under it, not the domain itself) or {@code host:port} patterns; IPv6 hosts in brackets.
         *
         * @param patterns the allowed destinations, such as {@code localhost,*.test,example.com:8443}
         * @return this builder
         */
        public Builder forwardAllow(String patterns) { this.forwardAllow = patterns; return this; }

        /**
         * How long a tunnel may carry no byte either way before both of its sides are closed.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder tunnelIdleTimeout(Duration timeout) { this.tunnelIdleTimeout = timeout; return this; }

        /**
         * The proxy to send plain-http upstream traffic through, as {@code http://host:port}; empty for none.
         *
         * @param uri the next proxy, or the empty string
         * @return this builder
         */
        public Builder upstreamProxy(String uri) { this.upstreamProxy = uri; return this; }

        /**
         * The upstream hosts reached directly despite {@link #upstreamProxy}: comma-separated host names, each
         * matching itself and its subdomains, or {@code *}.
         *
         * @param hosts the hosts, such as {@code localhost,internal.example}
         * @return this builder
         */
        public Builder noProxy(String hosts) { this.noProxy = hosts; return this; }

        /**
         * The port of an HTTPS listener beside the HTTP one; 0 picks a free one, {@link #NO_TLS_PORT} for none.
         *
         * @param port 0 to 65535, or {@link #NO_TLS_PORT}
         * @return this builder
         */
        public Builder tlsPort(int port) { this.tlsPort = port; return this; }

        /**
         * The HTTPS listener's keystore (PKCS12 or JKS), or null to make a certificate at start.
         *
         * @param keystore the keystore file, or null
         * @return this builder
         */
        public Builder tlsKeystore(@Nullable Path keystore) { this.tlsKeystore = keystore; return this; }

        /**
         * The password of the keystore and of its key.
         *
         * @param password the password; empty for none
         * @return this builder
         */
        public Builder tlsKeystorePassword(String password) { this.tlsKeystorePassword = password; return this; }

        /**
         * Where the PEM certificate clients must trust is written at start, or null for nowhere.
         *
         * @param file the file, replaced if it exists, or null
         * @return this builder
         */
        public Builder tlsCertFile(@Nullable Path file) { this.tlsCertFile = file; return this; }

        /**
         * The time a client has for its TLS handshake on the HTTPS listener.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder tlsHandshakeTimeout(Duration timeout) { this.tlsHandshakeTimeout = timeout; return this; }

        /**
         * The port of the admin API; 0 picks a free one, {@link #NO_ADMIN_PORT} for none.
         *
         * @param port 0 to 65535, or {@link #NO_ADMIN_PORT}
         * @return this builder
         */
        public Builder adminPort(int port) { this.adminPort = port; return this; }

        /**
         * The address the admin API binds.
         *
         * @param host an address or host name; not blank
         * @return this builder
         */
        public Builder adminHost(String host) { this.adminHost = host; return this; }

        /**
         * The bearer token the admin API requires; empty for none.
         *
         * @param token visible ASCII without spaces, or empty
         * @return this builder
         */
        public Builder adminToken(String token) { this.adminToken = token; return this; }

        /**
         * The CONNECT destinations whose TLS is intercepted: {@link #forwardAllow}'s patterns, comma-separated;
         * empty for none. Needs {@link #forwardProxy}.
         *
         * @param patterns the destinations, such as {@code localhost,*.example.test}, or empty
         * @return this builder
         */
        public Builder interceptHosts(String patterns) { this.interceptHosts = patterns; return this; }

        /**
         * The PKCS12 keystore of the CA that signs interception's leaves, or null to make one at start.
         *
         * @param keystore the keystore file, or null
         * @return this builder
         */
        public Builder interceptCaKeystore(@Nullable Path keystore) { this.interceptCaKeystore = keystore; return this; }

        /**
         * The password of the interception CA's keystore and of its key.
         *
         * @param password the password; empty for none
         * @return this builder
         */
        public Builder interceptCaKeystorePassword(String password) {
            this.interceptCaKeystorePassword = password;
            return this;
        }

        /**
         * Where the interception CA's PEM certificate is written at start, or null for nowhere.
         *
         * @param file the file, replaced if it exists, or null
         * @return this builder
         */
        public Builder interceptCaFile(@Nullable Path file) { this.interceptCaFile = file; return this; }

        /**
         * The proxy DevProxy's HTTPS upstream traffic goes through with {@code CONNECT}, as {@code http://host:port},
         * or the empty string for none.
         *
         * @param uri the next proxy, or empty
         * @return this builder
         */
        public Builder upstreamHttpsProxy(String uri) { this.upstreamHttpsProxy = uri; return this; }

        /**
         * Returns the configuration.
         *
         * @return a new configuration holding the settings
         * @throws IllegalArgumentException naming the first setting out of range
         */
        public Config build() {
            ParserLimits limits = new ParserLimits(maxRequestLineLength, maxHeaderLineLength, maxHeaderCount,
                    maxHeaderSectionSize, maxBodySize, maxChunkLineLength, maxResponseBodySize);
            return new Config(host, port, Upstream.of(upstreamHost, upstreamPort, switch (upstreamTls) {
                        case "true" -> true;
                        case "false" -> false;
                        default -> upstreamPort == Upstream.HTTPS_PORT;
                    }), maxConnections, limits,
                    requestLineTimeout, headerTimeout,
                    bodyTimeout, minBodyRate, keepAliveTimeout, writeTimeout, upstreamConnectTimeout, upstreamTimeout,
                    shutdownGrace, ioThreads, accessLog, forwardProxy, forwardAllow, tunnelIdleTimeout,
                    upstreamProxy, noProxy,
                    tlsPort, tlsKeystore, tlsKeystorePassword, tlsCertFile,
                    tlsHandshakeTimeout, maxMatchBodySize, adminPort, adminHost, adminToken, interceptHosts,
                    interceptCaKeystore, interceptCaKeystorePassword, interceptCaFile, upstreamHttpsProxy);
        }
    }
}
