package dev.devproxy.internal.stub;

import java.nio.ByteBuffer;

/** {@link BodyScan#equalTo}: how many bytes agreed so far, and whether one did not or the body ran long. */
final class EqualsScan implements BodyScan {
    private final byte[] expected;
    private long position;
    private boolean differs;

    EqualsScan(byte[] expected) {
        this.expected = expected;
    }

    @Override
    public void feed(ByteBuffer buffer, int offset, int length) {
        if (differs) {
            return;
        }
        if (position + length > expected.length) {
            differs = true; // longer than expected: no need to look at the bytes
            return;
        }
        int at = (int) position;
        for (int i = 0; i < length; i++) {
            if (buffer.get(offset + i) != expected[at + i]) {
                differs = true;
                return;
            }
        }
        position += length;
    }

    @Override
    public Verdict verdict(boolean complete) {
        if (differs) {
            return Verdict.NO_MATCH;
        }
        if (complete) {
            return position == expected.length ? Verdict.MATCH : Verdict.NO_MATCH;
        }
        return Verdict.UNKNOWN;
    }
}
