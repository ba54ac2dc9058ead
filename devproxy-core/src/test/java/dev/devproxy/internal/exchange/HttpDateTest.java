package dev.devproxy.internal.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpDate} formats as {@code java.time} does: the IMF-fixdate pattern it used before, and what
 * {@link DateTimeFormatter#RFC_1123_DATE_TIME} parses back to the same instant.
 */
class HttpDateTest {
    /** What HttpDate used to format with. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    @Test
    void everyDayFrom1970To2100AtSeveralTimesOfDay() {
        for (long day = 0; day <= LocalDate.of(2100, 12, 31).toEpochDay(); day++) {
            for (int second : new int[] {0, 59, 3_600, 43_199, 86_399}) {
                check(day * 86_400 + second);
            }
        }
    }

    @Test
    void randomInstantsUpToTheYear9999() {
        Random random = new Random(11);
        long last = ZonedDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC).toEpochSecond();
        for (int i = 0; i < 50_000; i++) {
            check(Math.floorMod(random.nextLong(), last + 1));
        }
        check(last);
    }

    @Test
    void leapDaysCenturiesAndSingleDigitDays() {
        for (String date : new String[] {"1994-11-06", "2000-02-29", "2004-02-29", "2024-02-29", "2100-02-28",
            "2100-03-01", "2400-02-29", "1999-12-31", "2000-01-01", "2038-01-19", "2038-01-20", "2026-11-01",
            "2026-11-09", "1970-01-01", "1600-03-01", "0001-01-01"}) {
            long day = LocalDate.parse(date).toEpochDay();
            check(day * 86_400);
            check(day * 86_400 + 86_399);
        }
    }

    @Test
    void theExampleOfRfc9110() {
        byte[] out = new byte[HttpDate.LENGTH];

        HttpDate.format(784_111_777L, out);

        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", new String(out, StandardCharsets.US_ASCII));
    }

    @Test
    void nowIsTheCurrentSecond() {
        long before = System.currentTimeMillis() / 1000;
        String now = new String(new HttpDate().now(), StandardCharsets.US_ASCII);
        long after = System.currentTimeMillis() / 1000;

        long parsed = ZonedDateTime.parse(now, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        assertEquals(true, parsed >= before && parsed <= after, now);
    }

    private static void check(long epochSecond) {
        byte[] out = new byte[HttpDate.LENGTH];
        HttpDate.format(epochSecond, out);
        String formatted = new String(out, StandardCharsets.US_ASCII);
        ZonedDateTime time = Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC);

        assertEquals(IMF_FIXDATE.format(time), formatted, () -> "epoch second " + epochSecond);
        // RFC_1123_DATE_TIME writes a single-digit day without its zero ("Sun, 6 Nov 1994"), which IMF-fixdate
        // forbids; it reads both.
        assertEquals(epochSecond, ZonedDateTime.parse(formatted, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond(),
                formatted);
        String rfc1123 = DateTimeFormatter.RFC_1123_DATE_TIME.format(time);
        String padded = time.getDayOfMonth() < 10 ? rfc1123.substring(0, 5) + "0" + rfc1123.substring(5) : rfc1123;
        assertEquals(padded, formatted);
    }
}
