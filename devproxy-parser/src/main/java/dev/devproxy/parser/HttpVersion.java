package dev.devproxy.parser;

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
}
