package dev.devproxy.parser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The field lines of one header or trailer section, in arrival order, names as sent.
 *
 * <p>A view over bytes the parser owns: names and values are offsets into them, and a {@code String} is made
 * only by the methods that return one. Values have their leading and trailing whitespace removed (RFC 9112
 * section 5.1). The view is valid until its parser starts the next message; copy what must outlive that.
 * Lookups by name are ASCII case-insensitive (RFC 9110 section 5.1) and allocate nothing.
 *
 * <p>Not thread-safe, like the parser that owns it. Every {@code index} argument must be in
 * {@code [0, size())}, or the method throws {@link IndexOutOfBoundsException}.
 */
public final class HeaderFields {
    private static final int NAME_START = 0;
    private static final int NAME_END = 1;
    private static final int VALUE_START = 2;
    private static final int VALUE_END = 3;
    private static final int INTS_PER_FIELD = 4;

    /** Shared by every field list until it is first pointed at storage or grown: never written to. */
    private static final byte[] NO_BYTES = new byte[0];
    private static final int[] NO_OFFSETS = new int[0];

    private byte[] bytes = NO_BYTES;
    /**
     * Four offsets into {@link #bytes} per field line: name start and end, trimmed value start and end. Empty
     * until a first line is added, as trailers and the head a parser keeps in reserve mostly stay.
     */
    private int[] offsets = NO_OFFSETS;
    private int size;

    /*
     * The few names the parser itself must find (Host, Expect and the framing fields), noted as lines are added.
     * Without this, each rule would compare every name again: five passes over a dozen fields for every head.
     */
    /** The index of the first Host line, or -1. */
    private int firstHost;
    /** More than one Host line was added. */
    private boolean hostRepeated;
    /** An Expect line was added. */
    private boolean hasExpect;
    /** A Transfer-Encoding, Content-Length or Connection line was added. */
    private boolean hasFramingNames;

    HeaderFields() {
        clear(bytes);
    }

    /** Empties the view and points it at new storage. */
    void clear(byte[] storage) {
        bytes = storage;
        size = 0;
        firstHost = -1;
        hostRepeated = false;
        hasExpect = false;
        hasFramingNames = false;
    }

    /** Appends a field line; the arrays grow only until they fit the largest section seen. */
    void add(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int at = size * INTS_PER_FIELD;
        if (at == offsets.length) {
            offsets = Arrays.copyOf(offsets, Math.max(8 * INTS_PER_FIELD, offsets.length * 2));
        }
        offsets[at + NAME_START] = nameStart;
        offsets[at + NAME_END] = nameEnd;
        offsets[at + VALUE_START] = valueStart;
        offsets[at + VALUE_END] = valueEnd;
        noteKnownName(nameStart, nameEnd);
        size++;
    }

    /** Notes the names {@link #firstHost} and the flags track; only names of their lengths are compared. */
    private void noteKnownName(int nameStart, int nameEnd) {
        switch (nameEnd - nameStart) {
            case 4 -> {
                if (HttpTokens.equalsIgnoreCase(bytes, nameStart, nameEnd, "Host")) {
                    hostRepeated |= firstHost >= 0;
                    firstHost = firstHost >= 0 ? firstHost : size;
                }
            }
            case 6 -> hasExpect |= HttpTokens.equalsIgnoreCase(bytes, nameStart, nameEnd, "Expect");
            case 10 -> hasFramingNames |= HttpTokens.equalsIgnoreCase(bytes, nameStart, nameEnd, "Connection");
            case 14 -> hasFramingNames |= HttpTokens.equalsIgnoreCase(bytes, nameStart, nameEnd, "Content-Length");
            case 17 -> hasFramingNames |= HttpTokens.equalsIgnoreCase(bytes, nameStart, nameEnd, "Transfer-Encoding");
            default -> {
                // Not a name the parser looks for.
            }
        }
    }

    /** The index of the first Host field line, or -1 when there is none. */
    int firstHost() {
        return firstHost;
    }

    /** Whether more than one field line is named Host. */
    boolean hostRepeated() {
        return hostRepeated;
    }

    /** Whether any field line is named Expect. */
    boolean hasExpect() {
        return hasExpect;
    }

    /** Whether any field line is named Transfer-Encoding, Content-Length or Connection. */
    boolean hasFramingNames() {
        return hasFramingNames;
    }

    byte[] bytes() {
        return bytes;
    }

    int nameStart(int index) {
        return offset(index, NAME_START);
    }

    int nameEnd(int index) {
        return offset(index, NAME_END);
    }

    int valueStart(int index) {
        return offset(index, VALUE_START);
    }

    int valueEnd(int index) {
        return offset(index, VALUE_END);
    }

    private int offset(int index, int which) {
        return offsets[INTS_PER_FIELD * Objects.checkIndex(index, size) + which];
    }

    /**
     * The number of field lines.
     *
     * @return the number of field lines, 0 or more
     */
    public int size() {
        return size;
    }

    /**
     * The name of field line {@code index}, as sent.
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @return the field name, decoded as ISO-8859-1
     * @throws IndexOutOfBoundsException if out of range
     */
    public String name(int index) {
        return latin1(nameStart(index), nameEnd(index));
    }

    /**
     * The value of field line {@code index}, trimmed, decoded as ISO-8859-1 (obs-text survives byte for byte).
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @return the trimmed field value, possibly empty
     */
    public String value(int index) {
        return latin1(valueStart(index), valueEnd(index));
    }

    /**
     * Whether field line {@code index} is named {@code name}, ignoring ASCII case. Allocates nothing.
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @param name the field name to compare with
     * @return whether the names are equal, ignoring ASCII case
     */
    public boolean nameEquals(int index, String name) {
        return HttpTokens.equalsIgnoreCase(bytes, nameStart(index), nameEnd(index), name);
    }

    /**
     * Whether the comma-separated value of field line {@code index} lists {@code token}, ignoring ASCII case
     * and optional whitespace, as in {@code Connection: keep-alive, Upgrade}. Allocates nothing.
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @param token the token to look for, without commas or surrounding whitespace
     * @return whether one of the comma-separated elements equals {@code token}, ignoring ASCII case
     */
    public boolean valueHasToken(int index, String token) {
        int end = valueEnd(index);
        // RFC 9110 section 5.6.1: #element = [ element ] *( OWS "," OWS [ element ] ).
        for (int from = valueStart(index); from <= end; ) {
            int comma = HttpTokens.elementEnd(bytes, from, end);
            int start = HttpTokens.skipWhitespace(bytes, from, comma);
            if (HttpTokens.equalsIgnoreCase(bytes, start, HttpTokens.trimWhitespace(bytes, start, comma), token)) {
                return true;
            }
            from = comma + 1;
        }
        return false;
    }

    /**
     * The index of the first field line named {@code name} at or after {@code from}, or -1.
     *
     * @param name the field name to look for, compared ignoring ASCII case
     * @param from the index to start at; 0 searches every field line
     * @return the index of the matching field line, or -1 when there is none
     */
    public int indexOf(String name, int from) {
        for (int i = Math.max(from, 0); i < size; i++) {
            if (nameEquals(i, name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first field line named {@code name}, or -1. Allocates nothing.
     *
     * @param name the field name to look for, encoded once
     * @return the index of the first matching field line, or -1 when there is none
     */
    public int indexOf(HeaderName name) {
        return indexOf(name, 0);
    }

    /**
     * The index of the first field line named {@code name} at or after {@code from}, or -1. Allocates nothing,
     * and compares lengths before bytes, so most names are passed over in one comparison.
     *
     * @param name the field name to look for, encoded once
     * @param from the index to start at; 0 searches every field line
     * @return the index of the matching field line, or -1 when there is none
     */
    public int indexOf(HeaderName name, int from) {
        int[] at = offsets;
        for (int i = Math.max(from, 0); i < size; i++) {
            int base = i * INTS_PER_FIELD;
            if (name.matches(bytes, at[base + NAME_START], at[base + NAME_END])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether any field line is named {@code name}. Allocates nothing.
     *
     * @param name the field name to look for, encoded once
     * @return whether at least one field line has that name
     */
    public boolean contains(HeaderName name) {
        return indexOf(name, 0) >= 0;
    }

    /**
     * The value of the first field line named {@code name}, or null when there is none. Allocates only the
     * {@code String} it returns.
     *
     * @param name the field name to look for, encoded once
     * @return the trimmed value of the first such field line, or null
     */
    public @Nullable String get(HeaderName name) {
        int index = indexOf(name, 0);
        return index < 0 ? null : value(index);
    }

    /**
     * Points {@code view} at the name of field line {@code index}, as sent. Allocates nothing.
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @param view the view to point
     * @return {@code view}
     */
    public AsciiView name(int index, AsciiView view) {
        return view.set(bytes, nameStart(index), nameEnd(index));
    }

    /**
     * Points {@code view} at the trimmed value of field line {@code index}. Allocates nothing.
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @param view the view to point
     * @return {@code view}
     */
    public AsciiView value(int index, AsciiView view) {
        return view.set(bytes, valueStart(index), valueEnd(index));
    }

    /**
     * Whether any field line is named {@code name}.
     *
     * @param name the field name to look for, compared ignoring ASCII case
     * @return whether at least one field line has that name
     */
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    /**
     * The value of the first field line named {@code name}, or null when there is none.
     *
     * @param name the field name to look for, compared ignoring ASCII case
     * @return the trimmed value of the first such field line, or null
     */
    public @Nullable String get(String name) {
        int index = indexOf(name, 0);
        return index < 0 ? null : value(index);
    }

    /**
     * The values of every field line named {@code name}, in order; empty when there is none.
     *
     * @param name the field name to look for, compared ignoring ASCII case
     * @return the trimmed values of the matching field lines, in the order sent
     */
    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            values.add(value(i));
        }
        return values;
    }

    /**
     * The length in bytes of the name of field line {@code index}.
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @return the name's length in bytes
     */
    public int nameLength(int index) {
        return nameEnd(index) - nameStart(index);
    }

    /**
     * The length in bytes of the trimmed value of field line {@code index}.
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @return the trimmed value's length in bytes, possibly 0
     */
    public int valueLength(int index) {
        return valueEnd(index) - valueStart(index);
    }

    /**
     * Copies the name of field line {@code index} into {@code dst} at its position, advancing it.
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @param dst the buffer to write the name into
     * @throws java.nio.BufferOverflowException if {@code dst} has fewer than {@link #nameLength} bytes left
     */
    public void putName(int index, ByteBuffer dst) {
        dst.put(bytes, nameStart(index), nameLength(index));
    }

    /**
     * Copies the trimmed value of field line {@code index} into {@code dst} at its position, advancing it.
     *
     * @param index the field line, from 0 to {@link #size()} - 1
     * @param dst the buffer to write the value into
     * @throws java.nio.BufferOverflowException if {@code dst} has fewer than {@link #valueLength} bytes left
     */
    public void putValue(int index, ByteBuffer dst) {
        dst.put(bytes, valueStart(index), valueLength(index));
    }

    /** The field lines as {@code name: value} lines, for debugging. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < size; i++) {
            text.append(name(i)).append(": ").append(value(i)).append('\n');
        }
        return text.toString();
    }

    private String latin1(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }
}
