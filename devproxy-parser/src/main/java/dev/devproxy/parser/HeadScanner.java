package dev.devproxy.parser;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Finds the end of a head (start line and header section) or of a trailer section, checks line terminators and
 * the size limits as bytes arrive, and copies the section into storage it reuses.
 *
 * <p>Each call scans only bytes it has not seen, remembering where it was, so a head fed one byte at a time
 * costs O(n) in total. Limits are checked on every byte, so an over-long line fails before its LF arrives and
 * storage never grows past what the limits allow. The grammar inside lines is left to {@link RequestHeadParser},
 * {@link ResponseHeadParser} and {@link FieldLineParser}, which run once on the complete, contiguous copy.
 *
 * <p>Storage is double-buffered: a completed section stays untouched in one array while the next one
 * accumulates in the other, so a {@link RequestHead} stays valid until the next head is reported.
 */
final class HeadScanner {
    /** What precedes the field lines. */
    enum StartLine {
        /** A request line, which may be preceded by empty lines to skip (RFC 9112 section 2.2). */
        REQUEST,
        /** A status line, which must come first. */
        STATUS,
        /** No start line: a trailer section (RFC 9112 section 7.1.2). */
        NONE
    }

    private enum Phase {
        /** Skipping empty lines before a request line. */
        LEADING,
        /** Inside the start line. */
        START_LINE,
        /** Inside the field lines, or at the empty line that ends them. */
        FIELDS
    }

    private static final int INITIAL_CAPACITY = 1024;

    private final StartLine startLine;
    private final ParserLimits limits;
    private final boolean bareLfEndsLines;
    private final int maxStorage;

    private byte[] storage = new byte[0];
    private byte[] spare = new byte[0];

    private Phase phase;
    /** The last byte consumed was a CR, so the next must be LF. */
    private boolean afterCr;
    /** Bytes of the current line so far, its CR and LF not counted. */
    private int lineLength;
    /** Bytes of empty lines skipped before the request line; they count toward its limit. */
    private int leadingBytes;
    /** Field lines completed or begun. */
    private int fieldCount;
    /** Bytes of the field lines so far, line terminators included, the final empty line not. */
    private int sectionBytes;
    /** Bytes copied into storage for the section in progress. */
    private int length;
    /** The empty line that ends the section has been consumed. */
    private boolean complete;
    private @Nullable ParseError error;

    HeadScanner(StartLine startLine, ParserLimits limits, boolean bareLfEndsLines) {
        this.startLine = startLine;
        this.limits = limits;
        this.bareLfEndsLines = bareLfEndsLines;
        int startLineStorage = startLine == StartLine.NONE ? 0 : limits.maxRequestLineLength() + 2;
        // The scan enforces every term of this sum before copying, so storage never needs more.
        this.maxStorage = startLineStorage + limits.maxHeaderSectionSize() + 2;
        this.phase = firstPhase();
    }

    /**
     * Scans and copies bytes from {@code input}'s position until the section ends or the input does.
     *
     * @return {@link ParseStatus#END} when the section is complete (its last byte consumed, later bytes left),
     *     {@link ParseStatus#NEED_MORE} when all input was consumed, or {@link ParseStatus#ERROR}
     */
    ParseStatus scan(ByteBuffer input) {
        int position = input.position();
        int limit = input.limit();
        // The first byte of this call that belongs in storage; empty lines before a request line do not.
        int copyFrom = phase == Phase.LEADING ? -1 : position;
        for (int i = position; i < limit; i++) {
            byte b = input.get(i);
            ParseError failure;
            if (afterCr) {
                // RFC 9112 section 2.2: a CR not followed by LF is invalid.
                if (b != HttpTokens.LF) {
                    return fail(ParseError.BARE_CR);
                }
                afterCr = false;
                failure = endOfLine();
            } else if (b == HttpTokens.CR) {
                afterCr = true;
                failure = countTerminatorByte();
            } else if (b == HttpTokens.LF) {
                // RFC 9112 section 2.2: a recipient MAY recognize a single LF as a line terminator; we only do
                // when asked (Leniency.BARE_LF), since peers that disagree split the same bytes differently.
                if (!bareLfEndsLines) {
                    return fail(ParseError.BARE_LF);
                }
                failure = endOfLine();
            } else {
                if (phase == Phase.LEADING) {
                    phase = Phase.START_LINE;
                    copyFrom = i;
                }
                failure = countContentByte();
            }
            if (failure != null) {
                return fail(failure);
            }
            if (complete) {
                copy(input, copyFrom, i + 1);
                input.position(i + 1);
                return ParseStatus.END;
            }
        }
        if (copyFrom >= 0) {
            copy(input, copyFrom, limit);
        }
        input.position(limit);
        return ParseStatus.NEED_MORE;
    }

    private @Nullable ParseError countContentByte() {
        lineLength++;
        if (phase == Phase.START_LINE) {
            if (leadingBytes + lineLength > limits.maxRequestLineLength()) {
                return ParseError.REQUEST_LINE_TOO_LONG;
            }
            return null;
        }
        if (lineLength == 1 && ++fieldCount > limits.maxHeaderCount()) {
            return ParseError.TOO_MANY_HEADERS;
        }
        if (lineLength > limits.maxHeaderLineLength()) {
            return ParseError.HEADER_LINE_TOO_LONG;
        }
        return countSectionByte();
    }

    private @Nullable ParseError countTerminatorByte() {
        if (phase == Phase.LEADING) {
            return countLeadingByte();
        }
        if (phase == Phase.FIELDS && lineLength > 0) {
            return countSectionByte();
        }
        return null;
    }

    private @Nullable ParseError countLeadingByte() {
        // RFC 9112 section 2.2 asks a server to ignore at least one empty line before the request line; we
        // ignore as many as fit in the request line's own limit, so they cannot be used to keep us reading.
        if (++leadingBytes > limits.maxRequestLineLength()) {
            return ParseError.REQUEST_LINE_TOO_LONG;
        }
        return null;
    }

    private @Nullable ParseError countSectionByte() {
        if (++sectionBytes > limits.maxHeaderSectionSize()) {
            return ParseError.HEADER_SECTION_TOO_LARGE;
        }
        return null;
    }

    /** Called on the LF that ends a line (with or without its CR). */
    private @Nullable ParseError endOfLine() {
        switch (phase) {
            case LEADING -> {
                return countLeadingByte();
            }
            case START_LINE -> {
                if (lineLength == 0) {
                    // Only a status line can be empty here: empty lines before a request line were skipped.
                    return ParseError.START_LINE;
                }
                phase = Phase.FIELDS;
                lineLength = 0;
                return null;
            }
            default -> {
                if (lineLength == 0) {
                    // The empty line: RFC 9112 section 2.1, HTTP-message = start-line CRLF *( field-line CRLF ) CRLF.
                    complete = true;
                    return null;
                }
                lineLength = 0;
                return countSectionByte();
            }
        }
    }

    private void copy(ByteBuffer input, int from, int to) {
        int count = to - from;
        if (length + count > storage.length) {
            int needed = length + count;
            int grown = Math.max(needed, Math.min(Math.max(INITIAL_CAPACITY, storage.length * 2), maxStorage));
            storage = Arrays.copyOf(storage, grown);
        }
        input.get(from, storage, length, count);
        length += count;
    }

    private ParseStatus fail(ParseError failure) {
        error = failure;
        return ParseStatus.ERROR;
    }

    /** After {@link ParseStatus#ERROR}: which rule or limit was broken. */
    ParseError error() {
        if (error == null) {
            throw new IllegalStateException("no error");
        }
        return error;
    }

    /** The storage holding the section just completed, from index 0. */
    byte[] bytes() {
        return storage;
    }

    /** The length of the section just completed, start line to the empty line included. */
    int length() {
        return length;
    }

    /** Whether nothing of a section has been consumed, empty lines skipped before a request line aside. */
    boolean isIdle() {
        return length == 0 && !afterCr;
    }

    /** Whether the start line has been received in full and the field lines are being read. */
    boolean isInFields() {
        return phase == Phase.FIELDS;
    }

    /**
     * Prepares to scan the next section. The storage of the one just completed is set aside, untouched, until
     * the section after next begins.
     */
    void startNext() {
        byte[] completed = storage;
        storage = spare;
        spare = completed;
        clearState();
    }

    /** Forgets everything, for a new stream. */
    void reset() {
        clearState();
    }

    private void clearState() {
        phase = firstPhase();
        afterCr = false;
        lineLength = 0;
        leadingBytes = 0;
        fieldCount = 0;
        sectionBytes = 0;
        length = 0;
        complete = false;
        error = null;
    }

    private Phase firstPhase() {
        return switch (startLine) {
            case REQUEST -> Phase.LEADING;
            case STATUS -> Phase.START_LINE;
            case NONE -> Phase.FIELDS;
        };
    }
}
