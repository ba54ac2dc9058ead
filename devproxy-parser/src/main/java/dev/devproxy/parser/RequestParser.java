package dev.devproxy.parser;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
 * storage (bounded by the limits); body bytes are never copied. Once its storage has grown to fit the heads
 * it sees, a parser allocates nothing per request. Not thread-safe: one parser per connection.
 *
 * <p>Empty lines before a request line are skipped (RFC 9112 section 2.2), as many as fit in
 * {@link ParserLimits#maxRequestLineLength()}, which they count toward.
 */
public final class RequestParser {
    private enum State {
        /** Between messages or inside a head. */
        HEAD,
        /** After HEAD, until END. */
        BODY,
        /** After ERROR, until reset. */
        FAILED
    }

    private final HeadScanner scanner;
    private final RequestHeadParser headParser;
    private final BodyDecoder body;
    private RequestHead head = new RequestHead();
    /** Where the one-pass path parses, so a head it gives up on never disturbs the one last reported. */
    private RequestHead spareHead = new RequestHead();
    private final HeadScanner.OnePassParser onePass = this::parseUnscanned;

    private State state = State.HEAD;
    private boolean headSeen;
    private @Nullable ParseError error;

    /** A parser with {@link ParserLimits#defaults()} and no leniency. */
    public RequestParser() {
        this(ParserLimits.defaults(), Set.of());
    }

    /**
     * A parser with the given limits and leniencies.
     *
     * @param limits the size limits to enforce
     * @param leniencies the deviations from RFC 9112 to tolerate; empty for none
     */
    public RequestParser(ParserLimits limits, Set<Leniency> leniencies) {
        Objects.requireNonNull(limits, "limits");
        boolean bareLfEndsLines = leniencies.contains(Leniency.BARE_LF);
        this.scanner = new HeadScanner(HeadScanner.StartLine.REQUEST, limits, bareLfEndsLines);
        this.headParser = new RequestHeadParser(limits, bareLfEndsLines);
        this.body = new BodyDecoder(limits, bareLfEndsLines);
    }

    /**
     * Consumes bytes from {@code input}, from its position up to its limit, and reports the next event.
     * The position advances past every byte consumed; the limit and contents are left alone.
     *
     * @param input the bytes received; its position is advanced past those consumed
     * @return what was found; after {@link ParseStatus#ERROR} every call returns it again
     */
    public ParseStatus parse(ByteBuffer input) {
        return switch (state) {
            case HEAD -> parseHead(input);
            case BODY -> parseBody(input);
            case FAILED -> ParseStatus.ERROR;
        };
    }

    private ParseStatus parseHead(ByteBuffer input) {
        if (scanner.isPristine() && parseWholeHead(input)) {
            headSeen = true;
            body.start(head.bodyKind, head.contentLength);
            state = State.BODY;
            return ParseStatus.HEAD;
        }
        ParseStatus scanned = scanner.scan(input);
        if (scanned == ParseStatus.NEED_MORE) {
            return ParseStatus.NEED_MORE;
        }
        if (scanned == ParseStatus.ERROR) {
            return fail(scanner.error());
        }
        ParseError invalid = headParser.parse(scanner.bytes(), scanner.length(), head);
        // The head keeps pointing at the storage it was parsed from; the next head goes to the other array.
        scanner.startNext();
        if (invalid != null) {
            return fail(invalid);
        }
        headSeen = true;
        body.start(head.bodyKind, head.contentLength);
        state = State.BODY;
        return ParseStatus.HEAD;
    }

    /**
     * The one-pass path for a head that arrived whole (see {@link HeadScanner#parseWhole}), parsing into the
     * spare head; false, having consumed nothing, when the scanner must take the bytes instead.
     */
    private boolean parseWholeHead(ByteBuffer input) {
        if (scanner.parseWhole(input, onePass) < 0) {
            return false;
        }
        RequestHead parsed = spareHead;
        spareHead = head;
        head = parsed;
        // The head keeps pointing at the storage it was parsed from; the next head goes to the other array.
        scanner.startNext();
        return true;
    }

    private int parseUnscanned(byte[] storage, int available) {
        return headParser.parseUnscanned(storage, available, spareHead);
    }

    private ParseStatus parseBody(ByteBuffer input) {
        ParseStatus status = body.decode(input);
        if (status == ParseStatus.END) {
            state = State.HEAD;
        } else if (status == ParseStatus.ERROR) {
            return fail(body.error());
        }
        return status;
    }

    /**
     * Tells the parser the input has ended (the peer closed its side).
     *
     * @return {@link ParseStatus#NEED_MORE} when no message was in progress (a clean close),
     *     {@link ParseStatus#END} when the message in progress was complete but its END not yet reported,
     *     or {@link ParseStatus#ERROR} with {@link ParseError#TRUNCATED} when one was cut short (and the
     *     earlier error again after an {@link ParseStatus#ERROR})
     */
    public ParseStatus endOfInput() {
        return switch (state) {
            case HEAD -> scanner.isIdle() ? ParseStatus.NEED_MORE : fail(ParseError.TRUNCATED);
            case BODY -> {
                if (body.isComplete()) {
                    state = State.HEAD;
                    yield ParseStatus.END;
                }
                yield fail(ParseError.TRUNCATED);
            }
            case FAILED -> ParseStatus.ERROR;
        };
    }

    /**
     * The head of the current message.
     *
     * @return the head of the message being parsed
     * @throws IllegalStateException before the first {@link ParseStatus#HEAD}
     */
    public RequestHead head() {
        if (!headSeen) {
            throw new IllegalStateException("no request head has been parsed");
        }
        return head;
    }

    /**
     * After {@link ParseStatus#BODY}: the absolute index of the body run in the buffer last given.
     *
     * @return the index in that buffer of the body run's first byte
     */
    public int bodyOffset() {
        return body.bodyOffset();
    }

    /**
     * After {@link ParseStatus#BODY}: the length of the body run, at least 1.
     *
     * @return the number of body bytes in the run
     */
    public int bodyLength() {
        return body.bodyLength();
    }

    /**
     * After {@link ParseStatus#END} of a chunked message: its trailer fields (empty otherwise).
     *
     * @return the trailer fields, possibly empty
     */
    public HeaderFields trailers() {
        return body.trailers();
    }

    /**
     * After {@link ParseStatus#ERROR}: what was wrong.
     *
     * @return the error that stopped the parser
     * @throws IllegalStateException before an error
     */
    public ParseError error() {
        if (error == null) {
            throw new IllegalStateException("the parser has not failed");
        }
        return error;
    }

    /**
     * Whether the parser is between messages: nothing of a next message has been consumed yet.
     *
     * @return whether the parser is between messages
     */
    public boolean isIdle() {
        return state == State.HEAD && scanner.isIdle();
    }

    /**
     * Whether the parser has consumed part of a head that is not yet complete.
     *
     * @return whether a head is partly read
     */
    public boolean isReadingHead() {
        return state == State.HEAD && !scanner.isIdle();
    }

    /**
     * Whether the request line of the head being read has arrived in full, so only field lines are missing.
     * Servers use it to time the request line and the header section separately.
     *
     * @return whether the request line of the head being read is complete
     */
    public boolean hasRequestLine() {
        return state == State.HEAD && scanner.isInFields();
    }

    /** Forgets all state, errors included, to parse a new stream. */
    public void reset() {
        scanner.reset();
        state = State.HEAD;
        headSeen = false;
        error = null;
    }

    private ParseStatus fail(ParseError failure) {
        error = failure;
        state = State.FAILED;
        return ParseStatus.ERROR;
    }
}
