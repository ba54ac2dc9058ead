package dev.devproxy.internal.echo;

/**
 * Checks UTF-8 without decoding it, so echo can copy a text body's bytes straight into its JSON. Accepts
 * exactly what the JDK's UTF-8 decoder accepts with {@code CodingErrorAction.REPORT}: the well-formed byte
 * sequences of the Unicode Standard, section 3.9, table 3-7 (no overlong forms, no surrogates, nothing above
 * U+10FFFF, no stray or missing continuation bytes). Noncharacters and a byte order mark are well-formed.
 */
final class Utf8 {
    private Utf8() {
    }

    /** Whether {@code bytes[from, to)} is well-formed UTF-8. */
    static boolean isWellFormed(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b0 = bytes[i];
            if (b0 >= 0) {
                i++;
                continue;
            }
            b0 &= 0xFF;
            // Table 3-7: the first byte fixes the length and the range of the second byte; later bytes are 80..BF.
            if (b0 < 0xC2) {
                return false; // 80..BF continue a sequence that did not start; C0, C1 would be overlong
            }
            if (b0 < 0xE0) {
                if (i + 1 >= to || !isContinuation(bytes[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (b0 < 0xF0) {
                if (i + 2 >= to) {
                    return false;
                }
                int b1 = bytes[i + 1] & 0xFF;
                // E0 A0..BF (no overlong), ED 80..9F (no surrogates), else 80..BF.
                int low = b0 == 0xE0 ? 0xA0 : 0x80;
                int high = b0 == 0xED ? 0x9F : 0xBF;
                if (b1 < low || b1 > high || !isContinuation(bytes[i + 2])) {
                    return false;
                }
                i += 3;
            } else if (b0 < 0xF5) {
                if (i + 3 >= to) {
                    return false;
                }
                int b1 = bytes[i + 1] & 0xFF;
                // F0 90..BF (no overlong), F4 80..8F (nothing above U+10FFFF), else 80..BF.
                int low = b0 == 0xF0 ? 0x90 : 0x80;
                int high = b0 == 0xF4 ? 0x8F : 0xBF;
                if (b1 < low || b1 > high || !isContinuation(bytes[i + 2]) || !isContinuation(bytes[i + 3])) {
                    return false;
                }
                i += 4;
            } else {
                return false; // F5..FF start nothing
            }
        }
        return true;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
