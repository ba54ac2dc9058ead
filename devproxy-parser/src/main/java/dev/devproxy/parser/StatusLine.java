package dev.devproxy.parser;

import org.jspecify.annotations.Nullable;

/**
 * What is particular to a response head: the status line (RFC 9112 section 4) and the rule that some responses
 * have no body whatever their fields say. {@link MessageParser} runs them on a complete head, before and after
 * the field lines.
 */
final class StatusLine {
    private StatusLine() {
    }

    /**
     * The framing rules, once the lines are parsed.
     *
     * @param toHeadRequest whether the response answers a HEAD request, so has no body (section 6.3, rule 1)
     * @param maxBodySize the response body limit, for a declared Content-Length
     * @return null, with the framing in {@code framing}, or the rule the head breaks
     */
    static @Nullable ParseError checkHead(ResponseHead head, boolean toHeadRequest, Framing framing,
            long maxBodySize) {
        int status = head.status;
        // RFC 9112 section 6.3, rule 1: "Any response to a HEAD request and any response with a 1xx
        // (Informational), 204 (No Content), or 304 (Not Modified) status code is always terminated by the
        // first empty line after the header fields, regardless of the header fields present in the message".
        if (toHeadRequest || status < 200 || status == 204 || status == 304) {
            framing.evaluateBodiless(head.headers, head.version);
            return null;
        }
        return framing.evaluateResponse(head.headers, head.version, maxBodySize);
    }

    /**
     * RFC 9112 section 4: {@code status-line = HTTP-version SP status-code SP [ reason-phrase ]}.
     *
     * <p>Tolerance: a status line that ends right after the status code ({@code HTTP/1.1 200}) is accepted
     * with an empty reason, though the grammar requires the SP; real servers send it, and it cannot change
     * where the message ends.
     *
     * @return the index of the first field line, or the {@link ParseError#code()} of the rule the line breaks
     */
    static int parse(byte[] bytes, ResponseHead head) {
        int p = 0;
        while (bytes[p] != HttpTokens.SP && bytes[p] != HttpTokens.CR && bytes[p] != HttpTokens.LF) {
            p++;
        }
        if (!HttpVersion.isWellFormed(bytes, 0, p)) {
            return fail(ParseError.VERSION);
        }
        if (bytes[p] != HttpTokens.SP) {
            return fail(ParseError.START_LINE);
        }
        HttpVersion version = HttpVersion.ofWellFormed(bytes, 0);
        if (version == null) {
            return fail(ParseError.UNSUPPORTED_VERSION);
        }
        head.version = version;
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

    private static int fail(ParseError error) {
        return error.code();
    }
}
