package dev.devproxy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The one table of settings: each row's environment variable, its flag, its default and what it does. The
 * {@link Config.Builder}'s defaults are read from this table, {@link Config#fromEnv}, the command line and
 * {@code --help} all go through it, and a test checks the Javadoc and the README's table against it, so none
 * of them can disagree.
 */
enum Setting {
    HOST("DEVPROXY_HOST", "host", "127.0.0.1", "address to bind; 0.0.0.0 for all interfaces",
            (b, v) -> b.host(v)),
    PORT("DEVPROXY_PORT", "port", "8889", "port to bind; 0 picks a free port",
            (b, v) -> b.port(parseInt(v))),
    UPSTREAM_HOST("UPSTREAM_HOST", "upstream", "localhost", "host that /proxy/* is forwarded to",
            (b, v) -> b.upstreamHost(v)),
    UPSTREAM_PORT("UPSTREAM_PORT", "upstream", "3001", "port that /proxy/* is forwarded to",
            (b, v) -> b.upstreamPort(parseInt(v))),
    UPSTREAM_TLS("UPSTREAM_TLS", "upstream", "auto",
            "whether /proxy/* is forwarded over HTTPS: true, false, or auto (HTTPS when the port is 443)",
            (b, v) -> b.upstreamTls(v)),
    MAX_CONNECTIONS("MAX_CONNECTIONS", "maxConnections", "1000", "most client connections open at once; more wait in the backlog",
            (b, v) -> b.maxConnections(parseInt(v))),
    MAX_REQUEST_LINE("MAX_REQUEST_LINE", "maxRequestLineLength", "4096", "longest request line in bytes (414 beyond; an upstream status line over it is a 502)",
            (b, v) -> b.maxRequestLineLength(parseInt(v))),
    MAX_HEADER_SIZE("MAX_HEADER_SIZE", "maxHeaderLineLength", "8192", "longest header field line in bytes (431 beyond; 502 in an upstream response)",
            (b, v) -> b.maxHeaderLineLength(parseInt(v))),
    MAX_HEADERS("MAX_HEADERS", "maxHeaderCount", "100", "most header fields in a request (431 beyond) or an upstream response (502)",
            (b, v) -> b.maxHeaderCount(parseInt(v))),
    MAX_TOTAL_HEADERS("MAX_TOTAL_HEADERS", "maxHeaderSectionSize", "65536", "most bytes in a header section (431 beyond; 502 in an upstream response)",
            (b, v) -> b.maxHeaderSectionSize(parseInt(v))),
    MAX_BODY_SIZE("MAX_BODY_SIZE", "maxBodySize", "10000000", "largest request body in bytes (413 beyond)",
            (b, v) -> b.maxBodySize(parseLong(v))),
    MAX_MATCH_BODY_SIZE("MAX_MATCH_BODY_SIZE", "maxMatchBodySize", "16777216",
            "most body bytes held to match a request on its body; a longer body is decided on its first bytes",
            (b, v) -> b.maxMatchBodySize(parseLong(v))),
    REQUEST_TIMEOUT("REQUEST_TIMEOUT", "requestLineTimeout", "5", "seconds to receive the request line (408 beyond)",
            (b, v) -> b.requestLineTimeout(parseSeconds(v))),
    HEADER_TIMEOUT("HEADER_TIMEOUT", "headerTimeout", "10", "seconds to receive the headers after the request line (408 beyond)",
            (b, v) -> b.headerTimeout(parseSeconds(v))),
    BODY_TIMEOUT("BODY_TIMEOUT", "bodyTimeout", "30", "seconds to receive the body after the head (408 beyond)",
            (b, v) -> b.bodyTimeout(parseSeconds(v))),
    MIN_BODY_RATE("MIN_BODY_RATE", "minBodyRate", "500",
            "bytes a second that earn a body one more second beyond the body timeout; 0 for none",
            (b, v) -> b.minBodyRate(parseLong(v))),
    KEEP_ALIVE_TIMEOUT("KEEP_ALIVE_TIMEOUT", "keepAliveTimeout", "30", "seconds an idle persistent connection is kept",
            (b, v) -> b.keepAliveTimeout(parseSeconds(v))),
    WRITE_TIMEOUT("WRITE_TIMEOUT", "writeTimeout", "30", "seconds a response write may make no progress before the client is cut off",
            (b, v) -> b.writeTimeout(parseSeconds(v))),
    UPSTREAM_CONNECT_TIMEOUT("UPSTREAM_CONNECT_TIMEOUT", "upstreamConnectTimeout", "5", "seconds to connect to an upstream (504 beyond)",
            (b, v) -> b.upstreamConnectTimeout(parseSeconds(v))),
    UPSTREAM_TIMEOUT("UPSTREAM_TIMEOUT", "upstreamTimeout", "30", "seconds for an upstream to answer, or between two reads of its response (504 beyond)",
            (b, v) -> b.upstreamTimeout(parseSeconds(v))),
    SHUTDOWN_GRACE("SHUTDOWN_GRACE", "shutdownGrace", "5", "seconds that stopping lets requests in flight finish",
            (b, v) -> b.shutdownGrace(parseSeconds(v))),
    IO_THREADS("IO_THREADS", "ioThreads", "processors", "event-loop threads",
            (b, v) -> b.ioThreads(parseInt(v))),
    ACCESS_LOG("ACCESS_LOG", "accessLog", "false", "log one line per request (logger dev.devproxy.access)",
            (b, v) -> b.accessLog(parseBoolean(v))),
    FORWARD_PROXY("FORWARD_PROXY", "forwardProxy", "false", "serve as a forward proxy too: absolute-form requests and CONNECT reach the hosts they name",
            (b, v) -> b.forwardProxy(parseBoolean(v))),
    FORWARD_ALLOW("FORWARD_ALLOW", "forwardAllow", "localhost,127.0.0.1,[::1]", "destinations a forward proxy may reach: host, *.domain or host:port, comma-separated (403 for others)",
            (b, v) -> b.forwardAllow(v)),
    TUNNEL_IDLE_TIMEOUT("TUNNEL_IDLE_TIMEOUT", "tunnelIdleTimeout", "300", "seconds a tunnel (CONNECT, WebSocket) may carry no byte before it is closed",
            (b, v) -> b.tunnelIdleTimeout(parseSeconds(v))),
    // curl reads http_proxy in lower case only (the upper-case name can be set by a CGI request's Proxy field).
    UPSTREAM_PROXY("http_proxy", "upstreamProxy", "", "http://host:port of a proxy for DevProxy's own upstream traffic; empty for none",
            (b, v) -> b.upstreamProxy(v)),
    UPSTREAM_HTTPS_PROXY("HTTPS_PROXY", "upstreamHttpsProxy", "",
            "http://host:port of a proxy for DevProxy's own HTTPS upstream traffic and CONNECT tunnels; empty for none",
            (b, v) -> b.upstreamHttpsProxy(v)),
    NO_PROXY("NO_PROXY", "noProxy", "localhost,127.0.0.1,[::1]", "upstream hosts (and their subdomains) reached directly despite http_proxy; * for all",
            (b, v) -> b.noProxy(v)),
    TLS_PORT("TLS_PORT", "tlsPort", "none", "port of an HTTPS listener beside the HTTP one; 0 picks a free port",
            (b, v) -> b.tlsPort(isNone(v) ? Config.NO_TLS_PORT : parseInt(v))),
    TLS_KEYSTORE("TLS_KEYSTORE", "tlsKeystore", "none",
            "PKCS12 or JKS keystore of the HTTPS listener; none: a certificate for localhost is made at start",
            (b, v) -> b.tlsKeystore(isNone(v) ? null : java.nio.file.Path.of(v))),
    TLS_KEYSTORE_PASSWORD("TLS_KEYSTORE_PASSWORD", "tlsKeystorePassword", "none", "password of the keystore and its key",
            (b, v) -> b.tlsKeystorePassword(isNone(v) ? "" : v)),
    TLS_CERT_FILE("TLS_CERT_FILE", "tlsCertFile", "none", "file the PEM certificate that clients must trust is written to",
            (b, v) -> b.tlsCertFile(isNone(v) ? null : java.nio.file.Path.of(v))),
    TLS_HANDSHAKE_TIMEOUT("TLS_HANDSHAKE_TIMEOUT", "tlsHandshakeTimeout", "3",
            "seconds for a client's TLS handshake on the HTTPS listener (closed beyond)",
            (b, v) -> b.tlsHandshakeTimeout(parseSeconds(v))),
    ADMIN_PORT("ADMIN_PORT", "adminPort", "none",
            "port of the admin API (JSON under /__admin/); none or -1: off; 0 picks a free port",
            (b, v) -> b.adminPort(isNone(v) ? Config.NO_ADMIN_PORT : parseInt(v))),
    ADMIN_HOST("ADMIN_HOST", "adminHost", "127.0.0.1",
            "address the admin API binds; loopback unless set otherwise (then set ADMIN_TOKEN too)",
            (b, v) -> b.adminHost(v)),
    ADMIN_TOKEN("ADMIN_TOKEN", "adminToken", "none",
            "bearer token the admin API requires (Authorization: Bearer ...); none: no token",
            (b, v) -> b.adminToken(isNone(v) ? "" : v)),
    INTERCEPT_HOSTS("INTERCEPT_HOSTS", "interceptHosts", "",
            "CONNECT destinations whose TLS is intercepted (as FORWARD_ALLOW; needs FORWARD_PROXY); empty for none",
            (b, v) -> b.interceptHosts(v)),
    INTERCEPT_CA_KEYSTORE("INTERCEPT_CA_KEYSTORE", "interceptCaKeystore", "none",
            "PKCS12 keystore of the CA that signs intercepted hosts' certificates; none: a CA made at start, valid 7 days",
            (b, v) -> b.interceptCaKeystore(isNone(v) ? null : java.nio.file.Path.of(v))),
    INTERCEPT_CA_KEYSTORE_PASSWORD("INTERCEPT_CA_KEYSTORE_PASSWORD", "interceptCaKeystorePassword", "none",
            "password of the interception CA's keystore and its key",
            (b, v) -> b.interceptCaKeystorePassword(isNone(v) ? "" : v)),
    INTERCEPT_CA_FILE("INTERCEPT_CA_FILE", "interceptCaFile", "none",
            "file the interception CA's PEM certificate is written to at start, for curl --cacert or a browser",
            (b, v) -> b.interceptCaFile(isNone(v) ? null : java.nio.file.Path.of(v)));

    /** The default of a setting that is off or absent unless given. */
    static final String NONE = "none";

    /** The default of {@link #IO_THREADS}: worked out when a builder is made, not a fixed value. */
    static final String PROCESSORS = "processors";

    private final String environmentVariable;
    /** The {@link Config} (or limits) field it sets, as named in validation messages. */
    private final String field;
    private final String defaultValue;
    private final String description;
    private final BiConsumer<Config.Builder, String> applier;

    Setting(String environmentVariable, String field, String defaultValue, String description,
            BiConsumer<Config.Builder, String> applier) {
        this.environmentVariable = environmentVariable;
        this.field = field;
        this.defaultValue = defaultValue;
        this.description = description;
        this.applier = applier;
    }

    /** The environment variable, such as {@code DEVPROXY_PORT}. */
    String environmentVariable() {
        return environmentVariable;
    }

    /** The command-line flag: the variable in lower case with dashes, without {@code DEVPROXY_}: {@code --port}. */
    String flag() {
        String name = environmentVariable.startsWith("DEVPROXY_")
                ? environmentVariable.substring("DEVPROXY_".length()) : environmentVariable;
        return "--" + name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The default as text, as {@code --help} and the README show it, and as the builder reads it. */
    String defaultValue() {
        return defaultValue;
    }

    /** One line saying what the setting does. */
    String description() {
        return description;
    }

    /** The field this setting sets, as validation messages name it. */
    String field() {
        return field;
    }

    /**
     * Parses {@code value} into {@code builder}. Ranges are checked later, all at once, by
     * {@link SettingsReader#build()}, so that settings that depend on each other can come in any order.
     *
     * @param source the variable or flag the value came from, named in the error
     * @throws IllegalArgumentException naming {@code source} and the value when it is malformed
     */
    void apply(Config.Builder builder, String value, String source) {
        try {
            applier.accept(builder, value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + "='" + value + "': " + e.getMessage(), e);
        }
    }

    /**
     * Sets this setting's default in {@code builder}: the table's text, read as a variable's value would be.
     * {@link #IO_THREADS} has no fixed default; the builder asks the runtime.
     */
    void applyDefault(Config.Builder builder) {
        if (!defaultValue.equals(PROCESSORS)) {
            applier.accept(builder, defaultValue);
        }
    }

    /** The defaults overridden by the variables of {@code environment} that name a setting. */
    static SettingsReader fromEnvironment(java.util.Map<String, String> environment) {
        SettingsReader reader = new SettingsReader();
        for (Setting setting : values()) {
            String value = environment.get(setting.environmentVariable());
            if (value != null) {
                reader.set(setting, value, setting.environmentVariable());
            }
        }
        return reader;
    }

    /** The setting whose flag is {@code flag}, or null. */
    static @org.jspecify.annotations.Nullable Setting forFlag(String flag) {
        for (Setting setting : values()) {
            if (setting.flag().equals(flag)) {
                return setting;
            }
        }
        return null;
    }

    /** Whether a value means "not set": the {@code none} the table shows as the default. */
    private static boolean isNone(String value) {
        return value.equals(NONE);
    }

    private static int parseInt(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    /** Seconds, with an optional fraction, as in {@code 5.0}. */
    private static Duration parseSeconds(String value) {
        if (!value.isEmpty() && value.length() < 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Whole seconds, as every default is: no BigDecimal on the start path. Ranges are checked by Config.
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            BigDecimal seconds = new BigDecimal(value);
            if (seconds.signum() <= 0 && !value.equals("0")) {
                throw new IllegalArgumentException("must be a positive number of seconds");
            }
            return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a number of seconds");
        }
    }

    private static boolean parseBoolean(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on": return true;
            case "false", "0", "no", "off": return false;
            default: throw new IllegalArgumentException("not true or false");
        }
    }
}
