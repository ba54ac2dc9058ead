package dev.devproxy.parser;

/**
 * Why a message was rejected: the place in the grammar or the limit it broke, and the status a server should
 * answer a request that fails this way (RFC 9110 section 15).
 *
 * <p>For responses the status is only informative: a proxy answers a malformed upstream response with 502.
 */
public enum ParseError {
    /** The request line (or status line) is longer than {@link ParserLimits#maxRequestLineLength()}. */
    REQUEST_LINE_TOO_LONG(414),
    /** A field line is longer than {@link ParserLimits#maxHeaderLineLength()}. */
    HEADER_LINE_TOO_LONG(431),
    /** The header or trailer section has more than {@link ParserLimits#maxHeaderCount()} field lines. */
    TOO_MANY_HEADERS(431),
    /** The header or trailer section is larger than {@link ParserLimits#maxHeaderSectionSize()}. */
    HEADER_SECTION_TOO_LARGE(431),
    /**
     * The body is, or declares itself, larger than {@link ParserLimits#maxBodySize()} (a request) or
     * {@link ParserLimits#maxResponseBodySize()} (a response).
     */
    BODY_TOO_LARGE(413),
    /** The method is empty or has a character that is not a {@code tchar} (RFC 9110 section 9.1). */
    METHOD(400),
    /** The request-target is empty, has a character outside visible ASCII, or has the wrong form for its method (RFC 9112 section 3.2). */
    TARGET(400),
    /** The HTTP-version is not {@code HTTP/DIGIT.DIGIT} (RFC 9112 section 2.3). */
    VERSION(400),
    /** The HTTP-version is well-formed but its major version is not 1 (RFC 9110 section 15.6.6). */
    UNSUPPORTED_VERSION(505),
    /** The start line is not three parts separated by single spaces (RFC 9112 sections 3 and 4). */
    START_LINE(400),
    /** The status code is not three digits, or the reason phrase has a control character (RFC 9112 section 4). */
    STATUS(400),
    /** A line ends in a bare LF, which is rejected unless {@link Leniency#BARE_LF} is on (RFC 9112 section 2.2). */
    BARE_LF(400),
    /** A CR is not followed by LF (RFC 9112 section 2.2: a bare CR is invalid). */
    BARE_CR(400),
    /** A field name is empty or has a character that is not a {@code tchar} (RFC 9110 section 5.1). */
    HEADER_NAME(400),
    /** Whitespace between a field name and its colon (RFC 9112 section 5.1: MUST reject with 400). */
    WHITESPACE_BEFORE_COLON(400),
    /** A field line has no colon (RFC 9112 section 5). */
    MISSING_COLON(400),
    /**
     * A field value has NUL, DEL or another control character (RFC 9110 section 5.5). A CR or LF inside a value
     * ends its line, so it is reported as {@link #BARE_CR} or {@link #BARE_LF}.
     */
    HEADER_VALUE(400),
    /** A field line begins with whitespace: obsolete line folding (RFC 9112 section 5.2). */
    OBS_FOLD(400),
    /** An HTTP/1.1 request without a Host field (RFC 9112 section 3.2). */
    MISSING_HOST(400),
    /** A request with more than one Host field line (RFC 9112 section 3.2). */
    DUPLICATE_HOST(400),
    /** A Host value that is not {@code uri-host [":" port]} (RFC 9112 section 3.2). */
    INVALID_HOST(400),
    /** Content-Length that is not plain digits, or several values that differ (RFC 9112 section 6.3, rule 5). */
    CONTENT_LENGTH(400),
    /** Both Transfer-Encoding and Content-Length (RFC 9112 section 6.1: ought to be handled as an error). */
    TRANSFER_ENCODING_WITH_CONTENT_LENGTH(400),
    /** Transfer-Encoding whose final coding is not {@code chunked}, or that applies it twice, or that is malformed, or that an HTTP/1.0 message carries (RFC 9112 sections 6.1 and 6.3). */
    TRANSFER_ENCODING(400),
    /** A transfer coding other than {@code chunked} (RFC 9112 section 6.1: SHOULD respond 501). */
    UNKNOWN_TRANSFER_CODING(501),
    /** A chunk size that is empty, not hex, or too large to represent (RFC 9112 section 7.1). */
    CHUNK_SIZE(400),
    /** A malformed chunk extension, or a chunk line longer than {@link ParserLimits#maxChunkLineLength()} (RFC 9112 section 7.1.1). */
    CHUNK_EXTENSION(400),
    /** Chunk data not followed by CRLF (RFC 9112 section 7.1). */
    CHUNK_DATA_END(400),
    /** The input ended in the middle of a message (RFC 9112 section 8: an incomplete message). */
    TRUNCATED(400);

    private static final ParseError[] BY_CODE = values();

    private final int status;

    ParseError(int status) {
        this.status = status;
    }

    /**
     * This error as a negative {@code int}, for the grammar methods that return an index, or below zero why there
     * is none, so that no result object is made per line. -1 is left for "the bytes ran out"
     * ({@link FieldLineParser#NEED_MORE}).
     */
    int code() {
        return -2 - ordinal();
    }

    /** The error whose {@link #code()} is {@code code}, which is -2 or less. */
    static ParseError ofCode(int code) {
        if (code > -2) {
            throw new IllegalArgumentException("not an error code: " + code);
        }
        return BY_CODE[-2 - code];
    }

    /**
     * The HTTP status a server should answer a request that fails this way: 400, 413, 414, 431, 501 or 505.
     *
     * @return the status code to answer with: 400, 413, 414, 431, 501 or 505
     */
    public int status() {
        return status;
    }
}
