package dev.devproxy.parser;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Byte classes of the HTTP grammar as 256-entry tables, built once, indexed by {@code b & 0xFF}.
 *
 * <p>A table lookup is one load, where a chain of comparisons is a branch per character; the comment above each
 * table is the ABNF it encodes, so the table and its rule can be checked against each other.
 */
final class HttpTokens {
    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    /**
     * RFC 9110 section 5.6.2: {@code tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" /
     * "_" / "`" / "|" / "~" / DIGIT / ALPHA}. Methods, field names, transfer codings and chunk extension names
     * are {@code 1*tchar}.
     */
    private static final boolean[] TCHAR = new boolean[256];

    /**
     * RFC 9110 section 5.5: {@code field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]},
     * {@code field-vchar = VCHAR / obs-text}, {@code obs-text = %x80-FF}. The table admits every byte that may
     * appear inside a value: HTAB, SP, VCHAR %x21-7E and obs-text. NUL, CR, LF, the other CTLs and DEL are out.
     * The reason phrase (RFC 9112 section 4) is the same set.
     */
    private static final boolean[] FIELD_VALUE = new boolean[256];

    /**
     * RFC 9112 section 3.2 and RFC 3986: every request-target form is made of visible US-ASCII, %x21-7E. CTLs,
     * SP, DEL and bytes from 0x80 up never appear in a valid target (non-ASCII must be percent-encoded).
     */
    private static final boolean[] TARGET = new boolean[256];

    /**
     * RFC 3986 section 3.2.2: {@code reg-name = *( unreserved / pct-encoded / sub-delims )}, with
     * {@code unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"} and {@code sub-delims = "!" / "$" / "&" / "'" /
     * "(" / ")" / "*" / "+" / "," / ";" / "="}. The {@code %} of pct-encoded is admitted here and its two hex
     * digits checked by the caller. An IPv4address is a reg-name by these characters.
     */
    private static final boolean[] REG_NAME = new boolean[256];

    /**
     * RFC 3986 section 3.2.2: {@code IP-literal = "[" ( IPv6address / IPvFuture ) "]"}. DevProxy admits the
     * characters of an IPv6address (HEXDIG, ":" and "." for an embedded IPv4 tail); IPvFuture is not accepted.
     */
    private static final boolean[] IPV6 = new boolean[256];

    /**
     * RFC 9110 section 5.6.4: {@code qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text}, the bytes of a
     * quoted-string other than DQUOTE and backslash.
     */
    private static final boolean[] QDTEXT = new boolean[256];

    /** RFC 5234 appendix B.1: {@code HEXDIG = DIGIT / "A" / "B" / "C" / "D" / "E" / "F"}, either case; -1 elsewhere. */
    private static final byte[] HEX_VALUE = new byte[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            TCHAR[c] = true;
            TCHAR[c + ('a' - 'A')] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }

        FIELD_VALUE[HTAB] = true;
        for (int c = 0x20; c <= 0x7E; c++) {
            FIELD_VALUE[c] = true;
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            FIELD_VALUE[c] = true;
        }

        for (int c = 0x21; c <= 0x7E; c++) {
            TARGET[c] = true;
        }

        for (int c = '0'; c <= '9'; c++) {
            REG_NAME[c] = true;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            REG_NAME[c] = true;
            REG_NAME[c + ('a' - 'A')] = true;
        }
        for (char c : "-._~!$&'()*+,;=%".toCharArray()) {
            REG_NAME[c] = true;
        }

        QDTEXT[HTAB] = true;
        QDTEXT[SP] = true;
        QDTEXT[0x21] = true;
        for (int c = 0x23; c <= 0x5B; c++) {
            QDTEXT[c] = true;
        }
        for (int c = 0x5D; c <= 0x7E; c++) {
            QDTEXT[c] = true;
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            QDTEXT[c] = true;
        }

        Arrays.fill(HEX_VALUE, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX_VALUE[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX_VALUE[c] = (byte) (c - 'a' + 10);
            HEX_VALUE[c - ('a' - 'A')] = (byte) (c - 'a' + 10);
        }
        for (int c = 0; c < 256; c++) {
            IPV6[c] = HEX_VALUE[c] >= 0 || c == ':' || c == '.';
        }
    }

    private HttpTokens() {
    }

    private static final long LOW_SEVEN_BITS = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long DELS = 0x7F7F7F7F7F7F7F7FL;

    /**
     * The high bit of each byte of {@code word} that is zero, and nothing else: adding 0x7F to the low seven
     * bits of a byte never carries into the next byte, so unlike the classic {@code (x - 0x01..) & ~x} trick
     * there are no false marks, and any byte order may be used to find the first.
     */
    static long zeroBytes(long word) {
        long lowBitsCarried = (word & LOW_SEVEN_BITS) + LOW_SEVEN_BITS;
        return ~(lowBitsCarried | word | LOW_SEVEN_BITS);
    }

    /** The high bit of each byte of {@code word} below 0x0E (so possibly CR or LF), and nothing else. */
    static long bytesBelow0x0E(long word) {
        // Low seven bits plus 0x72 reach 0x80 exactly when they are 0x0E or more; no carry crosses a byte.
        return ~(((word & LOW_SEVEN_BITS) + 0x7272727272727272L) | word) & HIGH_BITS;
    }

    /**
     * Whether all eight bytes of {@code word} are plain field-value bytes: SP, VCHAR or obs-text, that is not
     * below 0x20 and not DEL (RFC 9110 section 5.5). HTAB is valid but not plain: a word holding one, or a
     * control, is left to the byte-by-byte check.
     */
    static boolean allPlainFieldValue(long word) {
        // A byte is below 0x20 when its high bit is clear and its low seven bits plus 0x60 stay below 0x80;
        // again no carry crosses a byte.
        long belowSpace = ~(((word & LOW_SEVEN_BITS) + 0x6060606060606060L) | word) & HIGH_BITS;
        return (belowSpace | zeroBytes(word ^ DELS)) == 0;
    }

    /** Reads eight bytes of a byte[] as one long, first byte lowest, for the word-at-a-time loops. */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long CRS = 0x0D0D0D0D0D0D0D0DL;
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;

    /**
     * The index of the first CR or LF in {@code bytes[from, to)}, or {@code to}. Words of eight bytes with no
     * byte below 0x0E cannot hold either and are skipped with one cheap test; a word that might is searched
     * exactly.
     */
    static int findLineEnd(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i);
            if (bytesBelow0x0E(word) != 0) {
                long matches = zeroBytes(word ^ CRS) | zeroBytes(word ^ LFS);
                if (matches != 0) {
                    return i + Long.numberOfTrailingZeros(matches) / Byte.SIZE;
                }
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == CR || bytes[i] == LF) {
                return i;
            }
        }
        return to;
    }

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xFF];
    }

    static boolean isFieldValue(byte b) {
        return FIELD_VALUE[b & 0xFF];
    }

    static boolean isTarget(byte b) {
        return TARGET[b & 0xFF];
    }

    static boolean isRegName(byte b) {
        return REG_NAME[b & 0xFF];
    }

    static boolean isIpv6(byte b) {
        return IPV6[b & 0xFF];
    }

    static boolean isQdtext(byte b) {
        return QDTEXT[b & 0xFF];
    }

    /** The value of a hex digit, or -1 when {@code b} is not one. */
    static int hexValue(byte b) {
        return HEX_VALUE[b & 0xFF];
    }

    /** OWS and BWS are {@code *( SP / HTAB )} (RFC 9110 section 5.6.3). */
    static boolean isWhitespace(byte b) {
        return b == SP || b == HTAB;
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** ASCII lower case; bytes other than A-Z are returned unchanged. Field names and tokens are ASCII. */
    static int toLower(int b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    /**
     * The end of the list element that starts at {@code from}: the index of the next comma before {@code end},
     * or {@code end}. RFC 9110 section 5.6.1: {@code #element = [ element ] *( OWS "," OWS [ element ] )}.
     */
    static int elementEnd(byte[] bytes, int from, int end) {
        int comma = from;
        while (comma < end && bytes[comma] != ',') {
            comma++;
        }
        return comma;
    }

    /** The first index in {@code [from, to)} that is not OWS, or {@code to}. */
    static int skipWhitespace(byte[] bytes, int from, int to) {
        while (from < to && isWhitespace(bytes[from])) {
            from++;
        }
        return from;
    }

    /** The end of {@code [from, to)} with trailing OWS removed. */
    static int trimWhitespace(byte[] bytes, int from, int to) {
        while (to > from && isWhitespace(bytes[to - 1])) {
            to--;
        }
        return to;
    }

    /** Whether {@code bytes[start, end)} spells {@code text}, ignoring ASCII case. Allocates nothing. */
    static boolean equalsIgnoreCase(byte[] bytes, int start, int end, String text) {
        if (end - start != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7F || toLower(bytes[start + i] & 0xFF) != toLower(c)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code bytes[start, end)} spells {@code text} exactly. Allocates nothing. */
    static boolean equalsExactly(byte[] bytes, int start, int end, String text) {
        if (end - start != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if ((bytes[start + i] & 0xFF) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
