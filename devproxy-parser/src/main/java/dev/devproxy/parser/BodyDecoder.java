package dev.devproxy.parser;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Reports the body of one message as runs of the caller's buffer, by the {@link BodyKind} its head decided.
 *
 * <p>Each call reports one event and consumes only what it covers, so bytes after the body (a pipelined next
 * message) stay in the buffer. Bodies are never copied.
 */
final class BodyDecoder {
    /** The trailers of every message that was not chunked; never written to (the mutators are package-private). */
    private static final HeaderFields NO_TRAILERS = new HeaderFields();

    private final ParserLimits limits;
    private final boolean bareLfEndsLines;
    /**
     * Made for the first chunked body: most connections never see one, and an idle keep-alive connection keeps
     * its parser, so the decoder and its trailer fields would be held by each of thousands for nothing.
     */
    private @Nullable ChunkedDecoder chunked;
    private final long maxBodySize;

    private BodyKind kind = BodyKind.NONE;
    /** The chunked decoder holds state from a chunked body since its last reset. */
    private boolean chunkedInUse;
    /** For CONTENT_LENGTH: bytes still to come. For UNTIL_CLOSE: bytes received so far. */
    private long count;
    private int bodyOffset;
    private int bodyLength;
    private @Nullable ParseError error;

    /** A decoder whose bodies may hold at most {@code maxBodySize} decoded bytes: its direction's limit. */
    BodyDecoder(ParserLimits limits, long maxBodySize, boolean bareLfEndsLines) {
        this.limits = limits;
        this.bareLfEndsLines = bareLfEndsLines;
        this.maxBodySize = maxBodySize;
    }

    /** Prepares for the body of a message whose head was just parsed. */
    void start(BodyKind bodyKind, long contentLength) {
        kind = bodyKind;
        count = bodyKind == BodyKind.CONTENT_LENGTH ? contentLength : 0;
        error = null;
        // Trailers are reported for chunked bodies only, and forgotten when the next message starts. Most
        // messages are not chunked, so the chunked decoder is reset only when one is, or after one was.
        if (bodyKind == BodyKind.CHUNKED || chunkedInUse) {
            ChunkedDecoder decoder = chunked;
            if (decoder == null) {
                decoder = new ChunkedDecoder(limits, maxBodySize, bareLfEndsLines);
                chunked = decoder;
            }
            decoder.start();
            chunkedInUse = bodyKind == BodyKind.CHUNKED;
        }
    }

    /**
     * Consumes the next run of the body from {@code input}.
     *
     * @return {@link ParseStatus#BODY}, {@link ParseStatus#END} when the body is complete (nothing consumed
     *     unless chunked framing ended it), {@link ParseStatus#NEED_MORE} or {@link ParseStatus#ERROR}
     */
    ParseStatus decode(ByteBuffer input) {
        return switch (kind) {
            case NONE -> ParseStatus.END;
            // RFC 9112 section 6.3, rule 6: exactly Content-Length octets; later bytes are the next message.
            case CONTENT_LENGTH -> count == 0 ? ParseStatus.END : report(input, count);
            case CHUNKED -> decodeChunked(input);
            case UNTIL_CLOSE -> decodeUntilClose(input);
        };
    }

    private ParseStatus decodeChunked(ByteBuffer input) {
        ChunkedDecoder decoder = chunked;
        if (decoder == null) {
            throw new IllegalStateException("a chunked body was not started");
        }
        ParseStatus status = decoder.decode(input);
        if (status == ParseStatus.BODY) {
            bodyOffset = decoder.bodyOffset();
            bodyLength = decoder.bodyLength();
        } else if (status == ParseStatus.ERROR) {
            error = decoder.error();
        }
        return status;
    }

    private ParseStatus decodeUntilClose(ByteBuffer input) {
        // RFC 9112 section 6.3, rule 8: every byte until the close is body. Bytes up to the limit are reported
        // first, so where the error falls does not depend on how the input was split.
        if (input.hasRemaining() && count == maxBodySize) {
            error = ParseError.BODY_TOO_LARGE;
            return ParseStatus.ERROR;
        }
        return report(input, maxBodySize - count);
    }

    /** Reports up to {@code most} available bytes as BODY, or NEED_MORE when none are available. */
    private ParseStatus report(ByteBuffer input, long most) {
        int available = input.remaining();
        if (available == 0) {
            return ParseStatus.NEED_MORE;
        }
        int run = (int) Math.min(most, available);
        bodyOffset = input.position();
        bodyLength = run;
        input.position(bodyOffset + run);
        count += kind == BodyKind.CONTENT_LENGTH ? -run : run;
        return ParseStatus.BODY;
    }

    /** Whether the body is delimited by the end of input, which completes it. */
    boolean endsAtClose() {
        return kind == BodyKind.UNTIL_CLOSE;
    }

    /** Whether every byte of the body has been reported and only END is left to report. */
    boolean isComplete() {
        return kind == BodyKind.NONE || (kind == BodyKind.CONTENT_LENGTH && count == 0);
    }

    int bodyOffset() {
        return bodyOffset;
    }

    int bodyLength() {
        return bodyLength;
    }

    ParseError error() {
        if (error == null) {
            throw new IllegalStateException("no error");
        }
        return error;
    }

    HeaderFields trailers() {
        ChunkedDecoder decoder = chunked;
        return decoder == null ? NO_TRAILERS : decoder.trailers();
    }
}
