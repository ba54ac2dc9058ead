package dev.devproxy.parser;

import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The field lines of one header or trailer section, in arrival order, names as sent.
 *
 * <p>A view over bytes the parser owns: names and values are offsets into them, and a {@code String} is made
 * only by the methods that return one. Values have their leading and trailing whitespace removed (RFC 9112
 * section 5.1). The view is valid until its parser starts the next message; copy what must outlive that.
 * Lookups by name are ASCII case-insensitive (RFC 9110 section 5.1) and allocate nothing.
 */
public final class HeaderFields {
    // TODO(implementation): storage is the owning parser's byte[] and an int[] of 4 offsets per field.

    /** The number of field lines. */
    public int size() { throw new UnsupportedOperationException(); }

    /** The name of field line {@code index}, as sent. @throws IndexOutOfBoundsException if out of range */
    public String name(int index) { throw new UnsupportedOperationException(); }

    /** The value of field line {@code index}, trimmed, decoded as ISO-8859-1 (obs-text survives byte for byte). */
    public String value(int index) { throw new UnsupportedOperationException(); }

    /** Whether field line {@code index} is named {@code name}, ignoring ASCII case. Allocates nothing. */
    public boolean nameEquals(int index, String name) { throw new UnsupportedOperationException(); }

    /**
     * Whether the comma-separated value of field line {@code index} lists {@code token}, ignoring ASCII case
     * and optional whitespace, as in {@code Connection: keep-alive, Upgrade}. Allocates nothing.
     */
    public boolean valueHasToken(int index, String token) { throw new UnsupportedOperationException(); }

    /** The index of the first field line named {@code name} at or after {@code from}, or -1. */
    public int indexOf(String name, int from) { throw new UnsupportedOperationException(); }

    /** Whether any field line is named {@code name}. */
    public boolean contains(String name) { throw new UnsupportedOperationException(); }

    /** The value of the first field line named {@code name}, or null when there is none. */
    public @Nullable String get(String name) { throw new UnsupportedOperationException(); }

    /** The values of every field line named {@code name}, in order; empty when there is none. */
    public List<String> getAll(String name) { throw new UnsupportedOperationException(); }

    /** The length in bytes of the name of field line {@code index}. */
    public int nameLength(int index) { throw new UnsupportedOperationException(); }

    /** The length in bytes of the trimmed value of field line {@code index}. */
    public int valueLength(int index) { throw new UnsupportedOperationException(); }

    /** Copies the name of field line {@code index} into {@code dst} at its position, advancing it. */
    public void putName(int index, ByteBuffer dst) { throw new UnsupportedOperationException(); }

    /** Copies the trimmed value of field line {@code index} into {@code dst} at its position, advancing it. */
    public void putValue(int index, ByteBuffer dst) { throw new UnsupportedOperationException(); }
}
