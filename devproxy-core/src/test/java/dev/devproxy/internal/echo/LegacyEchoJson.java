package dev.devproxy.internal.echo;

import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.RequestHead;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Echo's JSON as it was written before {@link EchoJson}: from a {@code String} per field, through a
 * {@code StringBuilder}-like writer that encodes each character, with the body decoded by the JDK's UTF-8
 * decoder. Kept as the reference the byte-level writer must match exactly; its code is the old
 * {@code EchoExchange} and {@code JsonWriter}, unchanged but for names.
 */
final class LegacyEchoJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final Writer json;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    /** The members added after remoteAddress with the target forms, taken while the head is valid. */
    private final String targetForm;
    private final @Nullable String authority;

    /** Writes the head's part at once, as the old exchange did when the head arrived. */
    LegacyEchoJson(RequestHead head) {
        json = new Writer(256 + 3 * head.headLength());
        targetForm = head.targetForm().name().toLowerCase(java.util.Locale.ROOT);
        authority = head.authority();
        json.raw("{").name("method").string(head.method())
                .raw(",").name("target").string(head.target())
                .raw(",").name("path").string(head.path())
                .raw(",").name("query").string(head.query())
                .raw(",").name("version").string(head.version().text())
                .raw(",").name("headers").raw("[");
        HeaderFields headers = head.headers();
        for (int i = 0; i < headers.size(); i++) {
            json.raw(i == 0 ? "[" : ",[").string(headers.name(i)).raw(",").string(headers.value(i)).raw("]");
        }
        json.raw("]");
    }

    void addBody(ByteBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.get(offset, bytes);
        body.writeBytes(bytes);
    }

    byte[] finish(String remoteAddress) {
        byte[] all = body.toByteArray();
        json.raw(",").name("bodyLength").number(all.length)
                .raw(",").name("bodySha256").string(sha256Hex(all))
                .raw(",").name("body").string(text(all))
                .raw(",").name("remoteAddress").string(remoteAddress)
                .raw(",").name("targetForm").string(targetForm)
                .raw(",").name("authority").string(authority)
                .raw("}");
        return java.util.Arrays.copyOf(json.bytes, json.length);
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static @Nullable String text(byte[] bytes) {
        if (bytes.length > EchoBody.MAX_TEXT_BYTES) {
            return null;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The old {@code JsonWriter}, verbatim but for its name. */
    static final class Writer {
        private byte[] bytes;
        private int length;

        Writer(int initialCapacity) {
            bytes = new byte[Math.max(16, initialCapacity)];
        }

        Writer raw(String ascii) {
            ensure(ascii.length());
            for (int i = 0; i < ascii.length(); i++) {
                bytes[length++] = (byte) ascii.charAt(i);
            }
            return this;
        }

        Writer name(String name) {
            string(name);
            return raw(":");
        }

        Writer number(long value) {
            return raw(Long.toString(value));
        }

        Writer string(@Nullable String value) {
            if (value == null) {
                return raw("null");
            }
            ensure(value.length() * 3 + 2);
            bytes[length++] = '"';
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '"' || c == '\\') {
                    ensure(2 + value.length() * 3);
                    bytes[length++] = '\\';
                    bytes[length++] = (byte) c;
                } else if (c < 0x20 || c == 0x7F) {
                    escapeControl(c, value.length() - i);
                } else if (c < 0x80) {
                    bytes[length++] = (byte) c;
                } else {
                    i = encodeNonAscii(value, i);
                }
            }
            ensure(1);
            bytes[length++] = '"';
            return this;
        }

        private void escapeControl(char c, int charsLeft) {
            ensure(6 + charsLeft * 3);
            bytes[length++] = '\\';
            switch (c) {
                case '\n' -> bytes[length++] = 'n';
                case '\r' -> bytes[length++] = 'r';
                case '\t' -> bytes[length++] = 't';
                case '\b' -> bytes[length++] = 'b';
                case '\f' -> bytes[length++] = 'f';
                default -> {
                    bytes[length++] = 'u';
                    bytes[length++] = '0';
                    bytes[length++] = '0';
                    bytes[length++] = HEX[c >> 4];
                    bytes[length++] = HEX[c & 0xF];
                }
            }
        }

        private int encodeNonAscii(String value, int i) {
            ensure(4 + (value.length() - i) * 3);
            char c = value.charAt(i);
            if (c < 0x800) {
                bytes[length++] = (byte) (0xC0 | (c >> 6));
                bytes[length++] = (byte) (0x80 | (c & 0x3F));
                return i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(i + 1));
                bytes[length++] = (byte) (0xF0 | (cp >> 18));
                bytes[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[length++] = (byte) (0x80 | (cp & 0x3F));
                return i + 1;
            }
            if (Character.isSurrogate(c)) {
                c = '\uFFFD';
            }
            bytes[length++] = (byte) (0xE0 | (c >> 12));
            bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (c & 0x3F));
            return i;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                byte[] grown = new byte[Math.max(bytes.length * 2, length + more)];
                System.arraycopy(bytes, 0, grown, 0, length);
                bytes = grown;
            }
        }
    }
}
