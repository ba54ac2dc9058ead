package dev.devproxy.internal.echo;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What echo reports of a body: its length, its SHA-256, and its text when it is valid UTF-8 of at most
 * {@value #MAX_TEXT_BYTES} bytes. Keeps only the first {@value #MAX_TEXT_BYTES} + 1 bytes, whatever the size.
 *
 * <p>Reusable: {@link EchoJson} hands one to each request with a body and takes it back, emptied, when the
 * request ends, so the digest and a small prefix array outlive the request. Confined to one loop's thread.
 */
public final class EchoBody {
    /** The largest body echoed back as text. */
    public static final int MAX_TEXT_BYTES = 64 * 1024;
    /**
     * The largest prefix array kept for the next body. A body that needed more gives its array up: a loop
     * should not hold 64 KiB per pooled body for the rare large upload, and one that repeats pays one array
     * per request, small beside the bytes it sends.
     */
    static final int MAX_KEPT_PREFIX = 8 * 1024;
    private static final byte[] NO_BYTES = new byte[0];

    private long length;
    private @Nullable MessageDigest digest;
    private byte[] prefix = NO_BYTES;
    private int prefixLength;

    EchoBody() {
    }

    /**
     * Adds {@code count} bytes of {@code buffer} from {@code offset}; the buffer's position is not changed.
     *
     * @param buffer the bytes; read with absolute gets only
     * @param offset the index of the first byte
     * @param count the number of bytes, 0 or more
     */
    public void add(ByteBuffer buffer, int offset, int count) {
        if (count == 0) {
            return;
        }
        length += count;
        MessageDigest sha256 = digest;
        if (sha256 == null) {
            sha256 = newSha256();
            digest = sha256;
        }
        // The position and limit are set and put back rather than updating a duplicate(), which would allocate.
        int position = buffer.position();
        int limit = buffer.limit();
        buffer.limit(offset + count).position(offset);
        sha256.update(buffer);
        buffer.limit(limit).position(position);
        int keep = Math.min(count, MAX_TEXT_BYTES + 1 - prefixLength);
        if (keep > 0) {
            if (prefix.length < prefixLength + keep) {
                prefix = Arrays.copyOf(prefix, Math.min(MAX_TEXT_BYTES + 1, Math.max(prefix.length * 2, prefixLength + keep)));
            }
            buffer.get(offset, prefix, prefixLength, keep);
            prefixLength += keep;
        }
    }

    /** The number of body bytes. */
    long length() {
        return length;
    }

    /** Writes the body's 32-byte SHA-256 into {@code out} from 0. Once only: the digest is reset by it. */
    void sha256(byte[] out) {
        MessageDigest sha256 = digest;
        if (sha256 == null) {
            sha256 = newSha256();
            digest = sha256;
        }
        try {
            sha256.digest(out, 0, 32);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 is 32 bytes", e);
        }
    }

    /** Whether the body is echoed as text: at most {@value #MAX_TEXT_BYTES} bytes of well-formed UTF-8. */
    boolean isText() {
        return length <= MAX_TEXT_BYTES && Utf8.isWellFormed(prefix, 0, prefixLength);
    }

    /** The kept bytes: the whole body when {@link #length()} is at most {@value #MAX_TEXT_BYTES}. */
    byte[] prefix() {
        return prefix;
    }

    int prefixLength() {
        return prefixLength;
    }

    /** Forgets the body, keeping the digest and a small prefix array for the next one. */
    void clear() {
        length = 0;
        prefixLength = 0;
        if (prefix.length > MAX_KEPT_PREFIX) {
            prefix = NO_BYTES;
        }
        MessageDigest sha256 = digest;
        if (sha256 != null) {
            sha256.reset();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
