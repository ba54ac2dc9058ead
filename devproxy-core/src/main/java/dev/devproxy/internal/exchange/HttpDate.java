package dev.devproxy.internal.exchange;

import java.nio.charset.StandardCharsets;

/**
 * The {@code Date} field value (RFC 9110 section 6.6.1: an origin server with a clock MUST send it), formatted
 * at most once a second per loop. Confined to one loop's thread.
 *
 * <p>Formatted by hand rather than with {@code DateTimeFormatter}: the formatter's first use loads and
 * initialises {@code java.time}'s text and locale providers, about 30 ms of a fresh JVM's first response.
 */
public final class HttpDate {
    /** {@code Sun, 06 Nov 1994 08:49:37 GMT}: IMF-fixdate is always 29 characters. */
    public static final int LENGTH = 29;
    private static final byte[] DAYS = "SunMonTueWedThuFriSat".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec".getBytes(StandardCharsets.US_ASCII);
    private static final long SECONDS_PER_DAY = 86_400;

    private long currentSecond = Long.MIN_VALUE;
    /** Rewritten in place when the second changes: every caller copies it into a response at once. */
    private final byte[] bytes = new byte[LENGTH];

    /** The IMF-fixdate for now, as ASCII bytes; the array is reused, and rewritten when the second changes. */
    public byte[] now() {
        long second = Math.floorDiv(System.currentTimeMillis(), 1000);
        if (second != currentSecond) {
            currentSecond = second;
            format(second, bytes);
        }
        return bytes;
    }

    /**
     * Writes the IMF-fixdate of {@code epochSecond} (RFC 9110 section 5.6.7) into {@code out[0, 29)}, as in
     * {@code Sun, 06 Nov 1994 08:49:37 GMT}. For the years 0 to 9999, which a clock gives.
     */
    public static void format(long epochSecond, byte[] out) {
        long days = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        int dayOfWeek = Math.floorMod(days + 4, 7); // 1970-01-01 was a Thursday; 0 is Sunday

        // Days to civil date in the proleptic Gregorian calendar (H. Hinnant, "chrono-Compatible Low-Level Date
        // Algorithms", civil_from_days): count from 0000-03-01 so that the leap day ends each 400-year era.
        long shifted = days + 719_468;
        long era = Math.floorDiv(shifted, 146_097);
        int dayOfEra = (int) (shifted - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int shiftedMonth = (5 * dayOfYear + 2) / 153; // 0 is March
        int day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        System.arraycopy(DAYS, 3 * dayOfWeek, out, 0, 3);
        out[3] = ',';
        out[4] = ' ';
        twoDigits(out, 5, day);
        out[7] = ' ';
        System.arraycopy(MONTHS, 3 * (month - 1), out, 8, 3);
        out[11] = ' ';
        twoDigits(out, 12, (int) (year / 100));
        twoDigits(out, 14, (int) (year % 100));
        out[16] = ' ';
        twoDigits(out, 17, secondOfDay / 3_600);
        out[19] = ':';
        twoDigits(out, 20, secondOfDay / 60 % 60);
        out[22] = ':';
        twoDigits(out, 23, secondOfDay % 60);
        out[25] = ' ';
        out[26] = 'G';
        out[27] = 'M';
        out[28] = 'T';
    }

    private static void twoDigits(byte[] out, int at, int value) {
        out[at] = (byte) ('0' + value / 10);
        out[at + 1] = (byte) ('0' + value % 10);
    }
}
