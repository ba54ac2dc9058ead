package dev.devproxy.internal.engine;

import java.nio.ByteBuffer;

/** The framing around one chunk of a chunked body (RFC 9112 section 7.1): {@code size-in-hex CRLF data CRLF}. */
final class ChunkFraming {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final ByteBuffer CRLF = ByteBuffer.wrap(new byte[] {'\r', '\n'}).asReadOnlyBuffer();

    /** Reused for every chunk of one exchange: the exchange writes one chunk at a time and waits for it. */
    private final ByteBuffer sizeLine = ByteBuffer.allocate(18);

    /** The size line for a chunk of {@code length} bytes, ready to write. */
    ByteBuffer sizeLine(int length) {
        sizeLine.clear();
        int digits = (32 - Integer.numberOfLeadingZeros(length) + 3) / 4;
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sizeLine.put(HEX[(length >>> shift) & 0xF]);
        }
        sizeLine.put((byte) '\r').put((byte) '\n');
        return sizeLine.flip();
    }

    /** The CRLF after a chunk's data, ready to write (a fresh view each time). */
    static ByteBuffer crlf() {
        return CRLF.duplicate();
    }
}
