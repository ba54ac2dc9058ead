package dev.devproxy;

import java.net.URI;
import java.util.Locale;

/**
 * Where a forwarded request goes: an HTTP server's host and port.
 *
 * @param host a host name or IP address literal, without brackets, never empty
 * @param port 1 to 65535
 */
public record Upstream(String host, int port) {

    /**
     * Checks the host and port.
     *
     * @param host a host name or IP address literal, without brackets; not empty and without spaces
     * @param port 1 to 65535
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
     * An upstream at {@code host:port}.
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
     * Parses {@code http://host:port} (a trailing {@code /} is allowed; the port defaults to 80).
     *
     * @param uri the URI, such as {@code http://localhost:3001}
     * @return the upstream it names
     * @throws IllegalArgumentException when {@code uri} is not such a URI
     */
    public static Upstream parse(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upstream must look like http://host:port, was '" + uri + "'", e);
        }
        String scheme = parsed.getScheme();
        String path = parsed.getRawPath();
        if (scheme == null || !scheme.toLowerCase(Locale.ROOT).equals("http") || parsed.getHost() == null
                || (path != null && !path.isEmpty() && !path.equals("/")) || parsed.getRawQuery() != null) {
            throw new IllegalArgumentException("upstream must look like http://host:port, was '" + uri + "'");
        }
        String host = parsed.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Upstream(host, parsed.getPort() == -1 ? 80 : parsed.getPort());
    }

    /**
     * The value of a {@code Host} field naming this upstream: {@code host:port}, IPv6 literals bracketed.
     *
     * @return the authority, such as {@code localhost:3001} or {@code [::1]:3001}
     */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code http://host:port}. */
    @Override
    public String toString() {
        return "http://" + authority();
    }
}
