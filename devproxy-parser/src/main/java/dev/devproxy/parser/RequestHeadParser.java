package dev.devproxy.parser;

import org.jspecify.annotations.Nullable;

/**
 * Parses a complete request head, top to bottom, from the copy {@link HeadScanner} made: request line, field
 * lines, then the Host and framing rules. One instance per parser, reused; a head costs no allocation.
 *
 * <p>Like picohttpparser's {@code parse_request}, each step advances an index through the bytes and stops at
 * the first byte outside its grammar; the scanner guarantees the head ends with LF, which every loop stops at.
 */
final class RequestHeadParser {
    /** The methods of RFC 9110 section 9 and RFC 5789, returned as shared constants by {@link RequestHead#method()}. */
    private static final String[] REGISTERED_METHODS = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"
    };

    private final Framing framing = new Framing();
    private final ParserLimits limits;
    private final long maxBodySize;
    private final boolean bareLfEndsLines;
    private @Nullable ParseError failure;
    private static final int REJECTED = -2;

    RequestHeadParser(ParserLimits limits, boolean bareLfEndsLines) {
        this.limits = limits;
        this.bareLfEndsLines = bareLfEndsLines;
        this.maxBodySize = limits.maxBodySize();
    }

    /**
     * Parses {@code bytes[0, length)} into {@code head}.
     *
     * @return null, or the rule the head breaks (then {@code head} holds garbage)
     */
    @Nullable ParseError parse(byte[] bytes, int length, RequestHead head) {
        failure = null;
        head.bytes = bytes;
        head.headLength = length;
        int fieldsStart = parseRequestLine(bytes, head);
        if (fieldsStart < 0) {
            return failure;
        }
        int end = FieldLineParser.parse(bytes, fieldsStart, length, head.headers, limits, bareLfEndsLines);
        return end < 0 ? ParseError.ofCode(end) : finish(head);
    }

    /**
     * Parses a head in {@code bytes[0, available)} that no {@link HeadScanner} has seen, in one pass: the path
     * for a head that arrived whole, which is most of them. It succeeds only where the scanner and
     * {@link #parse} would have succeeded with the same result; anything else (an error, a limit reached, a
     * head not complete yet, empty lines before the request line) is left to them.
     *
     * <p>{@code bytes[available]} must be zero, to stop the loops at the end of the input.
     *
     * @return the length of the head, start line to empty line, or a negative number: go the scanner's way
     */
    int parseUnscanned(byte[] bytes, int available, RequestHead head) {
        // The start line is short: check what the scanner checks of it, then parse it as usual.
        if (!HeadScanner.startLineEndsWell(bytes, available, limits)) {
            return REJECTED;
        }
        failure = null;
        head.bytes = bytes;
        int fieldsStart = parseRequestLine(bytes, head);
        if (fieldsStart < 0) {
            return REJECTED;
        }
        int end = FieldLineParser.parse(bytes, fieldsStart, available, head.headers, limits, bareLfEndsLines);
        if (end < 0) {
            return end == FieldLineParser.NEED_MORE ? end : REJECTED;
        }
        head.headLength = end;
        return finish(head) == null ? end : REJECTED;
    }

    /** The rules that look at the head as a whole, once its lines are parsed. */
    private @Nullable ParseError finish(RequestHead head) {
        ParseError invalid = checkHost(head.headers, head.version);
        if (invalid == null) {
            invalid = framing.evaluateRequest(head.headers, head.version, maxBodySize);
        }
        if (invalid != null) {
            return invalid;
        }
        head.bodyKind = framing.bodyKind;
        head.contentLength = framing.contentLength;
        head.keepAlive = framing.keepAlive;
        head.expectsContinue = expectsContinue(head.headers, head.version);
        return null;
    }

    /**
     * RFC 9112 section 3: {@code request-line = method SP request-target SP HTTP-version}, with exactly one SP
     * between the parts.
     *
     * @return the index of the first field line, or -1 with {@link #failure} set
     */
    private int parseRequestLine(byte[] bytes, RequestHead head) {
        // RFC 9110 section 9.1: method = token.
        int p = 0;
        while (HttpTokens.isTchar(bytes[p])) {
            p++;
        }
        int methodEnd = p;
        if (bytes[p] != HttpTokens.SP || methodEnd == 0) {
            return fail(methodEnd > 0 && isLineEndOrTab(bytes[p]) ? ParseError.START_LINE : ParseError.METHOD);
        }
        p++;

        // RFC 9112 section 3.2: every form of request-target is visible US-ASCII.
        int targetStart = p;
        while (HttpTokens.isTarget(bytes[p])) {
            p++;
        }
        int targetEnd = p;
        if (bytes[p] != HttpTokens.SP || targetStart == targetEnd) {
            boolean partsMisplaced = bytes[p] == HttpTokens.SP || isLineEndOrTab(bytes[p]);
            return fail(partsMisplaced ? ParseError.START_LINE : ParseError.TARGET);
        }
        p++;

        int versionStart = p;
        while (!isLineEnd(bytes[p])) {
            if (bytes[p] == HttpTokens.SP) {
                return fail(ParseError.START_LINE);
            }
            p++;
        }
        if (!isVersion(bytes, versionStart, p)) {
            return fail(ParseError.VERSION);
        }
        // RFC 9110 section 15.6.6: 505 for a major version the server does not support. HTTP/0.9 has no
        // version in its request line, so a "HTTP/0.x" here is as foreign as HTTP/2.
        if (bytes[versionStart + 5] != '1') {
            return fail(ParseError.UNSUPPORTED_VERSION);
        }
        // RFC 9112 section 2.3: a 1.x minor version above 1 is treated as the highest we support, 1.1.
        head.version = bytes[versionStart + 7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;

        head.methodEnd = methodEnd;
        head.knownMethod = registeredMethod(bytes, methodEnd);
        head.targetStart = targetStart;
        head.targetEnd = targetEnd;
        if (!classifyTarget(bytes, head)) {
            return fail(ParseError.TARGET);
        }
        return FieldLineParser.skipLineEnd(bytes, p);
    }

    /**
     * Sets the target's form, path and query, checking the form is one its method allows (RFC 9112 section 3.2:
     * authority-form only for CONNECT, asterisk-form only for OPTIONS, and CONNECT only with authority-form).
     */
    private static boolean classifyTarget(byte[] bytes, RequestHead head) {
        int start = head.targetStart;
        int end = head.targetEnd;
        head.queryStart = -1;
        head.pathStart = start;
        head.pathEnd = end;
        if (head.methodIs("CONNECT")) {
            // Section 3.2.3: authority-form = uri-host ":" port; RFC 9110 section 9.3.6 requires the port.
            head.targetForm = RequestHead.TargetForm.AUTHORITY;
            return HostSyntax.isHostAndPort(bytes, start, end, true);
        }
        if (bytes[start] == '/') {
            // Section 3.2.1: origin-form = absolute-path [ "?" query ].
            head.targetForm = RequestHead.TargetForm.ORIGIN;
            splitPathAndQuery(bytes, start, head);
            return true;
        }
        if (end - start == 1 && bytes[start] == '*') {
            // Section 3.2.4: asterisk-form = "*", only for a server-wide OPTIONS.
            head.targetForm = RequestHead.TargetForm.ASTERISK;
            return head.methodIs("OPTIONS");
        }
        // Section 3.2.2: absolute-form = absolute-URI. DevProxy accepts the http and https schemes (RFC 9110
        // section 4.2), case-insensitively as RFC 3986 section 3.1 says schemes are; others name nothing it
        // can forward to.
        int schemeEnd = indexOfSchemeSeparator(bytes, start, end);
        if (schemeEnd < 0) {
            return false;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < end && bytes[authorityEnd] != '/' && bytes[authorityEnd] != '?') {
            authorityEnd++;
        }
        // RFC 9110 section 4.2.1: a recipient MUST reject an http URI with an empty host.
        if (!HostSyntax.isHostAndPort(bytes, authorityStart, authorityEnd, false)) {
            return false;
        }
        head.targetForm = RequestHead.TargetForm.ABSOLUTE;
        splitPathAndQuery(bytes, authorityEnd, head);
        return true;
    }

    /** The index of the ":" of a leading {@code http://} or {@code https://}, ignoring case, or -1. */
    private static int indexOfSchemeSeparator(byte[] bytes, int start, int end) {
        int colon = start;
        while (colon < end && bytes[colon] != ':') {
            colon++;
        }
        boolean http = HttpTokens.equalsIgnoreCase(bytes, start, colon, "http")
                || HttpTokens.equalsIgnoreCase(bytes, start, colon, "https");
        if (!http || end - colon < 3 || bytes[colon + 1] != '/' || bytes[colon + 2] != '/') {
            return -1;
        }
        return colon;
    }

    private static void splitPathAndQuery(byte[] bytes, int pathStart, RequestHead head) {
        int question = pathStart;
        while (question < head.targetEnd && bytes[question] != '?') {
            question++;
        }
        head.pathStart = pathStart;
        head.pathEnd = question;
        head.queryStart = question < head.targetEnd ? question + 1 : -1;
    }

    /** RFC 9112 section 2.3: {@code HTTP-version = HTTP-name "/" DIGIT "." DIGIT}, HTTP-name case-sensitive. */
    private static boolean isVersion(byte[] bytes, int start, int end) {
        return end - start == 8
                && bytes[start] == 'H' && bytes[start + 1] == 'T' && bytes[start + 2] == 'T' && bytes[start + 3] == 'P'
                && bytes[start + 4] == '/' && HttpTokens.isDigit(bytes[start + 5])
                && bytes[start + 6] == '.' && HttpTokens.isDigit(bytes[start + 7]);
    }

    /**
     * RFC 9112 section 3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request
     * message that lacks a Host header field and to any request message that contains more than one Host
     * header field line or a Host header field with an invalid field-value."
     */
    private static @Nullable ParseError checkHost(HeaderFields fields, HttpVersion version) {
        int host = fields.firstHost();
        if (host < 0) {
            // HTTP/1.0 predates Host and may omit it.
            return version == HttpVersion.HTTP_1_1 ? ParseError.MISSING_HOST : null;
        }
        if (fields.hostRepeated()) {
            return ParseError.DUPLICATE_HOST;
        }
        // Host = uri-host [ ":" port ]; empty when the target URI has no authority.
        int start = fields.valueStart(host);
        int end = fields.valueEnd(host);
        if (start != end && !HostSyntax.isHostAndPort(fields.bytes(), start, end, false)) {
            return ParseError.INVALID_HOST;
        }
        return null;
    }

    /**
     * RFC 9110 section 10.1.1: {@code Expect: 100-continue}, case-insensitive. "A server that receives a
     * 100-continue expectation in an HTTP/1.0 request MUST ignore that expectation."
     */
    private static boolean expectsContinue(HeaderFields fields, HttpVersion version) {
        if (version == HttpVersion.HTTP_1_0 || !fields.hasExpect()) {
            return false;
        }
        for (int i = fields.indexOf("Expect", 0); i >= 0; i = fields.indexOf("Expect", i + 1)) {
            if (fields.valueHasToken(i, "100-continue")) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable String registeredMethod(byte[] bytes, int methodEnd) {
        for (String method : REGISTERED_METHODS) {
            if (HttpTokens.equalsExactly(bytes, 0, methodEnd, method)) {
                return method;
            }
        }
        return null;
    }

    private static boolean isLineEnd(byte b) {
        return b == HttpTokens.CR || b == HttpTokens.LF;
    }

    /** A part that stops here is missing, or separated by other whitespace than one SP: a malformed line. */
    private static boolean isLineEndOrTab(byte b) {
        return isLineEnd(b) || b == HttpTokens.HTAB;
    }

    private int fail(ParseError error) {
        failure = error;
        return -1;
    }
}
