package dev.devproxy.parser;

import org.jspecify.annotations.Nullable;

/**
 * Decides how a message's body is delimited from its Transfer-Encoding and Content-Length fields (RFC 9112
 * section 6), and whether its connection persists (section 9.3).
 *
 * <p>This is where request smuggling is stopped: every peer on the path must find the same end of the body,
 * so every ambiguity the RFC lets a recipient reject is rejected. One instance per parser, reused; evaluating
 * a head allocates nothing.
 */
final class Framing {
    /** Content-Length value of an element that is not 1*DIGIT. */
    private static final long INVALID = -1;
    /** Content-Length value of an element too large for a long. */
    private static final long OVERFLOW = -2;
    /** No Content-Length element seen yet. */
    private static final long ABSENT = -3;

    // Results of the last evaluate() that returned null.
    BodyKind bodyKind = BodyKind.NONE;
    long contentLength = -1;
    boolean keepAlive;

    // What one pass over the fields found.
    private boolean hasTransferEncoding;
    private boolean codingsMalformed;
    private boolean chunkedTwice;
    private boolean chunkedSeen;
    private boolean chunkedLast;
    private boolean otherCoding;
    private boolean hasContentLength;
    private boolean contentLengthInvalid;
    private boolean contentLengthsDiffer;
    private long contentLengthValue;
    private boolean connectionClose;
    private boolean connectionKeepAlive;

    /**
     * Evaluates the framing of a request.
     *
     * @return null, with the results in this object's fields, or the rule the head breaks
     */
    @Nullable ParseError evaluateRequest(HeaderFields fields, HttpVersion version, long maxBodySize) {
        collect(fields);
        keepAlive = persists(version);
        if (hasTransferEncoding) {
            ParseError invalid = checkTransferEncoding(version);
            if (invalid != null) {
                return invalid;
            }
            // RFC 9112 section 6.3, rule 4: "If a Transfer-Encoding header field is present in a request and the
            // chunked transfer coding is not the final encoding, the message body length cannot be determined
            // reliably; the server MUST respond with the 400 (Bad Request) status code".
            if (!chunkedLast) {
                return ParseError.TRANSFER_ENCODING;
            }
            // RFC 9112 section 6.1: "A server that receives a request message with a transfer coding it does
            // not understand SHOULD respond with 501 (Not Implemented)." DevProxy understands only chunked.
            if (otherCoding) {
                return ParseError.UNKNOWN_TRANSFER_CODING;
            }
            return chunked();
        }
        if (hasContentLength) {
            return contentLength(maxBodySize);
        }
        // RFC 9112 section 6.3, rule 7: a request with neither field has a body of length zero.
        bodyKind = BodyKind.NONE;
        contentLength = -1;
        return null;
    }

    /**
     * Evaluates the framing of a response that may have a body (not one to HEAD, nor 1xx, 204 or 304, whose
     * framing fields RFC 9112 section 6.3 rule 1 says to ignore).
     *
     * @return null, with the results in this object's fields, or the rule the head breaks
     */
    @Nullable ParseError evaluateResponse(HeaderFields fields, HttpVersion version, long maxBodySize) {
        collect(fields);
        keepAlive = persists(version);
        ParseError invalid;
        if (hasTransferEncoding) {
            invalid = checkTransferEncoding(version);
            if (invalid == null && chunkedLast) {
                // Codings before chunked are content the client decodes, so unknown ones are not our concern.
                invalid = chunked();
            } else if (invalid == null) {
                // RFC 9112 section 6.3, rule 4: a response whose final coding is not chunked is delimited by
                // the server closing the connection.
                untilClose();
            }
        } else if (hasContentLength) {
            invalid = contentLength(maxBodySize);
        } else {
            // RFC 9112 section 6.3, rule 8: otherwise the body ends when the connection closes.
            untilClose();
            invalid = null;
        }
        return invalid;
    }

    /** Evaluates only persistence, for a response without a body whatever its head says. */
    void evaluateBodiless(HeaderFields fields, HttpVersion version) {
        collect(fields);
        keepAlive = persists(version);
        bodyKind = BodyKind.NONE;
        contentLength = -1;
    }

    private @Nullable ParseError checkTransferEncoding(HttpVersion version) {
        // RFC 9112 section 6.1: "A sender MUST NOT send a Content-Length header field in any message that
        // contains a Transfer-Encoding header field", and a server MAY reject it rather than let Transfer-
        // Encoding override: an intermediary that trusts the other one is the classic smuggling gadget.
        if (hasContentLength) {
            return ParseError.TRANSFER_ENCODING_WITH_CONTENT_LENGTH;
        }
        // RFC 9112 section 6.1: "A server or client that receives an HTTP/1.0 message containing a Transfer-
        // Encoding header field MUST treat the message as if the framing is faulty".
        if (version == HttpVersion.HTTP_1_0) {
            return ParseError.TRANSFER_ENCODING;
        }
        // RFC 9112 section 6.1: "A sender MUST NOT apply the chunked transfer coding more than once".
        if (codingsMalformed || chunkedTwice) {
            return ParseError.TRANSFER_ENCODING;
        }
        return null;
    }

    private @Nullable ParseError chunked() {
        bodyKind = BodyKind.CHUNKED;
        contentLength = -1;
        return null;
    }

    private void untilClose() {
        bodyKind = BodyKind.UNTIL_CLOSE;
        contentLength = -1;
        keepAlive = false;
    }

    private @Nullable ParseError contentLength(long maxBodySize) {
        // RFC 9112 section 6.3, rule 5: an invalid Content-Length, or a list whose values differ, is an
        // unrecoverable error; a list of identical values (RFC 9110 section 8.6) is read as one of them.
        if (contentLengthInvalid || contentLengthsDiffer) {
            return ParseError.CONTENT_LENGTH;
        }
        if (contentLengthValue == OVERFLOW || contentLengthValue > maxBodySize) {
            return ParseError.BODY_TOO_LARGE;
        }
        bodyKind = BodyKind.CONTENT_LENGTH;
        contentLength = contentLengthValue;
        return null;
    }

    /**
     * RFC 9112 section 9.3: HTTP/1.1 persists unless {@code Connection: close}; HTTP/1.0 persists only with
     * {@code keep-alive} (section 9.3 and appendix C.2.2), and {@code close} wins over it.
     */
    private boolean persists(HttpVersion version) {
        if (connectionClose) {
            return false;
        }
        return version == HttpVersion.HTTP_1_1 || connectionKeepAlive;
    }

    private void collect(HeaderFields fields) {
        hasTransferEncoding = false;
        codingsMalformed = false;
        chunkedTwice = false;
        chunkedSeen = false;
        chunkedLast = false;
        otherCoding = false;
        hasContentLength = false;
        contentLengthInvalid = false;
        contentLengthsDiffer = false;
        contentLengthValue = ABSENT;
        connectionClose = false;
        connectionKeepAlive = false;
        if (!fields.hasFramingNames()) {
            return;
        }
        for (int i = 0; i < fields.size(); i++) {
            // The names differ in length, so one comparison of lengths rules out all but one of them.
            switch (fields.nameLength(i)) {
                case 17 -> {
                    if (fields.nameEquals(i, "Transfer-Encoding")) {
                        hasTransferEncoding = true;
                        collectCodings(fields.bytes(), fields.valueStart(i), fields.valueEnd(i));
                    }
                }
                case 14 -> {
                    if (fields.nameEquals(i, "Content-Length")) {
                        hasContentLength = true;
                        collectContentLengths(fields.bytes(), fields.valueStart(i), fields.valueEnd(i));
                    }
                }
                case 10 -> {
                    if (fields.nameEquals(i, "Connection")) {
                        connectionClose |= fields.valueHasToken(i, "close");
                        connectionKeepAlive |= fields.valueHasToken(i, "keep-alive");
                    }
                }
                default -> {
                    // Not a framing field.
                }
            }
        }
    }

    /**
     * Reads one Transfer-Encoding line: {@code #transfer-coding} (RFC 9112 section 6.1), taken together with
     * the lines before it as one list (RFC 9110 section 5.3). Codings are case-insensitive (RFC 9112 section 7).
     */
    private void collectCodings(byte[] bytes, int start, int end) {
        for (int from = start; from <= end; ) {
            int comma = HttpTokens.elementEnd(bytes, from, end);
            int codingStart = HttpTokens.skipWhitespace(bytes, from, comma);
            int codingEnd = HttpTokens.trimWhitespace(bytes, codingStart, comma);
            // An empty element, or one with parameters or anything else that is not a bare token, is
            // malformed: no coding DevProxy knows takes parameters, and chunked must be recognised exactly.
            if (codingStart == codingEnd || !allTchar(bytes, codingStart, codingEnd)) {
                codingsMalformed = true;
            } else if (HttpTokens.equalsIgnoreCase(bytes, codingStart, codingEnd, "chunked")) {
                chunkedTwice |= chunkedSeen;
                chunkedSeen = true;
                chunkedLast = true;
            } else {
                otherCoding = true;
                chunkedLast = false;
            }
            from = comma + 1;
        }
    }

    /** Reads one Content-Length line: {@code 1*DIGIT}, or a list of them (RFC 9110 section 8.6). */
    private void collectContentLengths(byte[] bytes, int start, int end) {
        for (int from = start; from <= end; ) {
            int comma = HttpTokens.elementEnd(bytes, from, end);
            int digitsStart = HttpTokens.skipWhitespace(bytes, from, comma);
            long value = digits(bytes, digitsStart, HttpTokens.trimWhitespace(bytes, digitsStart, comma));
            if (value == INVALID) {
                contentLengthInvalid = true;
            } else if (contentLengthValue == ABSENT) {
                contentLengthValue = value;
            } else if (value != contentLengthValue) {
                contentLengthsDiffer = true;
            }
            from = comma + 1;
        }
    }

    /** The value of {@code 1*DIGIT} in {@code bytes[from, to)}: INVALID when empty or not digits, OVERFLOW when too large. */
    private static long digits(byte[] bytes, int from, int to) {
        if (from == to) {
            return INVALID;
        }
        long value = 0;
        boolean overflow = false;
        for (int i = from; i < to; i++) {
            if (!HttpTokens.isDigit(bytes[i])) {
                return INVALID;
            }
            int digit = bytes[i] - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                overflow = true;
            } else {
                value = value * 10 + digit;
            }
        }
        return overflow ? OVERFLOW : value;
    }

    private static boolean allTchar(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!HttpTokens.isTchar(bytes[i])) {
                return false;
            }
        }
        return true;
    }
}
