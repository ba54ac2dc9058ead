package dev.devproxy.internal.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link ResponseHeads#putDecimal} writes what {@link Long#toString(long)} would, where the buffer's position is. */
class ResponseHeadsTest {
    @Test
    void decimalsMatchLongToStringInHeapAndDirectBuffers() {
        long[] values = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 65_536, 1_000_000, 123_456_789L,
            Integer.MAX_VALUE, 10_000_000_000L, Long.MAX_VALUE / 10, Long.MAX_VALUE};
        for (ByteBuffer buffer : new ByteBuffer[] {ByteBuffer.allocate(64), ByteBuffer.allocateDirect(64)}) {
            for (long value : values) {
                buffer.clear().put((byte) 'x');
                ResponseHeads.putDecimal(buffer, value);
                buffer.put((byte) 'y').flip();
                byte[] written = new byte[buffer.remaining()];
                buffer.get(written);

                assertEquals("x" + value + "y", new String(written, StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void aNumberThatDoesNotFitOverflowsAndWritesNothing() {
        ByteBuffer buffer = ByteBuffer.allocate(4);
        buffer.put((byte) 'x');

        assertThrows(BufferOverflowException.class, () -> ResponseHeads.putDecimal(buffer, 1234));
        assertEquals(1, buffer.position());
    }
}
