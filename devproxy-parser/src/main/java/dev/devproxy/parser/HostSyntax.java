package dev.devproxy.parser;

/**
 * Checks {@code uri-host [ ":" port ]} (RFC 3986 section 3.2.2 and 3.2.3), the grammar shared by the Host field
 * (RFC 9112 section 3.2), authority-form targets (section 3.2.3) and the authority of absolute-form targets.
 */
final class HostSyntax {
    private HostSyntax() {
    }

    /**
     * Whether {@code bytes[start, end)} is a non-empty {@code uri-host} with an optional {@code ":" port}.
     *
     * <p>{@code uri-host = IP-literal / IPv4address / reg-name}. The host must not be empty: an empty reg-name
     * is grammatical but names no host (RFC 9110 section 4.2.1: a recipient MUST reject an http URI with an
     * empty host). Userinfo ({@code user@host}) is rejected too, since {@code @} is not a reg-name character
     * (RFC 9110 section 4.2.4: a recipient SHOULD treat userinfo as an error).
     *
     * @param portRequired whether the port must be present and non-empty, as in CONNECT's {@code host:port}
     *     (RFC 9110 section 9.3.6); otherwise {@code port = *DIGIT} may be absent or empty
     */
    static boolean isHostAndPort(byte[] bytes, int start, int end, boolean portRequired) {
        int p = start;
        if (p < end && bytes[p] == '[') {
            // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
            p++;
            while (p < end && HttpTokens.isIpv6(bytes[p])) {
                p++;
            }
            if (p == start + 1 || p == end || bytes[p] != ']') {
                return false;
            }
            p++;
        } else {
            // reg-name = *( unreserved / pct-encoded / sub-delims ), pct-encoded = "%" HEXDIG HEXDIG
            while (p < end && HttpTokens.isRegName(bytes[p])) {
                if (bytes[p] == '%') {
                    if (p + 2 >= end || HttpTokens.hexValue(bytes[p + 1]) < 0 || HttpTokens.hexValue(bytes[p + 2]) < 0) {
                        return false;
                    }
                    p += 2;
                }
                p++;
            }
            if (p == start) {
                return false;
            }
        }
        if (p == end) {
            return !portRequired;
        }
        if (bytes[p] != ':') {
            return false;
        }
        p++;
        if (portRequired && p == end) {
            return false;
        }
        // port = *DIGIT
        while (p < end) {
            if (!HttpTokens.isDigit(bytes[p])) {
                return false;
            }
            p++;
        }
        return true;
    }
}
