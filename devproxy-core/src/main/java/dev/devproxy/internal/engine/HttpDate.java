package dev.devproxy.internal.engine;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} field value (RFC 9110 section 6.6.1: an origin server with a clock MUST send it), formatted
 * at most once a second per loop. Confined to one loop's thread.
 */
final class HttpDate {
    /** IMF-fixdate, as in {@code Sun, 06 Nov 1994 08:49:37 GMT} (RFC 9110 section 5.6.7): two-digit day. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private long currentSecond = Long.MIN_VALUE;
    private byte[] bytes = new byte[0];

    /** The IMF-fixdate for now, as ASCII bytes; the array is reused until the second changes. */
    byte[] now() {
        long second = System.currentTimeMillis() / 1000;
        if (second != currentSecond) {
            currentSecond = second;
            bytes = IMF_FIXDATE
                    .format(ZonedDateTime.now(ZoneOffset.UTC))
                    .getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }
}
