package dev.devproxy.parser;

import org.jspecify.annotations.Nullable;

/**
 * Parses a complete response head, top to bottom, from the copy {@link HeadScanner} made: status line, field
 * lines, then the framing rules of RFC 9112 section 6.3. One instance per parser, reused.
 */
final class ResponseHeadParser {
    private final Framing framing = new Framing();
    private final ParserLimits limits;
    private final long maxBodySize;
    private final boolean bareLfEndsLines;
    private @Nullable ParseError failure;
    private static final int REJECTED = -2;

    ResponseHeadParser(ParserLimits limits, boolean bareLfEndsLines) {
        this.limits = limits;
        this.bareLfEndsLines = bareLfEndsLines;
        this.maxBodySize = limits.maxBodySize();
    }

    /**
     * Parses {@code bytes[0, length)} into {@code head}.
     *
     * @param toHeadRequest whether the response answers a HEAD request, so has no body (section 6.3, rule 1)
     * @return null, or the rule the head breaks (then {@code head} holds garbage)
     */
    @Nullable ParseError parse(byte[] bytes, int length, boolean toHeadRequest, ResponseHead head) {
        failure = null;
        head.bytes = bytes;
        head.headLength = length;
        int fieldsStart = parseStatusLine(bytes, head);
        if (fieldsStart < 0) {
            return failure;
        }
        int end = FieldLineParser.parse(bytes, fieldsStart, length, head.headers, limits, bareLfEndsLines);
        return end < 0 ? ParseError.ofCode(end) : finish(toHeadRequest, head);
    }

    /**
     * Parses a head in {@code bytes[0, available)} that no {@link HeadScanner} has seen, in one pass, as
     * {@link RequestHeadParser#parseUnscanned} does for requests: it succeeds only where the scanner and
     * {@link #parse} would have succeeded with the same result, and leaves everything else to them.
     *
     * <p>{@code bytes[available]} must be zero, to stop the loops at the end of the input.
     *
     * @return the length of the head, status line to empty line, or a negative number: go the scanner's way
     */
    int parseUnscanned(byte[] bytes, int available, boolean toHeadRequest, ResponseHead head) {
        // The start line is short: check what the scanner checks of it, then parse it as usual.
        if (!HeadScanner.startLineEndsWell(bytes, available, limits)) {
            return REJECTED;
        }
        failure = null;
        head.bytes = bytes;
        int fieldsStart = parseStatusLine(bytes, head);
        if (fieldsStart < 0) {
            return REJECTED;
        }
        int end = FieldLineParser.parse(bytes, fieldsStart, available, head.headers, limits, bareLfEndsLines);
        if (end < 0) {
            return end == FieldLineParser.NEED_MORE ? end : REJECTED;
        }
        head.headLength = end;
        return finish(toHeadRequest, head) == null ? end : REJECTED;
    }

    /** The framing rules, once the lines are parsed. */
    private @Nullable ParseError finish(boolean toHeadRequest, ResponseHead head) {
        ParseError invalid;
        int status = head.status;
        // RFC 9112 section 6.3, rule 1: "Any response to a HEAD request and any response with a 1xx
        // (Informational), 204 (No Content), or 304 (Not Modified) status code is always terminated by the
        // first empty line after the header fields, regardless of the header fields present in the message".
        if (toHeadRequest || status < 200 || status == 204 || status == 304) {
            framing.evaluateBodiless(head.headers, head.version);
        } else {
            invalid = framing.evaluateResponse(head.headers, head.version, maxBodySize);
            if (invalid != null) {
                return invalid;
            }
        }
        head.bodyKind = framing.bodyKind;
        head.contentLength = framing.contentLength;
        head.keepAlive = framing.keepAlive;
        return null;
    }

    /**
     * RFC 9112 section 4: {@code status-line = HTTP-version SP status-code SP [ reason-phrase ]}.
     *
     * <p>Tolerance: a status line that ends right after the status code ({@code HTTP/1.1 200}) is accepted
     * with an empty reason, though the grammar requires the SP; real servers send it, and it cannot change
     * where the message ends.
     *
     * @return the index of the first field line, or -1 with {@link #failure} set
     */
    private int parseStatusLine(byte[] bytes, ResponseHead head) {
        int p = 0;
        while (bytes[p] != HttpTokens.SP && bytes[p] != HttpTokens.CR && bytes[p] != HttpTokens.LF) {
            p++;
        }
        // RFC 9112 section 2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT, case-sensitive.
        if (p != 8 || bytes[0] != 'H' || bytes[1] != 'T' || bytes[2] != 'T' || bytes[3] != 'P' || bytes[4] != '/'
                || !HttpTokens.isDigit(bytes[5]) || bytes[6] != '.' || !HttpTokens.isDigit(bytes[7])) {
            return fail(ParseError.VERSION);
        }
        if (bytes[p] != HttpTokens.SP) {
            return fail(ParseError.START_LINE);
        }
        if (bytes[5] != '1') {
            return fail(ParseError.UNSUPPORTED_VERSION);
        }
        head.version = bytes[7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        p++;
        if (bytes[p] == HttpTokens.SP) {
            return fail(ParseError.START_LINE);
        }

        // RFC 9112 section 4: status-code = 3DIGIT; RFC 9110 section 15: the first digit is its class, 1 to 9
        // (RFC 9110 admits 100 to 599 as defined, and section 15 says to treat an unknown code as its class).
        if (!HttpTokens.isDigit(bytes[p]) || !HttpTokens.isDigit(bytes[p + 1]) || !HttpTokens.isDigit(bytes[p + 2])
                || bytes[p] == '0') {
            return fail(ParseError.STATUS);
        }
        head.status = (bytes[p] - '0') * 100 + (bytes[p + 1] - '0') * 10 + (bytes[p + 2] - '0');
        p += 3;
        if (bytes[p] == HttpTokens.CR || bytes[p] == HttpTokens.LF) {
            head.reasonStart = p;
            head.reasonEnd = p;
            return FieldLineParser.skipLineEnd(bytes, p);
        }
        if (bytes[p] != HttpTokens.SP) {
            return fail(ParseError.STATUS);
        }
        p++;

        // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ), the same bytes as a field value.
        int reasonStart = p;
        while (HttpTokens.isFieldValue(bytes[p])) {
            p++;
        }
        if (bytes[p] != HttpTokens.CR && bytes[p] != HttpTokens.LF) {
            return fail(ParseError.STATUS);
        }
        head.reasonStart = reasonStart;
        head.reasonEnd = p;
        return FieldLineParser.skipLineEnd(bytes, p);
    }

    private int fail(ParseError error) {
        failure = error;
        return -1;
    }
}
