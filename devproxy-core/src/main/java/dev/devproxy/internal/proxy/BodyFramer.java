package dev.devproxy.internal.proxy;

import dev.devproxy.internal.exchange.BodySink;
import dev.devproxy.parser.BodyKind;
import dev.devproxy.parser.HeaderFields;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Frames a body on its way out, for both directions of a forward (RFC 9112 section 6): bytes as they are for a
 * Content-Length or close-delimited body, and chunks (section 7.1: {@code size-in-hex CRLF data CRLF}, then the
 * last chunk with the trailers) for a chunked one. One per direction per exchange; loop thread only.
 *
 * <p>The size line is one buffer reused for every chunk: the relays flush each chunk before framing the next,
 * and frame none while the sink is blocked, so a queued size line is never overwritten. Each relay keeps one
 * framer for the life of its client connection and resets it per message: no allocation per request.
 */
final class BodyFramer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuffer CRLF = ByteBuffer.wrap(new byte[] {'\r', '\n'}).asReadOnlyBuffer();

    private boolean chunked;
    /** Made on the first chunk: most bodies are not chunked. */
    private ByteBuffer sizeLine = CRLF; // a placeholder until then, never written as a size line

    /** Frames the next body as {@code framing}: CHUNKED frames chunks, anything else passes bytes through. */
    void reset(BodyKind framing) {
        this.chunked = framing == BodyKind.CHUNKED;
    }

    /** Queues {@code data} (a view the sink keeps until drained), framed. */
    void data(BodySink out, ByteBuffer data) {
        if (!chunked) {
            out.send(data);
            return;
        }
        out.send(sizeLine(data.remaining()));
        out.send(data);
        out.send(CRLF.duplicate());
    }

    /** Queues the end of the body: the last chunk and {@code trailers} when chunked, nothing otherwise. */
    void end(BodySink out, HeaderFields trailers) {
        if (chunked) {
            out.send(ProxyHeaders.lastChunk(trailers));
        }
    }

    private ByteBuffer sizeLine(int length) {
        ByteBuffer line = sizeLine;
        if (line == CRLF) {
            line = ByteBuffer.allocate(18);
            sizeLine = line;
        }
        line.clear();
        int digits = (32 - Integer.numberOfLeadingZeros(length) + 3) / 4;
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            line.put(HEX[(length >>> shift) & 0xF]);
        }
        line.put((byte) '\r').put((byte) '\n');
        return line.flip();
    }
}
