package dev.devproxy.parser;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * An incremental HTTP/1.1 response parser, the mirror of {@link RequestParser}, for clients and proxies that
 * must frame what a server sends.
 *
 * <p>Framing follows RFC 9112 section 6.3: a response to HEAD (see {@link #expectResponseToHead}), a 1xx,
 * 204 or 304 has no body; then chunked; then Content-Length; otherwise the body runs until the connection
 * closes, and {@link #endOfInput()} ends it. A 1xx response is reported as HEAD then END, and the final
 * response to the same request follows. Not thread-safe: one parser per connection.
 */
public final class ResponseParser {

    /** A parser with {@link ParserLimits#defaults()} but no body limit, and no leniency. */
    public ResponseParser() {
        this(ParserLimits.defaults().withMaxBodySize(Long.MAX_VALUE), Set.of());
    }

    /** A parser with the given limits and leniencies. */
    public ResponseParser(ParserLimits limits, Set<Leniency> leniencies) {
        throw new UnsupportedOperationException();
    }

    /**
     * Declares whether the next response answers a HEAD request, which has no body whatever its head says
     * (RFC 9112 section 6.3, rule 1). Call it before that response's first byte; it holds for one final response.
     */
    public void expectResponseToHead(boolean headRequest) { throw new UnsupportedOperationException(); }

    /** Consumes bytes from {@code input} and reports the next event, exactly as {@link RequestParser#parse}. */
    public ParseStatus parse(ByteBuffer input) { throw new UnsupportedOperationException(); }

    /**
     * Tells the parser the input has ended.
     *
     * @return {@link ParseStatus#END} when that completes a body delimited by the close,
     *     {@link ParseStatus#NEED_MORE} when no message was in progress, or {@link ParseStatus#ERROR} with
     *     {@link ParseError#TRUNCATED} when a message was cut short
     */
    public ParseStatus endOfInput() { throw new UnsupportedOperationException(); }

    /** The head of the current message. @throws IllegalStateException before the first {@link ParseStatus#HEAD} */
    public ResponseHead head() { throw new UnsupportedOperationException(); }

    /** After {@link ParseStatus#BODY}: the absolute index of the body run in the buffer last given. */
    public int bodyOffset() { throw new UnsupportedOperationException(); }

    /** After {@link ParseStatus#BODY}: the length of the body run, at least 1. */
    public int bodyLength() { throw new UnsupportedOperationException(); }

    /** After {@link ParseStatus#END} of a chunked message: its trailer fields (empty otherwise). */
    public HeaderFields trailers() { throw new UnsupportedOperationException(); }

    /** After {@link ParseStatus#ERROR}: what was wrong. @throws IllegalStateException before an error */
    public ParseError error() { throw new UnsupportedOperationException(); }

    /** Whether the parser is between messages: nothing of a next message has been consumed yet. */
    public boolean isIdle() { throw new UnsupportedOperationException(); }

    /** Forgets all state, errors included, to parse a new stream. */
    public void reset() { throw new UnsupportedOperationException(); }
}
