package dev.devproxy;

import java.net.URI;
import java.util.Locale;

/**
 * Where a forwarded request goes: an HTTP server's host and port, and whether it speaks HTTPS.
 *
 * <p>Over HTTPS, the upstream's certificate is checked as a browser would: against the JDK's default trust
 * store ({@code -Djavax.net.ssl.trustStore} applies), and for {@code host} (hostname verification on; {@code host}
 * is also sent as SNI). {@link DevProxy.Builder#upstreamSslContext} trusts a private CA instead.
 *
 * @param host a host name or IP address literal, without brackets, never empty
 * @param port 1 to 65535
 * @param tls whether to speak HTTPS (TLS 1.3 or 1.2) to it
 */
public record Upstream(String host, int port, boolean tls) {
    /** The port an HTTPS upstream has unless told otherwise, and the one {@code UPSTREAM_TLS=auto} picks TLS for. */
    public static final int HTTPS_PORT = 443;

    /**
     * Checks the host and port.
     *
     * @param host a host name or IP address literal, without brackets; not empty and without spaces
     * @param port 1 to 65535
     * @param tls whether to speak HTTPS to it
     * @throws IllegalArgumentException when the host is empty or the port is out of range
     */
    public Upstream {
        if (host.isEmpty() || host.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("upstream host must be a non-empty name or address, was '" + host + "'");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("upstream port must be 1 to 65535, was " + port);
        }
    }

    /**
     * An upstream at {@code host:port}, over HTTPS when the port is 443 ({@code UPSTREAM_TLS=auto}) and plain
     * HTTP otherwise: the constructor of the releases before HTTPS, which had only host and port.
     *
     * @param host a host name or IP address literal, without brackets; not empty
     * @param port 1 to 65535
     * @throws IllegalArgumentException when the host is empty or the port is out of range
     */
    public Upstream(String host, int port) {
        this(host, port, port == HTTPS_PORT);
    }

    /**
     * An upstream at {@code host:port}, over HTTPS or not.
     *
     * @param host a host name or IP address literal, without brackets; not empty
     * @param port 1 to 65535
     * @param tls whether to speak HTTPS to it
     * @return the upstream
     * @throws IllegalArgumentException when the host is empty or the port is out of range
     */
    public static Upstream of(String host, int port, boolean tls) {
        return new Upstream(host, port, tls);
    }

    /**
     * An upstream at {@code host:port}, over HTTPS when the port is 443 (see {@link #Upstream(String, int)}).
     *
     * @param host a host name or IP address literal, without brackets; not empty
     * @param port 1 to 65535
     * @return the upstream
     * @throws IllegalArgumentException when the host is empty or the port is out of range
     */
    public static Upstream of(String host, int port) {
        return new Upstream(host, port);
    }

    /**
     * Parses {@code http://host:port} or {@code https://host:port} (a trailing {@code /} is allowed; the port
     * defaults to 80 and 443). The scheme says whether it is HTTPS, whatever the port.
     *
     * @param uri the URI, such as {@code http://localhost:3001} or {@code https://api.example.com}
     * @return the upstream it names
     * @throws IllegalArgumentException when {@code uri} is not such a URI
     */
    public static Upstream parse(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upstream must look like http://host:port or https://host:port, was '" + uri + "'", e);
        }
        String scheme = parsed.getScheme();
        String path = parsed.getRawPath();
        String lowerScheme = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        if (!(lowerScheme.equals("http") || lowerScheme.equals("https")) || parsed.getHost() == null
                || (path != null && !path.isEmpty() && !path.equals("/")) || parsed.getRawQuery() != null) {
            throw new IllegalArgumentException("upstream must look like http://host:port or https://host:port, was '" + uri + "'");
        }
        String host = parsed.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean https = lowerScheme.equals("https");
        return new Upstream(host, parsed.getPort() == -1 ? (https ? HTTPS_PORT : 80) : parsed.getPort(), https);
    }

    /**
     * The value of a {@code Host} field naming this upstream: {@code host:port}, IPv6 literals bracketed.
     *
     * @return the authority, such as {@code localhost:3001} or {@code [::1]:3001}
     */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code http://host:port}, or {@code https://host:port} over HTTPS. */
    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + authority();
    }
}
