package dev.devproxy.internal.stub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.devproxy.internal.stub.BodyScan.Verdict;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scans behind stubs' streaming {@code withBodyContaining} and {@code withBody}: fed whole, byte by byte, at
 * every split point and in random chunks, each gives the answer of a search of the whole body in place.
 */
class BodyScanTest {

    @ParameterizedTest(name = "\"{1}\" in \"{0}\": {2}")
    @CsvSource(delimiter = '|', value = {
        "aaab|aab|true",            // a naive restart after "aa" + 'a' would skip the match
        "aabaabaaab|aaab|true",
        "abababc|ababc|true",
        "abababab|ababc|false",
        "abcabd|abd|true",
        "needle-at-the-end|the-end|true",
        "the-start-of-it|the-start|true",
        "x|xy|false",
        "anything||true",            // every body contains the empty text, as String.contains("") says
        "mississippi|issip|true",
        "mississippi|issipi|false",
    })
    void containingFindsTheNeedleHoweverTheBodyIsSplit(String body, String needle, boolean expected) {
        byte[] haystack = body.getBytes(StandardCharsets.UTF_8);
        byte[] wanted = needle == null ? new byte[0] : needle.getBytes(StandardCharsets.UTF_8);
        assertEveryFeeding(haystack, () -> BodyScan.containing(wanted), expected);
    }

    @ParameterizedTest(name = "\"{0}\" equals \"{1}\": {2}")
    @CsvSource(delimiter = '|', value = {
        "hello|hello|true",
        "hello|hell|false",          // the body runs long
        "hell|hello|false",          // the body ends short
        "hellp|hello|false",         // the last byte differs
        "jello|hello|false",         // the first byte differs
    })
    void equalToComparesEveryByteAndTheLength(String body, String expected, boolean equal) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] wanted = expected.getBytes(StandardCharsets.UTF_8);
        assertEveryFeeding(bytes, () -> BodyScan.equalTo(wanted), equal);
    }

    @Test
    void anEmptyBodyEqualsOnlyTheEmptyText() {
        assertEquals(Verdict.MATCH, BodyScan.equalTo(new byte[0]).verdict(true));
        assertEquals(Verdict.NO_MATCH, BodyScan.equalTo(new byte[] {'a'}).verdict(true));
        assertEquals(Verdict.NO_MATCH, BodyScan.containing(new byte[] {'a'}).verdict(true));
        assertEquals(Verdict.MATCH, BodyScan.containing(new byte[0]).verdict(true));
    }

    @Test
    void containingAgreesWithASearchInPlaceOnRandomBodiesOfTwoLetters() {
        // Two letters make overlapping near-matches common: the cases where a search that restarts wrongly fails.
        Random random = new Random(14);
        for (int round = 0; round < 2_000; round++) {
            byte[] body = randomBytes(random, random.nextInt(40), "ab");
            byte[] needle = randomBytes(random, 1 + random.nextInt(6), "ab");
            boolean expected = Text.indexOf(body, needle) >= 0;
            BodyScan scan = BodyScan.containing(needle);
            feedInRandomChunks(scan, body, random);
            assertEquals(expected ? Verdict.MATCH : Verdict.NO_MATCH, scan.verdict(true),
                    () -> new String(needle, StandardCharsets.US_ASCII) + " in " + new String(body, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void invalidUtf8InTheBodyIsSearchedAsBytesAsInPlace() {
        // The search in place compares bytes, not decoded text; the scan must agree, around and inside bad bytes.
        byte[] body = {(byte) 0xFF, 'a', 'b', 'c', (byte) 0xC3, (byte) 0x28, (byte) 0xE2, (byte) 0x82};
        byte[] valid = "abc".getBytes(StandardCharsets.UTF_8);
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8); // E2 82 AC: the body ends two bytes into it
        assertEquals(true, Text.indexOf(body, valid) >= 0);
        assertEveryFeeding(body, () -> BodyScan.containing(valid), true);
        assertEquals(false, Text.indexOf(body, euro) >= 0);
        assertEveryFeeding(body, () -> BodyScan.containing(euro), false);
    }

    @Test
    void withTheBodyIncompleteAScanSaysOnlyWhatIsCertain() {
        BodyScan found = BodyScan.containing("ab".getBytes(StandardCharsets.US_ASCII));
        feed(found, "xxab".getBytes(StandardCharsets.US_ASCII), 0, 4);
        assertEquals(Verdict.MATCH, found.verdict(false));

        BodyScan notYet = BodyScan.containing("ab".getBytes(StandardCharsets.US_ASCII));
        feed(notYet, "xxa".getBytes(StandardCharsets.US_ASCII), 0, 3);
        assertEquals(Verdict.UNKNOWN, notYet.verdict(false));

        BodyScan differs = BodyScan.equalTo("abc".getBytes(StandardCharsets.US_ASCII));
        feed(differs, "ax".getBytes(StandardCharsets.US_ASCII), 0, 2);
        assertEquals(Verdict.NO_MATCH, differs.verdict(false));

        BodyScan agreesSoFar = BodyScan.equalTo("abc".getBytes(StandardCharsets.US_ASCII));
        feed(agreesSoFar, "ab".getBytes(StandardCharsets.US_ASCII), 0, 2);
        assertEquals(Verdict.UNKNOWN, agreesSoFar.verdict(false));
    }

    /** Whole, byte by byte, split in two at every point, and in random chunks: always {@code expected}. */
    private static void assertEveryFeeding(byte[] body, Supplier<BodyScan> scans, boolean expected) {
        Verdict want = expected ? Verdict.MATCH : Verdict.NO_MATCH;
        BodyScan whole = scans.get();
        feed(whole, body, 0, body.length);
        assertEquals(want, whole.verdict(true), "fed whole");

        BodyScan bytes = scans.get();
        for (int i = 0; i < body.length; i++) {
            feed(bytes, body, i, 1);
        }
        assertEquals(want, bytes.verdict(true), "fed byte by byte");

        for (int split = 0; split <= body.length; split++) {
            BodyScan two = scans.get();
            feed(two, body, 0, split);
            feed(two, body, split, body.length - split);
            int at = split;
            assertEquals(want, two.verdict(true), () -> "split at " + at);
        }

        Random random = new Random(Arrays.hashCode(body));
        for (int round = 0; round < 20; round++) {
            BodyScan chunks = scans.get();
            feedInRandomChunks(chunks, body, random);
            assertEquals(want, chunks.verdict(true), "fed in random chunks");
        }
    }

    private static void feedInRandomChunks(BodyScan scan, byte[] body, Random random) {
        int at = 0;
        while (at < body.length) {
            int length = 1 + random.nextInt(body.length - at);
            feed(scan, body, at, length);
            at += length;
        }
    }

    /**
     * Feeds {@code body[from, from + length)} as a connection would: a view into a larger buffer, at an offset
     * that is not zero, so a scan that reads relative to the wrong base fails.
     */
    private static void feed(BodyScan scan, byte[] body, int from, int length) {
        byte[] framed = new byte[length + 7];
        Arrays.fill(framed, (byte) '#');
        System.arraycopy(body, from, framed, 3, length);
        scan.feed(ByteBuffer.wrap(framed), 3, length);
    }

    private static byte[] randomBytes(Random random, int length, String alphabet) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return bytes;
    }
}
