package dev.devproxy.internal.echo;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What echo reports of a body: its length, its SHA-256, and its text when it is valid UTF-8 of at most
 * {@value #MAX_TEXT_BYTES} bytes. Keeps only the first {@value #MAX_TEXT_BYTES} + 1 bytes, whatever the size.
 */
public final class EchoBody {
    /** The largest body echoed back as text. */
    public static final int MAX_TEXT_BYTES = 64 * 1024;
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private long length;
    private @Nullable MessageDigest digest;
    private byte[] prefix = new byte[0];
    private int prefixLength;

    /** Adds {@code length} bytes of {@code buffer} from {@code offset}; the buffer's position is not changed. */
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
        sha256.update(buffer.duplicate().limit(offset + count).position(offset));
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
    public long length() {
        return length;
    }

    /** The SHA-256 of the body, lower-case hex. */
    public String sha256Hex() {
        MessageDigest sha256 = digest;
        if (sha256 == null) {
            return EMPTY_SHA256;
        }
        byte[] hash = sha256.digest();
        StringBuilder hex = new StringBuilder(64);
        for (byte b : hash) {
            hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
    }

    /** The body as text when it is valid UTF-8 and at most {@value #MAX_TEXT_BYTES} bytes, else null. */
    public @Nullable String text() {
        if (length > MAX_TEXT_BYTES) {
            return null;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(prefix, 0, prefixLength));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
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
