package dev.devproxy.parser;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The incremental parser both directions share: feed it bytes as they arrive, in any split, and it reports each
 * message as {@link ParseStatus#HEAD}, {@link ParseStatus#BODY} runs and {@link ParseStatus#END}.
 * {@link RequestParser} and {@link ResponseParser} differ only in their start line and the few rules that are
 * theirs alone; the header section, framing, bodies, chunked coding and trailers are parsed here, by one core.
 *
 * <h2>The parse loop</h2>
 *
 * <p>Each call to {@link #parse} reports one event and consumes only the bytes that event covers, so call it
 * until it returns {@link ParseStatus#NEED_MORE}, which means every byte given was consumed; then read more into
 * the buffer and go on. Bytes of a pipelined next message stay in the buffer after END, and the next call starts
 * on them. A message without a body is HEAD then END; the END needs no input, so the loop reports it on the
 * next call even with the buffer empty. {@link #isMessageComplete()} tells, right after HEAD (or after a
 * body run), that END is next, for a caller that wants to act on a whole bodyless request at its head.
 *
 * <pre>{@code
 * for (ParseStatus status; (status = parser.parse(buffer)) != ParseStatus.NEED_MORE; ) {
 *     switch (status) {
 *         case HEAD -> route(parser.head());          // parser.isMessageComplete(): no body follows
 *         case BODY -> write(parser.bodySlice());     // read-only view of the run; or bodyOffset()/bodyLength()
 *         case END -> finish();                       // the next call starts the next pipelined message
 *         case ERROR -> { reject(parser.error().status()); return; }
 *         default -> { }
 *     }
 * }
 * // NEED_MORE: buffer.compact(), read from the socket, buffer.flip(), and loop again; at end of stream,
 * // endOfInput() says whether the stream ended cleanly (NEED_MORE), completed a message (END) or cut one (ERROR).
 * }</pre>
 *
 * <p>The buffer may be heap or direct; the parser reads it only between its position and its limit, advances
 * the position past what it consumed, and never changes its limit, mark or contents. A head is copied into the
 * parser's own storage (bounded by the limits), so the buffer may be compacted or refilled once HEAD is
 * reported; body bytes are never copied, so a body run is valid only until the caller reuses the buffer. Once
 * its storage has grown to fit the heads it sees, a parser allocates nothing per message. Not thread-safe: one
 * parser per connection.
 *
 * <p>A head is read one of two ways, with one result. One that arrived whole is copied once and parsed in one
 * pass, the field-line grammar checking line ends and limits as it goes. One in pieces, or one the one pass
 * does not accept outright, goes through a scanner, which checks line ends and limits byte by byte as the bytes
 * come, then the same grammar runs on its copy; its verdict is the one reported.
 *
 * <p>The limits and leniencies come from a {@link ParserConfig}, which a request parser and a response parser
 * may share: the head limits hold in both directions, and each direction has its own body limit.
 *
 * @param <H> the kind of head: {@link RequestHead} or {@link ResponseHead}
 */
public abstract sealed class MessageParser<H extends MessageHead> permits RequestParser, ResponseParser {
    private enum State {
        /** Between messages or inside a head. */
        HEAD,
        /** After HEAD, until END. */
        BODY,
        /** After ERROR, until reset. */
        FAILED
    }

    /** How much input the one-pass path copies at first; a longer head is copied again, whole. */
    private static final int FIRST_COPY = 2048;
    /** The one-pass path does not accept the head: the scanner is to take the bytes. */
    private static final int LEAVE_TO_SCANNER = -2;

    private final ParserLimits limits;
    private final boolean bareLfEndsLines;
    /** The body limit of this direction: a request's or a response's. */
    final long maxBodySize;
    final Framing framing = new Framing();
    private final HeadScanner scanner;
    private final BodyDecoder body;
    private H head;
    /** Where heads are parsed, so a head given up on never disturbs the one last reported. */
    private H spareHead;

    private State state = State.HEAD;
    /** The buffer of the last BODY event, and the read-only view of it {@link #bodySlice()} hands out. */
    private @Nullable ByteBuffer bodyInput;
    private @Nullable ByteBuffer bodyView;
    private @Nullable ByteBuffer bodyViewOf;
    private boolean headSeen;
    private @Nullable ParseError error;

    MessageParser(HeadScanner.StartLine startLine, ParserConfig config, long maxBodySize, H head, H spareHead) {
        this.limits = config.limits();
        this.bareLfEndsLines = config.allows(Leniency.BARE_LF);
        this.maxBodySize = maxBodySize;
        this.scanner = new HeadScanner(startLine, limits, bareLfEndsLines);
        this.body = new BodyDecoder(limits, maxBodySize, bareLfEndsLines);
        this.head = head;
        this.spareHead = spareHead;
    }

    /**
     * Parses the start line at {@code bytes[0]}, which ends in a line end, into {@code head}.
     *
     * @return the index of the first field line, or the {@link ParseError#code()} of the rule the line breaks
     */
    abstract int parseStartLine(byte[] bytes, H head);

    /**
     * The rules over the whole head, once its lines are parsed; {@link #framing} evaluated by them.
     *
     * @return null, or the rule the head breaks
     */
    abstract @Nullable ParseError checkHead(H head);

    /** Called when a message ends, its END about to be reported. */
    void messageEnded(H head) {
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
        if (scanner.isPristine() && parseWhole(input)) {
            return headParsed();
        }
        ParseStatus scanned = scanner.scan(input);
        if (scanned == ParseStatus.NEED_MORE) {
            return ParseStatus.NEED_MORE;
        }
        if (scanned == ParseStatus.ERROR) {
            return fail(scanner.error());
        }
        int end = parseHeadIn(scanner.bytes(), scanner.length(), spareHead);
        // The head keeps pointing at the storage it was parsed from; the next head goes to the other array.
        scanner.startNext();
        return end < 0 ? fail(ParseError.ofCode(end)) : headParsed();
    }

    /**
     * The one-pass path for a head that arrived whole, parsing it where {@link HeadScanner#copyWhole} put it;
     * false, having consumed nothing, when the scanner must take the bytes instead.
     */
    private boolean parseWhole(ByteBuffer input) {
        int position = input.position();
        int remaining = input.limit() - position;
        if (remaining == 0) {
            // Nothing to parse, and no reason to grow the storage of a connection that may stay idle.
            return false;
        }
        int copy = Math.min(remaining, FIRST_COPY);
        int end = parseUnscanned(input, position, copy);
        if (end == FieldLineParser.NEED_MORE && copy < remaining && copy < scanner.maxStorage()) {
            end = parseUnscanned(input, position, Math.min(remaining, scanner.maxStorage()));
        }
        if (end < 0) {
            return false;
        }
        input.position(position + end);
        // As after a scan: the next head goes to the other array.
        scanner.startNext();
        return true;
    }

    /**
     * Parses {@code count} bytes no scanner has seen. It succeeds only where the scanner and {@link #parseHeadIn}
     * would have succeeded with the same result; anything else (an error, a limit reached, empty lines before a
     * request line) is left to them.
     *
     * @return the head's length, {@link FieldLineParser#NEED_MORE}, or {@link #LEAVE_TO_SCANNER}
     */
    private int parseUnscanned(ByteBuffer input, int position, int count) {
        byte[] bytes = scanner.copyWhole(input, position, count);
        // The start line is short: check what the scanner checks of it, then parse it as the scanner's copy.
        if (!startLineEndsWell(bytes, count)) {
            return LEAVE_TO_SCANNER;
        }
        int end = parseHeadIn(bytes, count, spareHead);
        return end >= 0 || end == FieldLineParser.NEED_MORE ? end : LEAVE_TO_SCANNER;
    }

    /**
     * Whether the start line in {@code bytes[0, available)} is complete, non-empty, ends in CRLF and is within
     * the start-line limit, which is all the scan would check of it.
     */
    private boolean startLineEndsWell(byte[] bytes, int available) {
        int lineEnd = HttpTokens.findLineEnd(bytes, 0, available);
        return lineEnd > 0 && lineEnd + 1 < available && lineEnd <= limits.maxRequestLineLength()
                && bytes[lineEnd] == HttpTokens.CR && bytes[lineEnd + 1] == HttpTokens.LF;
    }

    /**
     * Parses the head in {@code bytes[0, available)} into {@code head}, top to bottom: start line, field lines,
     * then the rules over the whole head. The bytes are the scanner's copy, or on the one-pass path followed by
     * a zero.
     *
     * @return the head's length, {@link FieldLineParser#NEED_MORE}, or the {@link ParseError#code()} of the
     *     rule it breaks (then {@code head} holds garbage)
     */
    private int parseHeadIn(byte[] bytes, int available, H head) {
        head.bytes = bytes;
        int fieldsStart = parseStartLine(bytes, head);
        if (fieldsStart < 0) {
            return fieldsStart;
        }
        int end = FieldLineParser.parse(bytes, fieldsStart, available, head.headers, limits, bareLfEndsLines);
        if (end < 0) {
            return end;
        }
        ParseError invalid = checkHead(head);
        if (invalid != null) {
            return invalid.code();
        }
        head.headLength = end;
        head.bodyKind = framing.bodyKind;
        head.contentLength = framing.contentLength;
        head.keepAlive = framing.keepAlive;
        return end;
    }

    private ParseStatus headParsed() {
        H parsed = spareHead;
        spareHead = head;
        head = parsed;
        headSeen = true;
        body.start(parsed.bodyKind, parsed.contentLength);
        state = State.BODY;
        return ParseStatus.HEAD;
    }

    private ParseStatus parseBody(ByteBuffer input) {
        ParseStatus status = body.decode(input);
        if (status == ParseStatus.BODY) {
            bodyInput = input;
        } else if (status == ParseStatus.END) {
            endMessage();
        } else if (status == ParseStatus.ERROR) {
            return fail(body.error());
        }
        return status;
    }

    private void endMessage() {
        state = State.HEAD;
        messageEnded(head);
    }

    /**
     * Tells the parser the input has ended (the peer closed its side).
     *
     * @return {@link ParseStatus#NEED_MORE} when no message was in progress (a clean close),
     *     {@link ParseStatus#END} when that completes the message in progress (a response body delimited by the
     *     close, or a message whose END was not yet reported), or {@link ParseStatus#ERROR} with
     *     {@link ParseError#TRUNCATED} when one was cut short (and the earlier error again after an
     *     {@link ParseStatus#ERROR})
     */
    public ParseStatus endOfInput() {
        return switch (state) {
            case HEAD -> scanner.isIdle() ? ParseStatus.NEED_MORE : fail(ParseError.TRUNCATED);
            case BODY -> {
                // RFC 9112 section 6.3, rule 8: a close-delimited body (responses only) ends when the connection
                // closes.
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
    public H head() {
        if (!headSeen) {
            throw new IllegalStateException("no head has been parsed");
        }
        return head;
    }

    /**
     * Whether the message whose head was reported has been consumed in full, so the next {@link #parse} reports
     * {@link ParseStatus#END} whatever the input (even none): true right after the HEAD of a message without a
     * body ({@code head().bodyKind() == BodyKind.NONE}, or a Content-Length of 0) and after the last BODY run of
     * a Content-Length body. False between messages, and for chunked and close-delimited bodies, whose end is
     * framing still to be read. Lets a caller answer a bodyless request as soon as its HEAD arrives.
     *
     * @return whether END is the next event, needing no input
     */
    public boolean isMessageComplete() {
        return state == State.BODY && body.isComplete();
    }

    /**
     * After {@link ParseStatus#BODY}: the body run as a read-only view of the buffer that call was given, heap
     * or direct, positioned on the run (position {@link #bodyOffset()}, limit {@code bodyOffset() +
     * bodyLength()}), sharing its contents, so nothing is copied. Write it out, or copy it, before reusing the
     * buffer. The parser hands out the same view object for as long as it is given the same buffer (setting its
     * position and limit again on each call), so this allocates only when a new buffer object is first seen; use
     * the view before the next call to {@code parse}, or {@link ByteBuffer#slice() slice} it to keep it.
     *
     * @return the body run, read-only, positioned on the run
     * @throws IllegalStateException if no body run has been reported since the parser was made or reset
     */
    public ByteBuffer bodySlice() {
        ByteBuffer input = bodyInput;
        if (input == null) {
            throw new IllegalStateException("no body run has been reported");
        }
        ByteBuffer view = bodyView;
        if (view == null || bodyViewOf != input) {
            view = input.asReadOnlyBuffer();
            bodyView = view;
            bodyViewOf = input;
        }
        int offset = body.bodyOffset();
        view.limit(view.capacity()).position(offset).limit(offset + body.bodyLength());
        return view;
    }

    /**
     * After {@link ParseStatus#BODY}: the absolute index of the body run in the buffer that call was given. The
     * run is {@code bodyLength()} bytes from there, and the buffer's position is now just past it. For a
     * Content-Length or close-delimited body the run starts at the position the call was given; for a chunked
     * body, after the chunk framing the call consumed before it.
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

    /** Whether the start line of the head being read has arrived in full, so only field lines are missing. */
    final boolean hasStartLine() {
        return state == State.HEAD && scanner.isInFields();
    }

    /** Forgets all state, errors included, to parse a new stream. */
    public void reset() {
        scanner.reset();
        state = State.HEAD;
        headSeen = false;
        error = null;
        bodyInput = null;
        bodyView = null;
        bodyViewOf = null;
    }

    private ParseStatus fail(ParseError failure) {
        error = failure;
        state = State.FAILED;
        return ParseStatus.ERROR;
    }
}
