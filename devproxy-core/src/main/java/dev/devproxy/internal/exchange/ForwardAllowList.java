package dev.devproxy.internal.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The destinations a forward proxy may reach, parsed once from {@code forwardAllow}: a comma-separated list of
 * {@code host} (any port), {@code *.domain} (any host under the domain, not the domain itself), {@code host:port}
 * or {@code *.domain:port}, and {@code *} for every destination. IPv6 hosts are written in brackets. Host names
 * compare without case. Immutable, so shared by every loop.
 */
public final class ForwardAllowList {
    /** Any port. */
    private static final int ANY_PORT = -1;

    private record Pattern(String host, boolean suffix, int port) {
        boolean matches(String candidate, int candidatePort) {
            if (port != ANY_PORT && port != candidatePort) {
                return false;
            }
            if (host.equals("*")) {
                return true;
            }
            return suffix ? candidate.endsWith(host) && candidate.length() > host.length() : candidate.equals(host);
        }
    }

    private final List<Pattern> patterns;

    private ForwardAllowList(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the first pattern that is not one of the forms above
     */
    public static ForwardAllowList parse(String text) {
        List<Pattern> patterns = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String pattern = part.strip().toLowerCase(Locale.ROOT);
            if (pattern.isEmpty()) {
                if (text.isBlank()) {
                    throw new IllegalArgumentException("no destination pattern (use * to allow every one)");
                }
                continue;
            }
            patterns.add(parsePattern(pattern));
        }
        return new ForwardAllowList(patterns);
    }

    private static Pattern parsePattern(String pattern) {
        String host = pattern;
        int port = ANY_PORT;
        int colon = pattern.lastIndexOf(':');
        int bracket = pattern.lastIndexOf(']');
        if (colon > bracket && (pattern.startsWith("[") || pattern.indexOf(':') == colon)) {
            port = parsePort(pattern, pattern.substring(colon + 1));
            host = pattern.substring(0, colon);
        }
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new IllegalArgumentException("'" + pattern + "' is not host, *.domain or host:port");
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + pattern + "': write an IPv6 address in brackets, as [::1]");
        }
        boolean suffix = host.startsWith("*.");
        String name = suffix ? host.substring(1) : host; // keeps the dot: "*.test" matches "a.test", not "test"
        if (name.isEmpty() || (!host.equals("*") && name.indexOf('*') >= 0) || name.indexOf('/') >= 0
                || name.indexOf('@') >= 0 || (suffix && name.length() < 2)) {
            throw new IllegalArgumentException("'" + pattern + "' is not host, *.domain or host:port");
        }
        return new Pattern(name, suffix, port);
    }

    private static int parsePort(String pattern, String digits) {
        try {
            int port = Integer.parseInt(digits);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + pattern + "': the port must be 1 to 65535");
    }

    /** Whether {@code host} (without brackets) and {@code port} may be reached. */
    public boolean allows(String host, int port) {
        String candidate = host.toLowerCase(Locale.ROOT);
        for (Pattern pattern : patterns) {
            if (pattern.matches(candidate, port)) {
                return true;
            }
        }
        return false;
    }
}
