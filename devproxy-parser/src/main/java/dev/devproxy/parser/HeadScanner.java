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
 * storage never grows past what the limits allow. The grammar inside lines is left to {@link RequestLine},
 * {@link StatusLine} and {@link FieldLineParser}, which run once on the complete, contiguous copy.
 *
 * <p>A request or response head that arrives whole skips the scan: {@link #copyWhole} copies it into this storage
 * and {@link MessageParser} parses it there in one pass, checking line ends and limits as it goes. It comes back
 * here for anything it does not accept outright, so the scan's verdict is the only one there is.
 *
 * <p>Storage is double-buffered: a completed section stays untouched in one array while the next one
 * accumulates in the other, so a {@link MessageHead} stays valid until the next head is reported.
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

    /** Shared by every scanner until its storage first grows (growth copies into a new array): never written to. */
    private static final byte[] NO_STORAGE = new byte[0];

    private byte[] storage = NO_STORAGE;
    private byte[] spare = NO_STORAGE;

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
        if (phase == Phase.LEADING) {
            position = skipLeadingEmptyLines(input, position, limit);
            if (position < 0) {
                return ParseStatus.ERROR;
            }
        }
        // Copy a chunk into storage (where the head must go anyway), then scan the copy as a byte[], eight bytes
        // at a time. A head that ends inside a chunk leaves the rest of the chunk unconsumed in the input: at
        // most one chunk is copied in vain, so pipelined requests cost no more than one at a time.
        int next = position;
        while (next < limit) {
            int chunk = Math.min(limit - next, COPY_CHUNK);
            ensureRoom(chunk);
            input.get(next, storage, length, chunk);
            int scanFrom = length;
            length += chunk;
            int headEnd = scanStorage(scanFrom, length);
            if (headEnd == SCAN_FAILED) {
                return ParseStatus.ERROR;
            }
            if (headEnd >= 0) {
                int unconsumed = length - headEnd;
                length = headEnd;
                input.position(next + chunk - unconsumed);
                return ParseStatus.END;
            }
            next += chunk;
        }
        input.position(limit);
        return ParseStatus.NEED_MORE;
    }

    /** How much input is copied into storage before it is scanned. */
    private static final int COPY_CHUNK = 1024;
    private static final int SCAN_FAILED = -2;
    private static final int SCAN_INCOMPLETE = -1;

    /**
     * RFC 9112 section 2.2 asks a server to ignore at least one empty line before the request line. These
     * bytes are not stored; the first other byte starts the start line.
     *
     * @return where the start line begins, {@code limit} when the input ran out first, or -1 on an error
     */
    private int skipLeadingEmptyLines(ByteBuffer input, int position, int limit) {
        for (int i = position; i < limit; i++) {
            byte b = input.get(i);
            ParseError failure;
            if (afterCr) {
                if (b != HttpTokens.LF) {
                    fail(ParseError.BARE_CR);
                    return -1;
                }
                afterCr = false;
                failure = countLeadingByte();
            } else if (b == HttpTokens.CR) {
                afterCr = true;
                failure = countLeadingByte();
            } else if (b == HttpTokens.LF) {
                failure = bareLfEndsLines ? countLeadingByte() : ParseError.BARE_LF;
            } else {
                phase = Phase.START_LINE;
                return i;
            }
            if (failure != null) {
                fail(failure);
                return -1;
            }
        }
        return limit;
    }

    /**
     * Scans storage bytes {@code [from, to)} for line ends, enforcing line endings and limits in byte order.
     *
     * @return the index just past the empty line that ends the section, {@link #SCAN_INCOMPLETE}, or
     *     {@link #SCAN_FAILED}
     */
    private int scanStorage(int from, int to) {
        byte[] bytes = storage;
        int i = from;
        while (i < to) {
            byte b = bytes[i];
            ParseError failure;
            if (afterCr) {
                // RFC 9112 section 2.2: a CR not followed by LF is invalid.
                if (b != HttpTokens.LF) {
                    fail(ParseError.BARE_CR);
                    return SCAN_FAILED;
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
                    fail(ParseError.BARE_LF);
                    return SCAN_FAILED;
                }
                failure = endOfLine();
            } else {
                // A run of line content: find where it ends without looking at what each byte means, then
                // account for the whole run at once. The grammar is checked later, on the complete head.
                int runEnd = HttpTokens.findLineEnd(bytes, i + 1, to);
                failure = countContentRun(runEnd - i);
                i = runEnd - 1;
                if (failure == null && runEnd + 1 < to && bytes[runEnd] == HttpTokens.CR
                        && bytes[runEnd + 1] == HttpTokens.LF) {
                    // The usual case: the line's CRLF is here too. Account for it now, in the order the two
                    // turns of the loop above would have, rather than taking those turns.
                    failure = countTerminatorByte();
                    if (failure == null) {
                        failure = endOfLine();
                    }
                    i = runEnd + 1;
                }
            }
            if (failure != null) {
                fail(failure);
                return SCAN_FAILED;
            }
            i++;
            if (complete) {
                return i;
            }
        }
        return SCAN_INCOMPLETE;
    }

    private void ensureRoom(int more) {
        if (length + more > storage.length) {
            int needed = length + more;
            // Bounded: the limits fail the scan long before the storage passes maxStorage plus one chunk.
            int grown = Math.max(needed, Math.min(Math.max(INITIAL_CAPACITY, storage.length * 2), maxStorage + COPY_CHUNK));
            storage = Arrays.copyOf(storage, grown);
        }
    }

    /**
     * Accounts for {@code count} content bytes of the current line at once, reporting the error that counting
     * them one by one would have met first: a new field line counts toward the field limit at its first byte;
     * then, at each byte, the line limit is checked before the section limit.
     */
    private @Nullable ParseError countContentRun(int count) {
        if (phase == Phase.START_LINE) {
            lineLength += count;
            return leadingBytes + lineLength > limits.maxRequestLineLength() ? ParseError.REQUEST_LINE_TOO_LONG : null;
        }
        if (lineLength == 0 && ++fieldCount > limits.maxHeaderCount()) {
            return ParseError.TOO_MANY_HEADERS;
        }
        int lineRoom = limits.maxHeaderLineLength() - lineLength;
        int sectionRoom = limits.maxHeaderSectionSize() - sectionBytes;
        if (count > lineRoom || count > sectionRoom) {
            return lineRoom <= sectionRoom ? ParseError.HEADER_LINE_TOO_LONG : ParseError.HEADER_SECTION_TOO_LARGE;
        }
        lineLength += count;
        sectionBytes += count;
        return null;
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

    /**
     * Whether nothing at all of the next section has been consumed, not even empty lines before a request line:
     * a caller may then parse a section that arrived whole from {@link #copyWhole}.
     */
    boolean isPristine() {
        return length == 0 && !afterCr && leadingBytes == 0 && phase == firstPhase();
    }

    /**
     * For the one-pass path, when {@link #isPristine()}: copies {@code count} bytes of {@code input} from
     * {@code position} into this storage, with a zero after them, and returns the storage, so that a head that
     * arrived whole can be parsed there without being scanned first. Nothing is consumed; on success the caller
     * moves the input's position and calls {@link #startNext()}, as after {@link #scan}; otherwise {@link #scan}
     * takes the same bytes.
     */
    byte[] copyWhole(ByteBuffer input, int position, int count) {
        ensureRoom(count + 1);
        input.get(position, storage, 0, count);
        storage[count] = 0;
        return storage;
    }

    /** The most bytes a section may take, start line included: a longer one breaks a limit. */
    int maxStorage() {
        return maxStorage;
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
