package dev.devproxy.internal.stub;

import java.nio.ByteBuffer;

/**
 * One request's pass of a body matcher that reads the body as it streams, so that matching needs no copy of it:
 * fed every body chunk in order, it keeps only a position or two. Made per request by the matcher, confined to
 * the request's loop thread.
 */
public interface BodyScan {
    /** What a scan knows. */
    enum Verdict {
        /** The body matches, whatever follows. */
        MATCH,
        /** The body does not match, whatever follows. */
        NO_MATCH,
        /** Not known before more of the body, or its end. */
        UNKNOWN
    }

    /** Reads bytes {@code [offset, offset + length)} of {@code buffer}, with absolute gets only; keeps none. */
    void feed(ByteBuffer buffer, int offset, int length);

    /**
     * What the bytes fed so far say.
     *
     * @param complete whether they were the whole body
     * @return {@link Verdict#MATCH} or {@link Verdict#NO_MATCH} when {@code complete}; any of the three otherwise
     */
    Verdict verdict(boolean complete);

    /** Whether a body contains {@code needle}: Knuth-Morris-Pratt over the bytes, so no byte is read twice. */
    static BodyScan containing(byte[] needle) {
        return new ContainsScan(needle, ContainsScan.failureTable(needle));
    }

    /** Whether a body is exactly {@code expected}: a position compared byte by byte, then the length. */
    static BodyScan equalTo(byte[] expected) {
        return new EqualsScan(expected);
    }
}
