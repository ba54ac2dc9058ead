package dev.devproxy.internal.exchange;

import org.jspecify.annotations.Nullable;

/**
 * Where a forward proxy is asked to go: the host and port of an authority ({@code uri-host [":" port]}, RFC 9110
 * section 4.2.1), the host without the brackets of an IPv6 literal.
 */
public record Destination(String host, int port) {
    /**
     * Parses {@code authority}; null when it is not {@code host} or {@code host:port} with a port of 1 to 65535,
     * or has a userinfo part (RFC 9110 section 4.2.4 forbids one in http URIs).
     *
     * @param defaultPort the port when the authority names none, or -1 when a port is required (CONNECT)
     */
    public static @Nullable Destination parse(String authority, int defaultPort) {
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            return null;
        }
        String host;
        String port;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 2) {
                return null;
            }
            host = authority.substring(1, close);
            String rest = authority.substring(close + 1);
            if (rest.isEmpty()) {
                port = null;
            } else if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else {
                return null;
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon != authority.lastIndexOf(':')) {
                return null; // an IPv6 address must be in brackets
            }
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            return null;
        }
        int number;
        if (port == null || port.isEmpty()) {
            number = defaultPort;
        } else if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        } else {
            number = Integer.parseInt(port);
        }
        return number >= 1 && number <= 65_535 ? new Destination(host, number) : null;
    }

    /** The authority, with brackets around an IPv6 host. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
