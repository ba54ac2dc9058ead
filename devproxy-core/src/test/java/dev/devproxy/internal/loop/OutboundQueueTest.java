package dev.devproxy.internal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The outbound queue: one write per flush, nothing rewritten twice, scratch bytes copied only when they must wait. */
class OutboundQueueTest {
    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void everythingQueuedLeavesInOneWrite() throws Exception {
        MemoryTransport transport = new MemoryTransport();
        OutboundQueue queue = new OutboundQueue();
        queue.add(bytes("head "));
        queue.add(bytes("body"));

        queue.flushTo(transport);

        assertEquals("head body", transport.takeOutput());
        assertEquals(1, transport.writeCalls());
        assertTrue(queue.isEmpty());
        assertFalse(queue.isBlocked());
    }

    @Test
    void whatThePeerCannotTakeWaitsAndNoWriteIsTriedUntilItIsWritable() throws Exception {
        MemoryTransport transport = new MemoryTransport();
        transport.limitWrites(3);
        OutboundQueue queue = new OutboundQueue();
        queue.add(bytes("abcdef"));

        queue.flushTo(transport);
        queue.flushTo(transport);

        assertEquals("abc", transport.takeOutput());
        assertEquals(1, transport.writeCalls(), "a blocked queue does not try again before writable");
        transport.unlimitWrites();
        queue.unblock();
        queue.flushTo(transport);
        assertEquals("def", transport.takeOutput());
        assertTrue(queue.isEmpty());
    }

    @Test
    void aTransientBufferIsCopiedOnlyWhenAFlushLeavesPartOfIt() throws Exception {
        MemoryTransport transport = new MemoryTransport();
        transport.limitWrites(2);
        OutboundQueue queue = new OutboundQueue();
        ByteBuffer scratch = bytes("scratch");
        queue.addTransient(scratch);

        queue.flushTo(transport);
        scratch.clear().put(bytes("XXXXXXX")); // the owner reuses its scratch space once the flush returns
        transport.unlimitWrites();
        queue.unblock();
        queue.flushTo(transport);

        assertEquals("scratch", transport.takeOutput(), "the rest was copied aside before the owner overwrote it");
    }

    @Test
    void aTransientBufferQueuedWhileBlockedIsCopiedAtOnce() throws Exception {
        MemoryTransport transport = new MemoryTransport();
        transport.limitWrites(1);
        OutboundQueue queue = new OutboundQueue();
        queue.add(bytes("ab"));
        queue.flushTo(transport);
        ByteBuffer scratch = bytes("cd");

        queue.addTransient(scratch);
        scratch.clear().put(bytes("XX"));
        transport.unlimitWrites();
        queue.unblock();
        queue.flushTo(transport);

        assertEquals("abcd", transport.takeOutput());
    }

    @Test
    void moreBuffersThanTheArrayHoldsAllLeaveInOrder() throws Exception {
        MemoryTransport transport = new MemoryTransport();
        OutboundQueue queue = new OutboundQueue();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            queue.add(bytes(i + ","));
            expected.append(i).append(',');
        }

        queue.flushTo(transport);

        assertEquals(expected.toString(), transport.takeOutput());
    }
}
