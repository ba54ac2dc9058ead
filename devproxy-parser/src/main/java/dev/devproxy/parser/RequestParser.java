package dev.devproxy.parser;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * An incremental HTTP/1.1 request parser: feed it bytes as they arrive, in any split, and it reports each
 * message as {@link ParseStatus#HEAD}, {@link ParseStatus#BODY} runs and {@link ParseStatus#END}.
 *
 * <pre>{@code
 * RequestParser parser = new RequestParser();
 * switch (parser.parse(buffer)) {            // consumes from buffer.position()
 *     case HEAD -> route(parser.head());
 *     case BODY -> write(buffer, parser.bodyOffset(), parser.bodyLength());
 *     case END -> finish();                  // the next call starts the next pipelined request
 *     case NEED_MORE -> readMore();          // everything given was consumed
 *     case ERROR -> reject(parser.error().status());
 * }
 * }</pre>
 *
 * <p>Each call reports at most one event and consumes only the bytes that event covers, so bytes of a
 * pipelined next request stay in the buffer. A head that spans calls is copied into the parser's own
 * storage (bounded by the limits); body bytes are never copied. Not thread-safe: one parser per connection.
 */
public final class RequestParser {

    /** A parser with {@link ParserLimits#defaults()} and no leniency. */
    public RequestParser() {
        this(ParserLimits.defaults(), Set.of());
    }

    /** A parser with the given limits and leniencies. */
    public RequestParser(ParserLimits limits, Set<Leniency> leniencies) {
        throw new UnsupportedOperationException();
    }

    /**
     * Consumes bytes from {@code input}, from its position up to its limit, and reports the next event.
     * The position advances past every byte consumed; the limit and contents are left alone.
     *
     * @return what was found; after {@link ParseStatus#ERROR} every call returns it again
     */
    public ParseStatus parse(ByteBuffer input) { throw new UnsupportedOperationException(); }

    /**
     * Tells the parser the input has ended (the peer closed its side).
     *
     * @return {@link ParseStatus#NEED_MORE} when no message was in progress (a clean close), or
     *     {@link ParseStatus#ERROR} with {@link ParseError#TRUNCATED} when one was
     */
    public ParseStatus endOfInput() { throw new UnsupportedOperationException(); }

    /** The head of the current message. @throws IllegalStateException before the first {@link ParseStatus#HEAD} */
    public RequestHead head() { throw new UnsupportedOperationException(); }

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

    /** Whether the parser has consumed part of a head that is not yet complete. */
    public boolean isReadingHead() { throw new UnsupportedOperationException(); }

    /** Forgets all state, errors included, to parse a new stream. */
    public void reset() { throw new UnsupportedOperationException(); }
}
