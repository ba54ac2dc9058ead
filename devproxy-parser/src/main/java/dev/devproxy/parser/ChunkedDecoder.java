package dev.devproxy.parser;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Removes chunked framing (RFC 9112 section 7.1) from a body, resumably, one byte of framing at a time.
 *
 * <pre>
 * chunked-body   = *chunk last-chunk trailer-section CRLF
 * chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 * chunk-size     = 1*HEXDIG
 * last-chunk     = 1*("0") [ chunk-ext ] CRLF
 * chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 * chunk-ext-name = token
 * chunk-ext-val  = token / quoted-string
 * </pre>
 *
 * <p>Every chunk line and every CRLF is checked, because a lenient chunk parser is a smuggling gadget: two
 * peers that disagree on where a chunk ends disagree on where the next request begins ("funky chunks").
 * Extensions are validated and then ignored. Chunk data is never copied: it is reported as a range of the
 * caller's buffer. Like picohttpparser's {@code phr_decode_chunked}, this is the one resumable state machine
 * in the parser; heads are parsed straight-line once complete.
 */
final class ChunkedDecoder {
    /** Fifteen hex digits, 2^60 - 1, is more than any limit; a sixteenth could overflow a long. */
    private static final int MAX_SIZE_DIGITS = 15;

    private enum State {
        /** In chunk-size; at least one digit must come. */
        SIZE,
        /** After whitespace that follows the size or an extension value: only ";" may follow. */
        BEFORE_SEMICOLON,
        /** After ";": whitespace, then the first tchar of an extension name. */
        BEFORE_NAME,
        /** In chunk-ext-name. */
        NAME,
        /** After whitespace that follows a name: "=" or ";" may follow. */
        AFTER_NAME,
        /** After "=": whitespace, then a token or a quoted-string. */
        BEFORE_VALUE,
        /** In a token value. */
        TOKEN_VALUE,
        /** In a quoted-string value, after its opening DQUOTE. */
        QUOTED_VALUE,
        /** After a backslash in a quoted-string. */
        QUOTED_PAIR,
        /** After the closing DQUOTE of a quoted-string. */
        AFTER_QUOTED_VALUE,
        /** After the CR that ends a chunk line. */
        LINE_LF,
        /** In chunk-data. */
        DATA,
        /** After chunk-data: CR expected. */
        DATA_CR,
        /** After chunk-data and CR: LF expected. */
        DATA_LF,
        /** After the last chunk: the trailer section and the final CRLF. */
        TRAILERS,
        /** The body has ended. */
        DONE
    }

    private final ParserLimits limits;
    /** The body limit of the message's direction (ParserLimits has one for each). */
    private final long maxBodySize;
    private final boolean bareLfEndsLines;
    /** Made when a first trailer section starts: most connections never send one, and each one idles. */
    private @Nullable HeadScanner trailerScanner;
    private final HeaderFields trailers = new HeaderFields();

    private State state = State.SIZE;
    private long chunkSize;
    private int sizeDigits;
    /** Bytes of the current chunk line, its CRLF not counted. */
    private int lineLength;
    /** Bytes of chunk-data left in the current chunk. */
    private long remaining;
    /** Decoded bytes of the body so far, declared chunks included. */
    private long decoded;
    private int bodyOffset;
    private int bodyLength;
    private @Nullable ParseError error;

    ChunkedDecoder(ParserLimits limits, long maxBodySize, boolean bareLfEndsLines) {
        this.limits = limits;
        this.maxBodySize = maxBodySize;
        this.bareLfEndsLines = bareLfEndsLines;
    }

    /** Prepares for a new chunked body; the previous trailers are forgotten. */
    void start() {
        state = State.SIZE;
        chunkSize = 0;
        sizeDigits = 0;
        lineLength = 0;
        remaining = 0;
        decoded = 0;
        error = null;
        trailers.clear(trailers.bytes());
        if (trailerScanner != null) {
            trailerScanner.startNext();
        }
    }

    /**
     * Consumes framing from {@code input} up to the next run of data, and that run.
     *
     * @return {@link ParseStatus#BODY} for a run of data (see {@link #bodyOffset()}), {@link ParseStatus#END}
     *     once the trailer section's final CRLF is consumed, {@link ParseStatus#NEED_MORE} when all input was
     *     consumed, or {@link ParseStatus#ERROR}
     */
    ParseStatus decode(ByteBuffer input) {
        int p = input.position();
        int limit = input.limit();
        while (true) {
            if (state == State.DATA) {
                if (p == limit) {
                    input.position(p);
                    return ParseStatus.NEED_MORE;
                }
                int run = (int) Math.min(remaining, limit - p);
                bodyOffset = p;
                bodyLength = run;
                remaining -= run;
                if (remaining == 0) {
                    state = State.DATA_CR;
                }
                input.position(p + run);
                return ParseStatus.BODY;
            }
            if (state == State.TRAILERS) {
                input.position(p);
                return decodeTrailers(input);
            }
            if (state == State.DONE) {
                input.position(p);
                return ParseStatus.END;
            }
            if (p == limit) {
                input.position(p);
                return ParseStatus.NEED_MORE;
            }
            ParseError failure = consumeFramingByte(input.get(p));
            if (failure != null) {
                error = failure;
                return ParseStatus.ERROR;
            }
            p++;
        }
    }

    private ParseStatus decodeTrailers(ByteBuffer input) {
        HeadScanner trailerScanner = this.trailerScanner;
        if (trailerScanner == null) {
            trailerScanner = new HeadScanner(HeadScanner.StartLine.NONE, limits, bareLfEndsLines);
            this.trailerScanner = trailerScanner;
        }
        ParseStatus scanned = trailerScanner.scan(input);
        if (scanned == ParseStatus.ERROR) {
            error = trailerScanner.error();
            return ParseStatus.ERROR;
        }
        if (scanned == ParseStatus.NEED_MORE) {
            return ParseStatus.NEED_MORE;
        }
        // RFC 9112 section 7.1.2: trailer-section = *( field-line CRLF ), parsed like the header section.
        int end = FieldLineParser.parse(trailerScanner.bytes(), 0, trailerScanner.length(), trailers, limits,
                bareLfEndsLines);
        if (end < 0) {
            error = ParseError.ofCode(end);
            return ParseStatus.ERROR;
        }
        state = State.DONE;
        return ParseStatus.END;
    }

    /** Advances the chunk-line states over one byte. */
    private @Nullable ParseError consumeFramingByte(byte b) {
        if (b != HttpTokens.CR && b != HttpTokens.LF && state != State.DATA_CR && state != State.DATA_LF
                && ++lineLength > limits.maxChunkLineLength()) {
            // RFC 9112 section 7.1.1: "A recipient SHOULD ... limit the total length of chunk extensions".
            return ParseError.CHUNK_EXTENSION;
        }
        switch (state) {
            case SIZE -> {
                int digit = HttpTokens.hexValue(b);
                if (digit >= 0) {
                    if (++sizeDigits > MAX_SIZE_DIGITS) {
                        return ParseError.CHUNK_SIZE;
                    }
                    chunkSize = chunkSize << 4 | digit;
                    return null;
                }
                if (sizeDigits == 0) {
                    return ParseError.CHUNK_SIZE;
                }
                if (HttpTokens.isWhitespace(b)) {
                    state = State.BEFORE_SEMICOLON;
                    return null;
                }
                return b == ';' ? next(State.BEFORE_NAME) : endOfLineOr(b, ParseError.CHUNK_SIZE);
            }
            case BEFORE_SEMICOLON -> {
                // BWS is allowed before ";" but not before the CRLF: "5 \r\n" is not a chunk line.
                if (HttpTokens.isWhitespace(b)) {
                    return null;
                }
                return b == ';' ? next(State.BEFORE_NAME) : ParseError.CHUNK_EXTENSION;
            }
            case BEFORE_NAME -> {
                if (HttpTokens.isWhitespace(b)) {
                    return null;
                }
                return HttpTokens.isTchar(b) ? next(State.NAME) : ParseError.CHUNK_EXTENSION;
            }
            case NAME -> {
                if (HttpTokens.isTchar(b)) {
                    return null;
                }
                if (HttpTokens.isWhitespace(b)) {
                    return next(State.AFTER_NAME);
                }
                return afterNameOrValue(b, true);
            }
            case AFTER_NAME -> {
                if (HttpTokens.isWhitespace(b)) {
                    return null;
                }
                if (b == '=') {
                    return next(State.BEFORE_VALUE);
                }
                return b == ';' ? next(State.BEFORE_NAME) : ParseError.CHUNK_EXTENSION;
            }
            case BEFORE_VALUE -> {
                if (HttpTokens.isWhitespace(b)) {
                    return null;
                }
                if (b == '"') {
                    return next(State.QUOTED_VALUE);
                }
                return HttpTokens.isTchar(b) ? next(State.TOKEN_VALUE) : ParseError.CHUNK_EXTENSION;
            }
            case TOKEN_VALUE -> {
                if (HttpTokens.isTchar(b)) {
                    return null;
                }
                if (HttpTokens.isWhitespace(b)) {
                    return next(State.BEFORE_SEMICOLON);
                }
                return afterNameOrValue(b, false);
            }
            case QUOTED_VALUE -> {
                // RFC 9110 section 5.6.4: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE.
                if (b == '"') {
                    return next(State.AFTER_QUOTED_VALUE);
                }
                if (b == '\\') {
                    return next(State.QUOTED_PAIR);
                }
                return HttpTokens.isQdtext(b) ? null : ParseError.CHUNK_EXTENSION;
            }
            case QUOTED_PAIR -> {
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                return HttpTokens.isFieldValue(b) ? next(State.QUOTED_VALUE) : ParseError.CHUNK_EXTENSION;
            }
            case AFTER_QUOTED_VALUE -> {
                if (HttpTokens.isWhitespace(b)) {
                    return next(State.BEFORE_SEMICOLON);
                }
                return afterNameOrValue(b, false);
            }
            case LINE_LF -> {
                // RFC 9112 section 2.2: a CR not followed by LF is invalid.
                return b == HttpTokens.LF ? endOfChunkLine() : ParseError.BARE_CR;
            }
            case DATA_CR -> {
                if (b == HttpTokens.CR) {
                    return next(State.DATA_LF);
                }
                if (b == HttpTokens.LF) {
                    return bareLfEndsLines ? startChunkLine() : ParseError.BARE_LF;
                }
                // RFC 9112 section 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF. Data longer than
                // its size is the classic desync, so nothing but the CRLF may follow.
                return ParseError.CHUNK_DATA_END;
            }
            case DATA_LF -> {
                return b == HttpTokens.LF ? startChunkLine() : ParseError.BARE_CR;
            }
            default -> throw new IllegalStateException("no framing byte in state " + state);
        }
    }

    /** A byte after an extension name ({@code nameEnded}) or value that is neither tchar nor whitespace. */
    private @Nullable ParseError afterNameOrValue(byte b, boolean nameEnded) {
        if (b == '=' && nameEnded) {
            return next(State.BEFORE_VALUE);
        }
        if (b == ';') {
            return next(State.BEFORE_NAME);
        }
        return endOfLineOr(b, ParseError.CHUNK_EXTENSION);
    }

    /** A CR or LF ends the chunk line here; anything else is {@code otherwise}. */
    private @Nullable ParseError endOfLineOr(byte b, ParseError otherwise) {
        if (b == HttpTokens.CR) {
            return next(State.LINE_LF);
        }
        if (b == HttpTokens.LF) {
            // RFC 9112 section 2.2: a bare LF ends a line only with Leniency.BARE_LF.
            return bareLfEndsLines ? endOfChunkLine() : ParseError.BARE_LF;
        }
        return otherwise;
    }

    private @Nullable ParseError endOfChunkLine() {
        if (chunkSize == 0) {
            // RFC 9112 section 7.1: last-chunk; the trailer section follows.
            state = State.TRAILERS;
            return null;
        }
        // The size is known before its data arrives, so an oversized body fails here, at its first byte.
        if (chunkSize > maxBodySize - decoded) {
            return ParseError.BODY_TOO_LARGE;
        }
        decoded += chunkSize;
        remaining = chunkSize;
        state = State.DATA;
        return null;
    }

    private @Nullable ParseError startChunkLine() {
        chunkSize = 0;
        sizeDigits = 0;
        lineLength = 0;
        state = State.SIZE;
        return null;
    }

    private @Nullable ParseError next(State nextState) {
        state = nextState;
        return null;
    }

    /** After {@link ParseStatus#BODY}: the absolute index of the run in the buffer given. */
    int bodyOffset() {
        return bodyOffset;
    }

    /** After {@link ParseStatus#BODY}: the length of the run. */
    int bodyLength() {
        return bodyLength;
    }

    /** After {@link ParseStatus#ERROR}: what was wrong. */
    ParseError error() {
        if (error == null) {
            throw new IllegalStateException("no error");
        }
        return error;
    }

    /** The trailer fields of the body just ended; empty until then. */
    HeaderFields trailers() {
        return trailers;
    }
}
