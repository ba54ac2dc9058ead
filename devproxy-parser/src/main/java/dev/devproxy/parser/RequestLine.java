package dev.devproxy.parser;

import org.jspecify.annotations.Nullable;

/**
 * What is particular to a request head: the request line (RFC 9112 section 3) and the rules only requests have,
 * Host and Expect. {@link MessageParser} runs them on a complete head, before and after the field lines.
 *
 * <p>Like picohttpparser's {@code parse_request}, each step advances an index through the bytes and stops at
 * the first byte outside its grammar; the start line is known to end in a line end (checked by the scanner, or
 * before the one-pass path starts), which every loop stops at.
 */
final class RequestLine {
    /** The methods of RFC 9110 section 9 and RFC 5789, returned as shared constants by {@link RequestHead#method()}. */
    private static final String[] REGISTERED_METHODS = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"
    };

    private RequestLine() {
    }

    /**
     * The rules that look at the head as a whole, once its lines are parsed: Host, then framing, then Expect.
     *
     * @param maxBodySize the request body limit, for a declared Content-Length
     * @return null, with the framing in {@code framing}, or the rule the head breaks
     */
    static @Nullable ParseError checkHead(RequestHead head, Framing framing, long maxBodySize) {
        ParseError invalid = checkHost(head.headers, head.version);
        if (invalid == null) {
            invalid = framing.evaluateRequest(head.headers, head.version, maxBodySize);
        }
        head.expectsContinue = invalid == null && expectsContinue(head.headers, head.version);
        return invalid;
    }

    /**
     * RFC 9112 section 3: {@code request-line = method SP request-target SP HTTP-version}, with exactly one SP
     * between the parts.
     *
     * @return the index of the first field line, or the {@link ParseError#code()} of the rule the line breaks
     */
    static int parse(byte[] bytes, RequestHead head) {
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
        if (!HttpVersion.isWellFormed(bytes, versionStart, p)) {
            return fail(ParseError.VERSION);
        }
        HttpVersion version = HttpVersion.ofWellFormed(bytes, versionStart);
        if (version == null) {
            return fail(ParseError.UNSUPPORTED_VERSION);
        }
        head.version = version;

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
        head.authorityStart = -1;
        head.authorityEnd = -1;
        if (head.methodIs("CONNECT")) {
            // Section 3.2.3: authority-form = uri-host ":" port; RFC 9110 section 9.3.6 requires the port.
            head.targetForm = RequestHead.TargetForm.AUTHORITY;
            head.authorityStart = start;
            head.authorityEnd = end;
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
        head.authorityStart = authorityStart;
        head.authorityEnd = authorityEnd;
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

    private static int fail(ParseError error) {
        return error.code();
    }
}
