package dev.devproxy.internal.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * The few DER encodings (ITU-T X.690) an X.509 certificate needs, each returning its complete encoding:
 * identifier, definite length, contents. Values compose by nesting calls, so a certificate reads like its ASN.1
 * (RFC 5280 section 4.1). Not a general ASN.1 library: only what {@link CertificateMaker} writes.
 */
final class Der {
    static final int BOOLEAN = 0x01;
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int UTF8_STRING = 0x0C;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private static final DateTimeFormatter UTC_TIME_FORMAT = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    /** A value with {@code tag} and {@code contents}, its length in the definite form (X.690 section 8.1.3). */
    static byte[] tagged(int tag, byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
        out.write(tag);
        int length = contents.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int octets = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | octets);
            for (int shift = (octets - 1) * 8; shift >= 0; shift -= 8) {
                out.write(length >>> shift);
            }
        }
        out.writeBytes(contents);
        return out.toByteArray();
    }

    /** The values one after another: the contents of a SEQUENCE or an explicit tag. */
    static byte[] concat(byte[]... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] value : values) {
            out.writeBytes(value);
        }
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... values) {
        return tagged(SEQUENCE, concat(values));
    }

    /** A SET OF; DER orders its elements by their encodings (X.690 section 11.6). */
    static byte[] setOf(byte[]... values) {
        byte[][] sorted = values.clone();
        Arrays.sort(sorted, Arrays::compareUnsigned);
        return tagged(SET, concat(sorted));
    }

    /** A context-specific, constructed tag around {@code value}: {@code [number] EXPLICIT}. */
    static byte[] explicit(int number, byte[] value) {
        return tagged(0xA0 | number, value);
    }

    /** A context-specific, primitive tag in place of the value's own: {@code [number] IMPLICIT} on a primitive. */
    static byte[] implicitPrimitive(int number, byte[] contents) {
        return tagged(0x80 | number, contents);
    }

    /** Two's complement, in the fewest octets (X.690 section 8.3), which BigInteger gives. */
    static byte[] integer(BigInteger value) {
        return tagged(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return tagged(BOOLEAN, new byte[] {(byte) (value ? 0xFF : 0x00)});
    }

    static byte[] octetString(byte[] contents) {
        return tagged(OCTET_STRING, contents);
    }

    /** A BIT STRING of whole octets: no unused bits. */
    static byte[] bitString(byte[] bits) {
        byte[] contents = new byte[bits.length + 1];
        System.arraycopy(bits, 0, contents, 1, bits.length);
        return tagged(BIT_STRING, contents);
    }

    /**
     * A BIT STRING of named bits, such as KeyUsage (RFC 5280 section 4.2.1.3): bit 0 is the most significant bit
     * of the first octet, and DER drops trailing zero bits (X.690 section 11.2.2).
     */
    static byte[] namedBits(int... bitNumbers) {
        int highest = Arrays.stream(bitNumbers).max().orElseThrow();
        byte[] bits = new byte[highest / 8 + 1];
        for (int bit : bitNumbers) {
            bits[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        int unused = 7 - highest % 8;
        byte[] contents = new byte[bits.length + 1];
        contents[0] = (byte) unused;
        System.arraycopy(bits, 0, contents, 1, bits.length);
        return tagged(BIT_STRING, contents);
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    static byte[] utf8String(String text) {
        return tagged(UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An OBJECT IDENTIFIER from its dotted form (X.690 section 8.19). */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            writeBase128(out, Long.parseLong(arcs[i]));
        }
        return tagged(OBJECT_IDENTIFIER, out.toByteArray());
    }

    private static void writeBase128(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int group = groups - 1; group >= 0; group--) {
            int septet = (int) ((value >>> (7 * group)) & 0x7F);
            out.write(group == 0 ? septet : septet | 0x80);
        }
    }

    /**
     * The contents of a single DER value that fills {@code encoded}, or null when it is not one (a reader for
     * the one place a value is unwrapped: an extension's OCTET STRING).
     */
    static byte @org.jspecify.annotations.Nullable [] contents(byte @org.jspecify.annotations.Nullable [] encoded) {
        if (encoded == null || encoded.length < 2) {
            return null;
        }
        int first = encoded[1] & 0xFF;
        int offset = 2;
        int length = first;
        if (first >= 0x80) {
            int octets = first & 0x7F;
            if (octets == 0 || octets > 3 || encoded.length < 2 + octets) {
                return null;
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (encoded[2 + i] & 0xFF);
            }
            offset += octets;
        }
        if (offset + length != encoded.length) {
            return null;
        }
        return Arrays.copyOfRange(encoded, offset, encoded.length);
    }

    /** RFC 5280 section 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both in UTC to the second. */
    static byte[] time(ZonedDateTime time) {
        ZonedDateTime utc = time.withZoneSameInstant(ZoneOffset.UTC).withNano(0);
        if (utc.getYear() >= 1950 && utc.getYear() < 2050) {
            return tagged(UTC_TIME, UTC_TIME_FORMAT.format(utc).getBytes(StandardCharsets.US_ASCII));
        }
        return tagged(GENERALIZED_TIME, GENERALIZED_TIME_FORMAT.format(utc).getBytes(StandardCharsets.US_ASCII));
    }
}
