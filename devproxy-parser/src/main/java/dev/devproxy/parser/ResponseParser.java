package dev.devproxy.parser;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An incremental HTTP/1.1 response parser, the mirror of {@link RequestParser}, for clients and proxies that
 * must frame what a server sends.
 *
 * <p>Framing follows RFC 9112 section 6.3: a response to HEAD (see {@link #expectResponseToHead}), a 1xx,
 * 204 or 304 has no body; then chunked; then Content-Length; otherwise the body runs until the connection
 * closes, and {@link #endOfInput()} ends it. A 1xx response is reported as HEAD then END, and the final
 * response to the same request follows. After a {@code 101 (Switching Protocols)} the connection speaks
 * another protocol: stop feeding this parser. Not thread-safe: one parser per connection.
 *
 * <p>Strictness differs from requests in two places. A status line without the SP and reason phrase
 * ({@code HTTP/1.1 200}) is accepted, since servers send it and it cannot move the end of the message.
 * Codings before {@code chunked} are accepted without being understood: they are content the client decodes.
 * Host rules do not apply, and empty lines before the status line are not skipped.
 */
public final class ResponseParser {
    private enum State {
        /** Between messages or inside a head. */
        HEAD,
        /** After HEAD, until END. */
        BODY,
        /** After ERROR, until reset. */
        FAILED
    }

    private final HeadScanner scanner;
    private final ResponseHeadParser headParser;
    private final BodyDecoder body;
    private ResponseHead head = new ResponseHead();
    /** Where the one-pass path parses, so a head it gives up on never disturbs the one last reported. */
    private ResponseHead spareHead = new ResponseHead();
    private final HeadScanner.OnePassParser onePass = this::parseUnscanned;

    private State state = State.HEAD;
    private boolean headSeen;
    private boolean toHeadRequest;
    private @Nullable ParseError error;

    /** A parser with {@link ParserLimits#defaults()} but no body limit, and no leniency. */
    public ResponseParser() {
        this(ParserLimits.defaults().withMaxBodySize(Long.MAX_VALUE), Set.of());
    }

    /**
     * A parser with the given limits and leniencies.
     *
     * @param limits the size limits to enforce
     * @param leniencies the deviations from RFC 9112 to tolerate; empty for none
     */
    public ResponseParser(ParserLimits limits, Set<Leniency> leniencies) {
        Objects.requireNonNull(limits, "limits");
        boolean bareLfEndsLines = leniencies.contains(Leniency.BARE_LF);
        this.scanner = new HeadScanner(HeadScanner.StartLine.STATUS, limits, bareLfEndsLines);
        this.headParser = new ResponseHeadParser(limits, bareLfEndsLines);
        this.body = new BodyDecoder(limits, bareLfEndsLines);
    }

    /**
     * Declares whether the next response answers a HEAD request, which has no body whatever its head says
     * (RFC 9112 section 6.3, rule 1). Call it before that response's first byte; it holds for one final
     * response, through any 1xx responses before it.
     *
     * @param headRequest true when the request being answered is a HEAD request
     */
    public void expectResponseToHead(boolean headRequest) {
        toHeadRequest = headRequest;
    }

    /**
     * Consumes bytes from {@code input} and reports the next event, exactly as {@link RequestParser#parse}.
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
        ParseError invalid = headParser.parse(scanner.bytes(), scanner.length(), toHeadRequest, head);
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
        ResponseHead parsed = spareHead;
        spareHead = head;
        head = parsed;
        // The head keeps pointing at the storage it was parsed from; the next head goes to the other array.
        scanner.startNext();
        return true;
    }

    private int parseUnscanned(byte[] storage, int available) {
        return headParser.parseUnscanned(storage, available, toHeadRequest, spareHead);
    }

    private ParseStatus parseBody(ByteBuffer input) {
        ParseStatus status = body.decode(input);
        if (status == ParseStatus.END) {
            endMessage();
        } else if (status == ParseStatus.ERROR) {
            return fail(body.error());
        }
        return status;
    }

    private void endMessage() {
        state = State.HEAD;
        // RFC 9110 section 15.2: a 1xx is interim; the final response to the same request is still to come.
        if (head.status >= 200) {
            toHeadRequest = false;
        }
    }

    /**
     * Tells the parser the input has ended.
     *
     * @return {@link ParseStatus#END} when that completes a body delimited by the close (or a message whose
     *     END was not yet reported), {@link ParseStatus#NEED_MORE} when no message was in progress, or
     *     {@link ParseStatus#ERROR} with {@link ParseError#TRUNCATED} when a message was cut short (and the
     *     earlier error again after an {@link ParseStatus#ERROR})
     */
    public ParseStatus endOfInput() {
        return switch (state) {
            case HEAD -> scanner.isIdle() ? ParseStatus.NEED_MORE : fail(ParseError.TRUNCATED);
            case BODY -> {
                // RFC 9112 section 6.3, rule 8: a close-delimited body ends when the connection closes.
                if (body.endsAtClose() || body.isComplete()) {
                    endMessage();
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
    public ResponseHead head() {
        if (!headSeen) {
            throw new IllegalStateException("no response head has been parsed");
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

    /** Forgets all state, errors included, to parse a new stream; {@link #expectResponseToHead} is cleared too. */
    public void reset() {
        scanner.reset();
        state = State.HEAD;
        headSeen = false;
        toHeadRequest = false;
        error = null;
    }

    private ParseStatus fail(ParseError failure) {
        error = failure;
        state = State.FAILED;
        return ParseStatus.ERROR;
    }
}
