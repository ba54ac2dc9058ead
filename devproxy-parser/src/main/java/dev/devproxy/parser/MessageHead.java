package dev.devproxy.parser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * What every parsed head has, request or response: its version, header section, the framing facts derived from
 * them (RFC 9112 section 6) and its length on the wire. {@link RequestHead} adds the request line,
 * {@link ResponseHead} the status line.
 *
 * <p>A view over storage its parser reuses: valid until that parser reports {@link ParseStatus#HEAD} for the next
 * message. Names, values and the parts of the start line are offsets into that storage; a {@code String} is made
 * only by the methods that return one. Not thread-safe, like its parser.
 */
public abstract sealed class MessageHead permits RequestHead, ResponseHead {
    /** What a head holds before its first parse: shared, never written to. */
    private static final byte[] NO_BYTES = new byte[0];

    // Written by the parser; every offset indexes bytes, which holds the head from its start line on.
    byte[] bytes = NO_BYTES;
    HttpVersion version = HttpVersion.HTTP_1_1;
    final HeaderFields headers = new HeaderFields();
    BodyKind bodyKind = BodyKind.NONE;
    long contentLength = -1;
    boolean keepAlive;
    int headLength;

    /** The read-only view {@link #storage()} hands out, and the array it views. */
    private @Nullable ByteBuffer storageView;
    private byte[] viewedBytes = NO_BYTES;

    MessageHead() {
    }

    /**
     * The head's bytes as the parser copied them, start line to the empty line: a read-only buffer from index 0
     * (position 0, limit {@link #headLength()}) that the offsets of the views index, as in
     * {@code storage().get(view.offset())}. The same buffer comes back on every call, its position and limit
     * set again; a new one is made only when the parser's storage has grown, so this allocates nothing in
     * steady state. Valid as long as the head.
     *
     * @return a read-only buffer over the head's bytes
     */
    public ByteBuffer storage() {
        ByteBuffer view = storageView;
        if (view == null || viewedBytes != bytes) {
            view = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
            storageView = view;
            viewedBytes = bytes;
        }
        view.limit(headLength).position(0);
        return view;
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
     * The header section.
     *
     * @return the message's header fields
     */
    public HeaderFields headers() {
        return headers;
    }

    /**
     * How the body is delimited (RFC 9112 section 6.3). A request's is {@link BodyKind#NONE},
     * {@link BodyKind#CONTENT_LENGTH} or {@link BodyKind#CHUNKED}; a response's may also be
     * {@link BodyKind#UNTIL_CLOSE}, and is {@link BodyKind#NONE} for a response to HEAD, a 1xx, 204 or 304
     * whatever its fields say.
     *
     * @return how the body is delimited
     */
    public BodyKind bodyKind() {
        return bodyKind;
    }

    /**
     * The declared Content-Length, or -1 when the body is not delimited by one (or its kind ignores it).
     *
     * @return the Content-Length value, or -1
     */
    public long contentLength() {
        return contentLength;
    }

    /**
     * Whether the connection may carry another message after this one (RFC 9112 section 9.3): HTTP/1.1 unless
     * {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive}; never after a response whose
     * body is delimited by the close.
     *
     * @return whether the connection may be reused after this message
     */
    public boolean keepAlive() {
        return keepAlive;
    }

    /**
     * The number of bytes the head took on the wire, start line to the empty line included. Empty lines skipped
     * before a request line are not counted.
     *
     * @return the head's length in bytes
     */
    public int headLength() {
        return headLength;
    }

    /** The bytes {@code [start, end)} of the head as ISO-8859-1 text, which every byte maps to one char of. */
    final String latin1(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }
}
