package dev.devproxy.parser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A window on bytes a parser owns (the method, target, path or query of a request, a field name or value), read
 * as text without copying: one {@code char} per byte, ISO-8859-1, which is ASCII for everything but the obs-text
 * a field value may carry (RFC 9110 section 5.5).
 *
 * <p>Made once by the caller and pointed again by every accessor that takes it, such as
 * {@link RequestHead#path(AsciiView)} or {@link HeaderFields#value(int, AsciiView)}; reading it, comparing it
 * ({@link #contentEquals}, {@link #equalsIgnoreCase}, {@link #startsWith}) and repointing it allocate nothing.
 * Only {@link #toString()} and {@link #subSequence} make objects. It sees what its head sees: valid until the
 * parser that filled it reports the next {@link ParseStatus#HEAD} (a view of a trailer field: until the next
 * message begins). Mutable and not thread-safe; one per connection or thread. It does not override
 * {@code equals} or {@code hashCode}, as {@link CharSequence} asks: compare contents with
 * {@link #contentEquals}.
 */
public final class AsciiView implements CharSequence {
    private static final byte[] EMPTY = new byte[0];

    private byte[] bytes = EMPTY;
    private int offset;
    private int length;

    /** An empty view, to be pointed by an accessor. */
    public AsciiView() {
    }

    /** Points the view at {@code bytes[start, end)}; returns it. */
    AsciiView set(byte[] bytes, int start, int end) {
        this.bytes = bytes;
        this.offset = start;
        this.length = end - start;
        return this;
    }

    /**
     * The index of the view's first byte in the storage it views: for a head, in {@link MessageHead#storage()}.
     *
     * @return the offset of the first byte, 0 or more
     */
    public int offset() {
        return offset;
    }

    /**
     * The number of bytes, which is the number of chars.
     *
     * @return the length, 0 or more
     */
    @Override
    public int length() {
        return length;
    }

    /**
     * The byte at {@code index} as a char, ISO-8859-1.
     *
     * @param index from 0 to {@link #length()} - 1
     * @return the byte as a char from U+0000 to U+00FF
     * @throws IndexOutOfBoundsException if out of range
     */
    @Override
    public char charAt(int index) {
        return (char) (bytes[offset + Objects.checkIndex(index, length)] & 0xFF);
    }

    /**
     * The byte at {@code index}.
     *
     * @param index from 0 to {@link #length()} - 1
     * @return the byte
     * @throws IndexOutOfBoundsException if out of range
     */
    public byte byteAt(int index) {
        return bytes[offset + Objects.checkIndex(index, length)];
    }

    /**
     * Whether the view spells {@code text} exactly, char for byte. A char above U+00FF never matches.
     * Allocates nothing.
     *
     * @param text the text to compare with
     * @return whether the contents are equal
     */
    public boolean contentEquals(CharSequence text) {
        return text.length() == length && regionMatches(0, text, false);
    }

    /**
     * Whether the view spells {@code text}, ignoring ASCII case (as names are compared, RFC 9110 section 5.1).
     * Allocates nothing.
     *
     * @param text the text to compare with
     * @return whether the contents are equal, ignoring ASCII case
     */
    public boolean equalsIgnoreCase(CharSequence text) {
        return text.length() == length && regionMatches(0, text, true);
    }

    /**
     * Whether the view begins with {@code prefix} exactly, as a path with {@code /api/}. Allocates nothing.
     *
     * @param prefix the text to look for at the start
     * @return whether the first {@code prefix.length()} chars equal {@code prefix}
     */
    public boolean startsWith(CharSequence prefix) {
        return prefix.length() <= length && regionMatches(0, prefix, false);
    }

    /**
     * The index of the first {@code c} at or after {@code from}, or -1, as a {@code '/'} in a path.
     *
     * @param c the char to look for
     * @param from the index to start at
     * @return the index of {@code c}, or -1 when it is not there
     */
    public int indexOf(char c, int from) {
        for (int i = Math.max(from, 0); i < length; i++) {
            if ((bytes[offset + i] & 0xFF) == c) {
                return i;
            }
        }
        return -1;
    }

    private boolean regionMatches(int start, CharSequence text, boolean ignoreCase) {
        int at = offset + start;
        for (int i = 0; i < text.length(); i++) {
            int b = bytes[at + i] & 0xFF;
            char c = text.charAt(i);
            if (b != c && (!ignoreCase || c > 0x7F || HttpTokens.toLower(b) != HttpTokens.toLower(c))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies the bytes into {@code dst} at its position, advancing it.
     *
     * @param dst the buffer to write into
     * @throws java.nio.BufferOverflowException if {@code dst} has fewer than {@link #length()} bytes left
     */
    public void copyTo(ByteBuffer dst) {
        dst.put(bytes, offset, length);
    }

    /**
     * A new view of {@code [start, end)} of this one, sharing its storage. Allocates the view.
     *
     * @throws IndexOutOfBoundsException if the range is not within {@code [0, length())}
     */
    @Override
    public AsciiView subSequence(int start, int end) {
        Objects.checkFromToIndex(start, end, length);
        return new AsciiView().set(bytes, offset + start, offset + end);
    }

    /** The contents as a new {@code String}, ISO-8859-1. */
    @Override
    public String toString() {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
}
