package dev.devproxy.internal.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** DER encodings (ITU-T X.690) checked against encodings worked out by hand from the standard. */
class DerTest {
    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @Test
    void objectIdentifiersPackTheFirstTwoArcsAndBase128TheRest() {
        // X.690 section 8.19: 1.2 -> 40 * 1 + 2 = 42 (0x2A); 840 -> 0x86 0x48; 10045 -> 0xCE 0x3D.
        assertArrayEquals(hex("06 07 2A 86 48 CE 3D 02 01"), Der.oid("1.2.840.10045.2.1"));
        assertArrayEquals(hex("06 03 55 1D 11"), Der.oid("2.5.29.17"));
        assertArrayEquals(hex("06 08 2B 06 01 05 05 07 03 01"), Der.oid("1.3.6.1.5.5.7.3.1"));
    }

    @Test
    void lengthsUseTheShortFormBelow128AndTheFewestOctetsAbove() {
        // X.690 section 8.1.3: 127 fits the short form; 128 takes 0x81 0x80; 256 takes 0x82 0x01 0x00.
        assertArrayEquals(hex("04 7F"), java.util.Arrays.copyOf(Der.octetString(new byte[127]), 2));
        assertArrayEquals(hex("04 81 80"), java.util.Arrays.copyOf(Der.octetString(new byte[128]), 3));
        assertArrayEquals(hex("04 82 01 00"), java.util.Arrays.copyOf(Der.octetString(new byte[256]), 4));
    }

    @Test
    void integersAreTwosComplementInTheFewestOctets() {
        // X.690 section 8.3: 128 needs a leading zero octet to stay positive.
        assertArrayEquals(hex("02 01 00"), Der.integer(0));
        assertArrayEquals(hex("02 01 7F"), Der.integer(127));
        assertArrayEquals(hex("02 02 00 80"), Der.integer(128));
        assertArrayEquals(hex("02 01 FF"), Der.integer(BigInteger.valueOf(-1)));
    }

    @Test
    void namedBitStringsDropTrailingZeroBits() {
        // X.690 section 11.2.2; RFC 5280 KeyUsage: digitalSignature is bit 0, keyCertSign 5, cRLSign 6.
        assertArrayEquals(hex("03 02 07 80"), Der.namedBits(0));
        assertArrayEquals(hex("03 02 01 06"), Der.namedBits(5, 6));
    }

    @Test
    void timesAreUtcTimeBefore2050AndGeneralizedTimeFrom2050() {
        // RFC 5280 section 4.1.2.5.
        assertArrayEquals(hex("17 0D") , java.util.Arrays.copyOf(
                Der.time(ZonedDateTime.of(2049, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC)), 2));
        assertArrayEquals("491231235959Z".getBytes(), java.util.Arrays.copyOfRange(
                Der.time(ZonedDateTime.of(2049, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC)), 2, 15));
        assertArrayEquals("20500101000000Z".getBytes(), java.util.Arrays.copyOfRange(
                Der.time(ZonedDateTime.of(2050, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(0))), 2, 17));
    }

    @Test
    void setOfSortsItsElementsByEncoding() {
        // X.690 section 11.6.
        assertArrayEquals(hex("31 06 02 01 01 02 01 02"), Der.setOf(Der.integer(2), Der.integer(1)));
    }

    @Test
    void contentsUnwrapsExactlyOneValue() {
        assertArrayEquals(hex("AB CD"), Der.contents(hex("04 02 AB CD")));
        assertArrayEquals(new byte[200], Der.contents(Der.octetString(new byte[200])));
        assertNull(Der.contents(hex("04 03 AB CD")), "shorter than its length says");
        assertNull(Der.contents(hex("04 01 AB CD")), "bytes after the value");
    }
}
