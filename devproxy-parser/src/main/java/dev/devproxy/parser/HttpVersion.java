package dev.devproxy.parser;

import org.jspecify.annotations.Nullable;

/** The HTTP/1.x versions a message can carry (RFC 9112 section 2.3). A higher 1.x minor version is read as 1.1. */
public enum HttpVersion {
    /** HTTP/1.0: connections close after each message unless the peer asks for keep-alive. */
    HTTP_1_0("HTTP/1.0"),
    /** HTTP/1.1: connections persist unless a peer sends {@code Connection: close}. */
    HTTP_1_1("HTTP/1.1");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /**
     * The version as it appears on the wire, such as {@code HTTP/1.1}.
     *
     * @return the wire form, such as {@code HTTP/1.1}
     */
    public String text() {
        return text;
    }

    /**
     * The wire form, as {@link #text()}: {@code HTTP/1.1}, not the constant's name, so that
     * {@code String.valueOf(version)} and string concatenation print what was on the wire.
     */
    @Override
    public String toString() {
        return text;
    }

    /** RFC 9112 section 2.3: whether {@code bytes[start, end)} is {@code HTTP-name "/" DIGIT "." DIGIT}, case-sensitive. */
    static boolean isWellFormed(byte[] bytes, int start, int end) {
        return end - start == 8
                && bytes[start] == 'H' && bytes[start + 1] == 'T' && bytes[start + 2] == 'T' && bytes[start + 3] == 'P'
                && bytes[start + 4] == '/' && HttpTokens.isDigit(bytes[start + 5])
                && bytes[start + 6] == '.' && HttpTokens.isDigit(bytes[start + 7]);
    }

    /**
     * The version a well-formed HTTP-version at {@code bytes[start]} stands for, or null when its major version is
     * not 1 (RFC 9110 section 15.6.6: a 505 for a major version the server does not support; HTTP/0.9 had no
     * version in its start line, so an "HTTP/0.x" is as foreign as HTTP/2).
     */
    static @Nullable HttpVersion ofWellFormed(byte[] bytes, int start) {
        if (bytes[start + 5] != '1') {
            return null;
        }
        // RFC 9112 section 2.3 (and RFC 9110 section 2.5): a 1.x minor version above 1 is read as 1.1.
        return bytes[start + 7] == '0' ? HTTP_1_0 : HTTP_1_1;
    }
}
