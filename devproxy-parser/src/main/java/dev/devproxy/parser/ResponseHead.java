package dev.devproxy.parser;

import java.nio.charset.StandardCharsets;

/**
 * The parsed status line and header section of one response, with the framing facts derived from them.
 *
 * <p>A view over storage the {@link ResponseParser} reuses: valid until that parser reports {@link
 * ParseStatus#HEAD} for the next message. Not thread-safe, like its parser.
 */
public final class ResponseHead {
    // Written by ResponseHeadParser; offsets index bytes, which holds the head from its status line on.
    byte[] bytes = new byte[0];
    HttpVersion version = HttpVersion.HTTP_1_1;
    int status;
    int reasonStart;
    int reasonEnd;
    final HeaderFields headers = new HeaderFields();
    BodyKind bodyKind = BodyKind.NONE;
    long contentLength = -1;
    boolean keepAlive;
    int headLength;

    ResponseHead() {
    }

    /**
     * The protocol version.
     *
     * @return HTTP/1.0 or HTTP/1.1
     */
    public HttpVersion version() {
        return version;
    }

    /**
     * The three-digit status code, 100 to 999.
     *
     * @return the status code, 100 to 999
     */
    public int status() {
        return status;
    }

    /**
     * The reason phrase, possibly empty. Empty too when the status line ended right after the status code, a
     * tolerance for servers that omit the space the grammar requires there.
     *
     * @return the reason phrase, possibly empty
     */
    public String reason() {
        return new String(bytes, reasonStart, reasonEnd - reasonStart, StandardCharsets.ISO_8859_1);
    }

    /**
     * The header section.
     *
     * @return the response's header fields
     */
    public HeaderFields headers() {
        return headers;
    }

    /**
     * How the body is delimited, after RFC 9112 section 6.3 (which also weighs the request method).
     *
     * @return how the body is delimited
     */
    public BodyKind bodyKind() {
        return bodyKind;
    }

    /**
     * The declared Content-Length, or -1 when there is none (or the body kind ignores it).
     *
     * @return the Content-Length value, or -1
     */
    public long contentLength() {
        return contentLength;
    }

    /**
     * Whether the upstream will keep the connection open after this response (RFC 9112 section 9.3): as for
     * requests, and never when the body is delimited by the close.
     *
     * @return whether the connection may be reused after this response
     */
    public boolean keepAlive() {
        return keepAlive;
    }

    /**
     * The number of bytes the head took on the wire, status line to the empty line included.
     *
     * @return the head's length in bytes
     */
    public int headLength() {
        return headLength;
    }

    /** The status line, as in {@code HTTP/1.1 200 OK}, for debugging. */
    @Override
    public String toString() {
        return version.text() + ' ' + status + ' ' + reason();
    }
}
