package dev.devproxy.parser;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * Parses field lines, of a header or a trailer section, from a complete copy made by {@link HeadScanner}.
 *
 * <p>The scanner has already checked every line terminator, so each line ends in CRLF (or a lone LF when
 * {@link Leniency#BARE_LF} is on), the section ends with the empty line, and a CR is always the start of a
 * terminator. The loops below can therefore run until a byte leaves their class without checking bounds:
 * the final LF stops every one of them.
 */
final class FieldLineParser {
    private FieldLineParser() {
    }

    /**
     * Parses the field lines from {@code bytes[position]} up to the empty line into {@code fields}.
     *
     * @return null, or the rule a line breaks
     */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static @Nullable ParseError parse(byte[] bytes, int position, int end, HeaderFields fields) {
        fields.clear(bytes);
        int p = position;
        while (bytes[p] != HttpTokens.CR && bytes[p] != HttpTokens.LF) {
            // RFC 9112 section 5.2: obs-fold is not allowed outside message/http; a server MUST reject it
            // (or replace it by SP, which would change what the next hop sees). Whitespace before the first
            // field line (section 2.2) is rejected the same way.
            if (HttpTokens.isWhitespace(bytes[p])) {
                return ParseError.OBS_FOLD;
            }
            // RFC 9110 section 5.1: field-name = token.
            int nameStart = p;
            while (HttpTokens.isTchar(bytes[p])) {
                p++;
            }
            int nameEnd = p;
            if (bytes[p] != ':') {
                return misplacedColon(bytes, p, nameStart == nameEnd);
            }
            if (nameStart == nameEnd) {
                return ParseError.HEADER_NAME;
            }
            p++;
            // RFC 9112 section 5.1: field-line = field-name ":" OWS field-value OWS.
            while (HttpTokens.isWhitespace(bytes[p])) {
                p++;
            }
            int valueStart = p;
            // RFC 9110 section 5.5: field-value = *field-content, of field-vchar, SP and HTAB only. Plain bytes
            // are skipped eight at a time; the word with the line's CR (or anything else) goes byte by byte.
            while (p + Long.BYTES <= end && HttpTokens.allPlainFieldValue((long) LONGS.get(bytes, p))) {
                p += Long.BYTES;
            }
            while (HttpTokens.isFieldValue(bytes[p])) {
                p++;
            }
            if (bytes[p] != HttpTokens.CR && bytes[p] != HttpTokens.LF) {
                // RFC 9110 section 5.5: NUL, CR, LF and other CTLs are invalid in a field value; a recipient
                // MAY replace them with SP, but rejecting is the choice that keeps every hop in agreement.
                return ParseError.HEADER_VALUE;
            }
            int valueEnd = p;
            while (valueEnd > valueStart && HttpTokens.isWhitespace(bytes[valueEnd - 1])) {
                valueEnd--;
            }
            fields.add(nameStart, nameEnd, valueStart, valueEnd);
            p = skipLineEnd(bytes, p);
        }
        return null;
    }

    /** {@link #parseUnscanned}: the bytes ran out before the empty line. */
    static final int UNSCANNED_INCOMPLETE = -1;
    /** {@link #parseUnscanned}: a line breaks a rule or a limit, or ends otherwise than in CRLF. */
    static final int UNSCANNED_REJECTED = -2;

    /**
     * Parses field lines from {@code bytes[position]} that no {@link HeadScanner} has seen: the one-pass path for
     * a head that arrived whole. It finds each line's end itself and checks what the scanner would have checked
     * (CRLF terminators, the line, count and section limits), but reports no error: any line it does not accept
     * outright, or running out of bytes, sends the caller back to the scanner, which then finds the same bytes
     * valid or reports the error the incremental path reports. So the result never depends on the path taken.
     *
     * <p>{@code bytes[available]} must be a byte no loop below accepts (the caller puts a zero there), so every
     * loop stops at the end of the input without a bounds check of its own.
     *
     * @return the index just past the empty line that ends the section, {@link #UNSCANNED_INCOMPLETE}, or
     *     {@link #UNSCANNED_REJECTED}
     */
    static int parseUnscanned(byte[] bytes, int position, int available, HeaderFields fields, ParserLimits limits) {
        fields.clear(bytes);
        int maxLine = limits.maxHeaderLineLength();
        int sectionRoom = limits.maxHeaderSectionSize();
        int countRoom = limits.maxHeaderCount();
        int p = position;
        while (true) {
            if (p + 1 >= available) {
                return UNSCANNED_INCOMPLETE;
            }
            if (bytes[p] == HttpTokens.CR) {
                return bytes[p + 1] == HttpTokens.LF ? p + 2 : UNSCANNED_REJECTED;
            }
            int lineStart = p;
            int nameStart = p;
            while (HttpTokens.isTchar(bytes[p])) {
                p++;
            }
            int nameEnd = p;
            if (bytes[p] != ':' || nameStart == nameEnd) {
                return p >= available ? UNSCANNED_INCOMPLETE : UNSCANNED_REJECTED;
            }
            p++;
            while (HttpTokens.isWhitespace(bytes[p])) {
                p++;
            }
            int valueStart = p;
            while (p + Long.BYTES <= available && HttpTokens.allPlainFieldValue((long) LONGS.get(bytes, p))) {
                p += Long.BYTES;
            }
            while (HttpTokens.isFieldValue(bytes[p])) {
                p++;
            }
            if (p + 1 >= available) {
                return UNSCANNED_INCOMPLETE;
            }
            if (bytes[p] != HttpTokens.CR || bytes[p + 1] != HttpTokens.LF) {
                return UNSCANNED_REJECTED;
            }
            int lineLength = p - lineStart;
            sectionRoom -= lineLength + 2;
            if (lineLength > maxLine || sectionRoom < 0 || --countRoom < 0) {
                return UNSCANNED_REJECTED;
            }
            int valueEnd = p;
            while (valueEnd > valueStart && HttpTokens.isWhitespace(bytes[valueEnd - 1])) {
                valueEnd--;
            }
            fields.add(nameStart, nameEnd, valueStart, valueEnd);
            p += 2;
        }
    }

    /** Why a field name stopped at {@code bytes[p]}, which is neither a tchar nor the colon. */
    private static ParseError misplacedColon(byte[] bytes, int p, boolean nameEmpty) {
        int colon = p;
        while (bytes[colon] != ':' && bytes[colon] != HttpTokens.CR && bytes[colon] != HttpTokens.LF) {
            colon++;
        }
        if (bytes[colon] != ':') {
            // RFC 9112 section 5: field-line = field-name ":" OWS field-value OWS.
            return ParseError.MISSING_COLON;
        }
        int afterWhitespace = p;
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
        return ParseError.HEADER_NAME;
    }

    /** The index after the line terminator at {@code bytes[p]}: CRLF, or LF alone when that was allowed. */
    static int skipLineEnd(byte[] bytes, int p) {
        return bytes[p] == HttpTokens.CR ? p + 2 : p + 1;
    }
}
