package dev.devproxy.internal.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8#isWellFormed} accepts exactly what the JDK's reporting UTF-8 decoder accepts, as echo did. */
class Utf8Test {
    /** Bytes around every boundary of table 3-7. */
    private static final int[] EDGES = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
        0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer chars = CharBuffer.allocate(64);

    @Test
    void everyOneAndTwoByteSequenceIsJudgedLikeTheJdkDecoder() {
        for (int b0 = 0; b0 < 256; b0++) {
            check(b0);
            for (int b1 = 0; b1 < 256; b1++) {
                check(b0, b1);
            }
        }
    }

    @Test
    void everyThreeAndFourByteLeadWithEverySecondByteIsJudgedLikeTheJdkDecoder() {
        for (int b0 = 0xC0; b0 < 256; b0++) {
            for (int b1 = 0; b1 < 256; b1++) {
                for (int b2 : EDGES) {
                    check(b0, b1, b2);
                    for (int b3 : EDGES) {
                        check(b0, b1, b2, b3);
                    }
                }
            }
        }
    }

    @Test
    void randomTextAndNoiseAreJudgedLikeTheJdkDecoder() {
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
                    case 2 -> 0x800 + random.nextInt(0xD800 - 0x800);
                    default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
                };
                text.appendCodePoint(cp);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            check(bytes);
            if (bytes.length > 0) {
                // One damaged byte, or a cut, makes most of these ill-formed: both must agree which.
                byte[] damaged = bytes.clone();
                damaged[random.nextInt(damaged.length)] = (byte) EDGES[random.nextInt(EDGES.length)];
                check(damaged);
                check(Arrays.copyOf(bytes, random.nextInt(bytes.length)));
            }
        }
    }

    @Test
    void onlyTheGivenRangeIsChecked() {
        byte[] bytes = {(byte) 0xFF, 'o', 'k', (byte) 0xE2, (byte) 0x9C, (byte) 0x93, (byte) 0xE2};

        assertEquals(true, Utf8.isWellFormed(bytes, 1, 6));
        assertEquals(false, Utf8.isWellFormed(bytes, 1, 7));
        assertEquals(false, Utf8.isWellFormed(bytes, 1, 5));
    }

    private void check(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        check(bytes);
    }

    private void check(byte[] bytes) {
        // What decode(ByteBuffer) does, without the exception it throws: a stack trace each would take seconds.
        chars.clear();
        CoderResult result = decoder.reset().decode(ByteBuffer.wrap(bytes), chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        boolean expected = !result.isError();
        assertEquals(expected, Utf8.isWellFormed(bytes, 0, bytes.length), () -> HexFormat.of().formatHex(bytes));
    }
}
