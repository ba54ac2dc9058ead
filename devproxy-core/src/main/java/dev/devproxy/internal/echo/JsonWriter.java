package dev.devproxy.internal.echo;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Appends JSON (RFC 8259) to a growing byte array, UTF-8 encoded. Just enough for echo's flat object: no
 * pretty printing, no reflection, no dependency.
 */
public final class JsonWriter {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int length;

    /** A writer with room for {@code initialCapacity} bytes before it grows. */
    public JsonWriter(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** Appends a raw ASCII token such as {@code {}, {@code ,} or {@code null}. */
    public JsonWriter raw(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            bytes[length++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    /** Appends {@code "name":}. */
    public JsonWriter name(String name) {
        string(name);
        return raw(":");
    }

    /** Appends a number. */
    public JsonWriter number(long value) {
        return raw(Long.toString(value));
    }

    /** Appends a string literal, or {@code null}. Characters are escaped as RFC 8259 section 7 requires. */
    public JsonWriter string(@Nullable String value) {
        if (value == null) {
            return raw("null");
        }
        ensure(value.length() * 3 + 2);
        bytes[length++] = '"';
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                ensure(2 + value.length() * 3);
                bytes[length++] = '\\';
                bytes[length++] = (byte) c;
            } else if (c < 0x20 || c == 0x7F) {
                escapeControl(c, value.length() - i);
            } else if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                i = encodeNonAscii(value, i);
            }
        }
        ensure(1);
        bytes[length++] = '"';
        return this;
    }

    private void escapeControl(char c, int charsLeft) {
        ensure(6 + charsLeft * 3);
        bytes[length++] = '\\';
        switch (c) {
            case '\n' -> bytes[length++] = 'n';
            case '\r' -> bytes[length++] = 'r';
            case '\t' -> bytes[length++] = 't';
            case '\b' -> bytes[length++] = 'b';
            case '\f' -> bytes[length++] = 'f';
            default -> {
                bytes[length++] = 'u';
                bytes[length++] = '0';
                bytes[length++] = '0';
                bytes[length++] = HEX[c >> 4];
                bytes[length++] = HEX[c & 0xF];
            }
        }
    }

    /** Encodes the character (or surrogate pair) at {@code i} as UTF-8; returns the index of its last char. */
    private int encodeNonAscii(String value, int i) {
        ensure(4 + (value.length() - i) * 3);
        char c = value.charAt(i);
        if (c < 0x800) {
            bytes[length++] = (byte) (0xC0 | (c >> 6));
            bytes[length++] = (byte) (0x80 | (c & 0x3F));
            return i;
        }
        if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, value.charAt(i + 1));
            bytes[length++] = (byte) (0xF0 | (cp >> 18));
            bytes[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (cp & 0x3F));
            return i + 1;
        }
        if (Character.isSurrogate(c)) {
            c = '\uFFFD'; // a lone surrogate cannot be encoded; JSON text must be valid Unicode
        }
        bytes[length++] = (byte) (0xE0 | (c >> 12));
        bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[length++] = (byte) (0x80 | (c & 0x3F));
        return i;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            byte[] grown = new byte[Math.max(bytes.length * 2, length + more)];
            System.arraycopy(bytes, 0, grown, 0, length);
            bytes = grown;
        }
    }

    /** The bytes written so far; the array may be longer than {@link #length()}. */
    public byte[] array() {
        return bytes;
    }

    /** The number of bytes written. */
    public int length() {
        return length;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
