package dev.devproxy;

/** Checks that header fields given through the API can be written on the wire without breaking framing. */
final class HeaderChecks {
    private HeaderChecks() {
    }

    /** @throws IllegalArgumentException when the name is not a token or the value could split the message */
    static void requireValidField(String name, String value) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("header name '" + name + "' has a character that is not a token character at " + i);
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0xFF) {
                throw new IllegalArgumentException("value of header '" + name + "' has CR, LF, NUL or a non-Latin-1 character at " + i);
            }
        }
    }

    /** tchar = "!" / "#" / "$" / "%" / "&amp;" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA (RFC 9110 section 5.6.2). */
    static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
