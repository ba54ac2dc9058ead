package dev.devproxy.parser;

/**
 * The grammar of field lines (RFC 9112 section 5, RFC 9110 section 5), for a header section and a trailer
 * section alike: one implementation, whichever path the bytes took.
 *
 * <p>It runs on two kinds of input. On a copy {@link HeadScanner} made, the scanner has already checked every
 * line terminator and limit, so each line ends in CRLF (or a lone LF when {@link Leniency#BARE_LF} is on) and the
 * section ends with the empty line: the checks below that repeat the scanner's can never fail there. On the
 * one-pass path (a head that arrived whole, see {@link MessageParser}) nothing has been checked, and the same
 * checks are what keep the result equal to the scanner's: a line end other than the leniency allows, a limit
 * passed, or the bytes running out stop the parse. That path then reports no error of its own: it hands the
 * bytes to the scanner, whose verdict (which rule or limit breaks first, byte by byte) is the only one there is.
 *
 * <p>The loops run until a byte leaves their class, without a bounds check of their own: on the scanner's copy
 * the section's final LF stops every one of them, and on the one-pass path the caller puts a zero, which no loop
 * accepts, just past the input.
 */
final class FieldLineParser {
    /** {@link #parse}: the bytes ran out before the empty line that ends the section. */
    static final int NEED_MORE = -1;

    private FieldLineParser() {
    }

    /**
     * Parses the field lines from {@code bytes[position]} up to and including the empty line into {@code fields}.
     *
     * <p>{@code bytes[available]} must hold a byte no loop accepts (a zero), unless the bytes are a scanner's
     * copy, which ends with the section's empty line.
     *
     * @param limits the line, count and section limits, checked as the scanner checks them
     * @param bareLfEndsLines whether a lone LF ends a line ({@link Leniency#BARE_LF})
     * @return the index just past the empty line, {@link #NEED_MORE}, or the {@link ParseError#code()} of the
     *     first rule a line breaks
     */
    static int parse(byte[] bytes, int position, int available, HeaderFields fields, ParserLimits limits,
            boolean bareLfEndsLines) {
        fields.clear(bytes);
        int maxLine = limits.maxHeaderLineLength();
        int sectionRoom = limits.maxHeaderSectionSize();
        int countRoom = limits.maxHeaderCount();
        int p = position;
        while (true) {
            // RFC 9110 section 5.1: field-name = token.
            int nameStart = p;
            while (HttpTokens.isTchar(bytes[p])) {
                p++;
            }
            int nameEnd = p;
            if (bytes[p] != ':' || nameStart == nameEnd) {
                // Looked at only here, since it is rare: the empty line that ends the section, or a broken line.
                if (nameStart == nameEnd && (bytes[p] == HttpTokens.CR || bytes[p] == HttpTokens.LF)) {
                    // RFC 9112 section 2.1: HTTP-message = start-line CRLF *( field-line CRLF ) CRLF.
                    return afterLineEnd(bytes, p, available, bareLfEndsLines, ParseError.HEADER_NAME);
                }
                return p >= available ? NEED_MORE : brokenLine(bytes, nameStart, nameEnd, available).code();
            }
            p++;
            // RFC 9112 section 5.1: field-line = field-name ":" OWS field-value OWS.
            while (HttpTokens.isWhitespace(bytes[p])) {
                p++;
            }
            int valueStart = p;
            // RFC 9110 section 5.5: field-value = *field-content, of field-vchar, SP and HTAB only. Plain bytes
            // are skipped eight at a time; the word with the line's CR (or anything else) goes byte by byte.
            while (p + Long.BYTES <= available && HttpTokens.allPlainFieldValue((long) HttpTokens.LONGS.get(bytes, p))) {
                p += Long.BYTES;
            }
            while (HttpTokens.isFieldValue(bytes[p])) {
                p++;
            }
            // RFC 9110 section 5.5: NUL, CR, LF and other CTLs are invalid in a field value; a recipient MAY
            // replace them with SP, but rejecting is the choice that keeps every hop in agreement. A CR or an LF
            // here is where the line ends instead.
            int next = afterLineEnd(bytes, p, available, bareLfEndsLines, ParseError.HEADER_VALUE);
            if (next < 0) {
                return next;
            }
            // The limits, counted as the scanner counts them: a line without its terminator, the section with.
            int lineLength = p - nameStart;
            sectionRoom -= next - nameStart;
            if (lineLength > maxLine || sectionRoom < 0 || --countRoom < 0) {
                return overLimit(lineLength > maxLine, sectionRoom < 0).code();
            }
            int valueEnd = p;
            while (valueEnd > valueStart && HttpTokens.isWhitespace(bytes[valueEnd - 1])) {
                valueEnd--;
            }
            fields.add(nameStart, nameEnd, valueStart, valueEnd);
            p = next;
        }
    }

    /**
     * The index after the line terminator at {@code bytes[p]}: CRLF, or a lone LF when that is allowed.
     *
     * @return that index, {@link #NEED_MORE} when the input ends first, or an error code: {@code otherwise}
     *     when {@code bytes[p]} ends no line
     */
    private static int afterLineEnd(byte[] bytes, int p, int available, boolean bareLfEndsLines,
            ParseError otherwise) {
        if (bytes[p] == HttpTokens.CR) {
            if (p + 1 >= available) {
                return NEED_MORE;
            }
            // RFC 9112 section 2.2: a CR not followed by LF is invalid.
            return bytes[p + 1] == HttpTokens.LF ? p + 2 : ParseError.BARE_CR.code();
        }
        if (bytes[p] == HttpTokens.LF) {
            // RFC 9112 section 2.2: a recipient MAY recognize a single LF as a line terminator; only when asked.
            return bareLfEndsLines ? p + 1 : ParseError.BARE_LF.code();
        }
        return p >= available ? NEED_MORE : otherwise.code();
    }

    /**
     * Why a field line's name stopped at {@code bytes[nameEnd]}, which is not the colon that should end it, or
     * is a colon with no name before it.
     */
    private static ParseError brokenLine(byte[] bytes, int nameStart, int nameEnd, int available) {
        boolean nameEmpty = nameStart == nameEnd;
        // RFC 9112 section 5.2: obs-fold is not allowed outside message/http; a server MUST reject it (or
        // replace it by SP, which would change what the next hop sees). Whitespace before the first field line
        // (section 2.2) is rejected the same way.
        if (nameEmpty && HttpTokens.isWhitespace(bytes[nameEnd])) {
            return ParseError.OBS_FOLD;
        }
        int colon = nameEnd;
        while (colon < available && bytes[colon] != ':' && bytes[colon] != HttpTokens.CR
                && bytes[colon] != HttpTokens.LF) {
            colon++;
        }
        if (colon == available || bytes[colon] != ':') {
            // RFC 9112 section 5: field-line = field-name ":" OWS field-value OWS.
            return ParseError.MISSING_COLON;
        }
        int afterWhitespace = nameEnd;
        while (HttpTokens.isWhitespace(bytes[afterWhitespace])) {
            afterWhitespace++;
        }
        if (!nameEmpty && afterWhitespace == colon) {
            // RFC 9112 section 5.1: "No whitespace is allowed between the field name and colon ... A server
            // MUST reject, with a response status code of 400 (Bad Request), any received request message
            // that contains whitespace between a header field name and colon." Proxies that strip it
            // instead have been used to smuggle a second Transfer-Encoding past their peers.
            return ParseError.WHITESPACE_BEFORE_COLON;
        }
        // RFC 9110 section 5.1: field-name = token, and not empty.
        return ParseError.HEADER_NAME;
    }

    /**
     * The limit a line passed. The scanner counts the same limits byte by byte before the grammar runs, so on
     * its copy this is never reached; on the one-pass path any error sends the bytes to the scanner, which
     * reports the limit it meets first.
     */
    private static ParseError overLimit(boolean lineTooLong, boolean sectionTooLarge) {
        if (lineTooLong) {
            return ParseError.HEADER_LINE_TOO_LONG;
        }
        return sectionTooLarge ? ParseError.HEADER_SECTION_TOO_LARGE : ParseError.TOO_MANY_HEADERS;
    }

    /** The index after the line terminator at {@code bytes[p]} of a line already checked: CRLF, or a lone LF. */
    static int skipLineEnd(byte[] bytes, int p) {
        return bytes[p] == HttpTokens.CR ? p + 2 : p + 1;
    }
}
