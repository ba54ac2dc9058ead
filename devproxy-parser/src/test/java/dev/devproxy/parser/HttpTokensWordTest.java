package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The eight-bytes-at-a-time tests the scanner and field parser use must agree exactly with their byte-by-byte
 * definitions, for every byte value in every position, whatever the other bytes hold. A carry that leaked
 * from one byte into the next would show up here as a wrong mark in the neighbouring position.
 */
class HttpTokensWordTest {
    /** Fillers around the byte under test: plain text, all zeros, all ones (carries), and 0x7F. */
    private static final byte[] FILLERS = {'a', 0x00, (byte) 0xFF, 0x7F, ' ', 0x0D};

    @Test
    void zeroBytesMarksExactlyTheZeroBytes() {
        forEveryWord((word, bytes) -> {
            long expected = 0;
            for (int i = 0; i < 8; i++) {
                if (bytes[i] == 0) {
                    expected |= 0x80L << (8 * i);
                }
            }
            assertEquals(expected, HttpTokens.zeroBytes(word), () -> hex(bytes));
        });
    }

    @Test
    void bytesBelow0x0EMarksExactlyThoseBytes() {
        forEveryWord((word, bytes) -> {
            long expected = 0;
            for (int i = 0; i < 8; i++) {
                if ((bytes[i] & 0xFF) < 0x0E) {
                    expected |= 0x80L << (8 * i);
                }
            }
            assertEquals(expected, HttpTokens.bytesBelow0x0E(word), () -> hex(bytes));
        });
    }

    /** RFC 9110 section 5.5: SP, VCHAR and obs-text are plain; HTAB is valid but left to the byte-wise check. */
    @Test
    void allPlainFieldValueAgreesWithTheByteTable() {
        forEveryWord((word, bytes) -> {
            boolean expected = true;
            for (byte b : bytes) {
                expected &= HttpTokens.isFieldValue(b) && b != '\t';
            }
            assertEquals(expected, HttpTokens.allPlainFieldValue(word), () -> hex(bytes));
        });
    }

    private interface WordCheck {
        void check(long word, byte[] bytes);
    }

    /** Every byte value at every position of a little-endian word, among each filler. */
    private static void forEveryWord(WordCheck check) {
        byte[] bytes = new byte[8];
        for (byte filler : FILLERS) {
            for (int position = 0; position < 8; position++) {
                for (int value = 0; value < 256; value++) {
                    java.util.Arrays.fill(bytes, filler);
                    bytes[position] = (byte) value;
                    long word = 0;
                    for (int i = 7; i >= 0; i--) {
                        word = (word << 8) | (bytes[i] & 0xFF);
                    }
                    check.check(word, bytes);
                }
            }
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("%02x ", b));
        }
        return text.toString();
    }
}
