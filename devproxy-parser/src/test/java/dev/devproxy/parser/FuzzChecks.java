package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The checks every fuzz target runs on an input: the parser reports the same {@link Transcript} however the
 * bytes are split, its errors carry a status a server may answer with, and a parser that is stricter (smaller
 * limits, no leniency) agrees with a looser one on everything before its own error.
 *
 * <p>A Jazzer input can be anything up to 4 KiB, so a check must stay linear in its length: the bytes are fed
 * whole, one at a time, and in three seeded random splits (not at every split point, as {@link Incremental}
 * does for the table cases). An exception escaping a parser, or a parser that keeps reporting events without
 * consuming input, fails the check like any other difference; the progress guard in
 * {@link Incremental#feed} is what turns a livelock into a finding instead of a hang.
 */
final class FuzzChecks {
    /** Statuses a {@link ParseError} may carry: what a server answers a bad request with. */
    private static final Set<Integer> ERROR_STATUSES = Set.of(400, 413, 414, 431, 501, 505);

    /**
     * Limits far below the defaults, so that a fuzz input of a few hundred bytes reaches every one of them.
     * Each is below its default, which is what makes "the stricter parser agrees up to its error" hold.
     */
    static final ParserLimits SMALL_LIMITS = new ParserLimits(40, 64, 6, 160, 300, 32);

    private static final int RANDOM_SPLITS = 3;

    private FuzzChecks() {
    }

    /**
     * Feeds {@code input} to fresh drivers whole, byte by byte (from a direct buffer) and in random splits,
     * and returns the common transcript.
     */
    static Transcript sameInEverySplit(byte[] input, Supplier<Incremental.Driver> drivers) {
        Transcript whole = Incremental.feed(input, new int[] {input.length}, false, 0, drivers.get());
        assertErrorStatus(whole);
        int[] ones = new int[input.length];
        Arrays.fill(ones, 1);
        assertSame(whole, Incremental.feed(input, ones, true, 1, drivers.get()), "byte by byte");
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(input));
        for (int round = 0; round < RANDOM_SPLITS; round++) {
            int[] pieces = randomPieces(input.length, random);
            boolean direct = random.nextBoolean();
            assertSame(whole, Incremental.feed(input, pieces, direct, random.nextInt(4), drivers.get()),
                    "in pieces " + Arrays.toString(pieces) + (direct ? " (direct)" : " (heap)"));
        }
        return whole;
    }

    /**
     * Asserts that {@code stricter}, the transcript of a parser that accepts less, is {@code looser} cut short:
     * equal when {@code stricter} has no error, else equal up to its error. The last body run before the error
     * may be shorter, since the stricter parser stopped inside it.
     */
    static void agreesUpToItsError(Transcript stricter, Transcript looser, String how) {
        List<Transcript.Event> strict = stricter.events();
        List<Transcript.Event> loose = looser.events();
        if (stricter.error() == null) {
            assertEquals(looser, stricter, () -> how + " accepted the input but reported differently");
            return;
        }
        int before = strict.size() - 1; // the events before the error
        assertTrue(loose.size() >= before, () -> how + " stopped earlier than the error:" + stricter + "\nvs" + looser);
        for (int i = 0; i < before; i++) {
            Transcript.Event mine = strict.get(i);
            Transcript.Event theirs = loose.get(i);
            boolean lastBodyRun = i == before - 1 && mine instanceof Transcript.Body shortRun
                    && theirs instanceof Transcript.Body longRun && longRun.bytes().startsWith(shortRun.bytes());
            if (!mine.equals(theirs) && !lastBodyRun) {
                fail(how + " differs at event " + i + " before its error:" + stricter + "\nvs" + looser);
            }
        }
    }

    private static void assertErrorStatus(Transcript transcript) {
        ParseError error = transcript.error();
        if (error != null && !ERROR_STATUSES.contains(error.status())) {
            fail(error + " carries status " + error.status() + ", which is not a client-error answer");
        }
    }

    private static void assertSame(Transcript expected, Transcript actual, String how) {
        assertEquals(expected, actual, () -> "fed " + how + ", the transcript differs from the whole feed's");
    }

    /** Mostly tiny pieces, sometimes larger ones, so splits land inside every kind of token. */
    private static int[] randomPieces(int length, SplittableRandom random) {
        int[] pieces = new int[length];
        int count = 0;
        for (int left = length; left > 0; ) {
            int piece = Math.min(left, random.nextInt(4) == 0 ? 1 + random.nextInt(64) : 1 + random.nextInt(4));
            pieces[count++] = piece;
            left -= piece;
        }
        return Arrays.copyOf(pieces, count);
    }
}
