package dev.devproxy.parser;

/**
 * The parsed status line and header section of one response, with the framing facts derived from them.
 *
 * <p>A view over storage the {@link ResponseParser} reuses: valid until that parser reports {@link
 * ParseStatus#HEAD} for the next message.
 */
public final class ResponseHead {
    /** The protocol version. */
    public HttpVersion version() { throw new UnsupportedOperationException(); }

    /** The three-digit status code, 100 to 999. */
    public int status() { throw new UnsupportedOperationException(); }

    /** The reason phrase, possibly empty. */
    public String reason() { throw new UnsupportedOperationException(); }

    /** The header section. */
    public HeaderFields headers() { throw new UnsupportedOperationException(); }

    /** How the body is delimited, after RFC 9112 section 6.3 (which also weighs the request method). */
    public BodyKind bodyKind() { throw new UnsupportedOperationException(); }

    /** The declared Content-Length, or -1 when there is none (or the body kind ignores it). */
    public long contentLength() { throw new UnsupportedOperationException(); }

    /** Whether the upstream will keep the connection open after this response (RFC 9112 section 9.3). */
    public boolean keepAlive() { throw new UnsupportedOperationException(); }

    /** The number of bytes the head took on the wire, status line to the empty line included. */
    public int headLength() { throw new UnsupportedOperationException(); }
}
