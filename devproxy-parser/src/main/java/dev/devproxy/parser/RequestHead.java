package dev.devproxy.parser;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The parsed request line and header section of one request, with the framing facts derived from them.
 *
 * <p>A view over storage the {@link RequestParser} reuses: valid until that parser reports {@link
 * ParseStatus#HEAD} for the next message. The common methods ({@code GET}, {@code POST}, ...) come back as
 * shared constants; other strings are made on each call.
 */
public final class RequestHead {
    /** The form of a request-target (RFC 9112 section 3.2). */
    public enum TargetForm {
        /** {@code /path?query}: the usual form (section 3.2.1). */
        ORIGIN,
        /** {@code http://host/path}: sent to proxies (section 3.2.2). */
        ABSOLUTE,
        /** {@code host:port}: only with CONNECT (section 3.2.3). */
        AUTHORITY,
        /** {@code *}: only with OPTIONS (section 3.2.4). */
        ASTERISK
    }

    /** The method, such as {@code GET}; case-sensitive (RFC 9110 section 9.1). */
    public String method() { throw new UnsupportedOperationException(); }

    /** Whether the method is exactly {@code method} (case-sensitive). Allocates nothing. */
    public boolean methodIs(String method) { throw new UnsupportedOperationException(); }

    /** The request-target exactly as sent. */
    public String target() { throw new UnsupportedOperationException(); }

    /** The form of the request-target. */
    public TargetForm targetForm() { throw new UnsupportedOperationException(); }

    /**
     * The path of the target, not decoded: for origin-form the part before {@code ?}; for absolute-form the
     * path after the authority ({@code /} when empty); {@code *} and the authority for the other forms.
     */
    public String path() { throw new UnsupportedOperationException(); }

    /** The query of the target without its {@code ?}, not decoded, or null when the target has none. */
    public @Nullable String query() { throw new UnsupportedOperationException(); }

    /** Copies the request-target's bytes into {@code dst} at its position, advancing it. */
    public void putTarget(ByteBuffer dst) { throw new UnsupportedOperationException(); }

    /** The length in bytes of the request-target. */
    public int targetLength() { throw new UnsupportedOperationException(); }

    /** The protocol version. */
    public HttpVersion version() { throw new UnsupportedOperationException(); }

    /** The header section. */
    public HeaderFields headers() { throw new UnsupportedOperationException(); }

    /** How the body is delimited: {@link BodyKind#NONE}, {@link BodyKind#CONTENT_LENGTH} or {@link BodyKind#CHUNKED}. */
    public BodyKind bodyKind() { throw new UnsupportedOperationException(); }

    /** The declared Content-Length, or -1 when the body is not delimited by one. */
    public long contentLength() { throw new UnsupportedOperationException(); }

    /**
     * Whether the connection may carry another request after this one (RFC 9112 section 9.3): HTTP/1.1 unless
     * {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive}.
     */
    public boolean keepAlive() { throw new UnsupportedOperationException(); }

    /** Whether the request carries {@code Expect: 100-continue} (RFC 9110 section 10.1.1). */
    public boolean expectsContinue() { throw new UnsupportedOperationException(); }

    /** The number of bytes the head took on the wire, request line to the empty line included. */
    public int headLength() { throw new UnsupportedOperationException(); }
}
