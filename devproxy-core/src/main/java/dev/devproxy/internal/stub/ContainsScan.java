package dev.devproxy.internal.stub;

import java.nio.ByteBuffer;

/**
 * {@link BodyScan#containing}: Knuth-Morris-Pratt, so a needle that straddles two chunks is found and no byte is
 * read twice. The state between chunks is how many of the needle's first bytes the body ends with.
 */
final class ContainsScan implements BodyScan {
    private final byte[] needle;
    /** For each prefix length {@code i + 1}, the longest proper prefix of the needle that is also its suffix. */
    private final int[] failure;
    private int matched;
    private boolean found;

    ContainsScan(byte[] needle, int[] failure) {
        this.needle = needle;
        this.failure = failure;
        this.found = needle.length == 0; // as String.contains(""): every body contains the empty text
    }

    static int[] failureTable(byte[] needle) {
        int[] failure = new int[needle.length];
        int k = 0;
        for (int i = 1; i < needle.length; i++) {
            while (k > 0 && needle[i] != needle[k]) {
                k = failure[k - 1];
            }
            if (needle[i] == needle[k]) {
                k++;
            }
            failure[i] = k;
        }
        return failure;
    }

    @Override
    public void feed(ByteBuffer buffer, int offset, int length) {
        if (found) {
            return;
        }
        int j = matched;
        byte[] n = needle;
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = buffer.get(i);
            while (j > 0 && b != n[j]) {
                j = failure[j - 1];
            }
            if (b == n[j] && ++j == n.length) {
                found = true;
                return;
            }
        }
        matched = j;
    }

    @Override
    public Verdict verdict(boolean complete) {
        if (found) {
            return Verdict.MATCH;
        }
        return complete ? Verdict.NO_MATCH : Verdict.UNKNOWN;
    }
}
