package dev.devproxy.internal.exchange;

import dev.devproxy.RecordedResponse;
import dev.devproxy.parser.BodyKind;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.ParserConfig;
import dev.devproxy.parser.ParserLimits;
import dev.devproxy.parser.ResponseHead;
import dev.devproxy.parser.ResponseParser;
import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Copies the bytes of one response as they are handed to the client connection, up to a cap, and turns them
 * into a {@link RecordedResponse} when asked. One capture point for every kind of response (echo, stubs,
 * errors, forwards): what the client was sent is what is kept. The bytes are parsed back only when a
 * snapshot is made, with the project's own response parser, and the body is decoded from its framing.
 * Made only when something asked for copies: it allocates per response.
 */
public final class ResponseCapture {
    /** Room for the head on top of the body cap: the head the client got is kept whole up to this size. */
    static final int HEAD_ROOM = 64 * 1024;

    private final int maxBodyBytes;
    private final int maxBytes;
    private final boolean toHeadRequest;
    private byte[] bytes = new byte[0];
    private int kept;
    private long seen;

    /**
     * @param maxBodyBytes the most decoded body bytes kept
     * @param toHeadRequest whether the response answers a HEAD request, so has no body
     */
    public ResponseCapture(int maxBodyBytes, boolean toHeadRequest) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE - 8, (long) maxBodyBytes + HEAD_ROOM);
        this.toHeadRequest = toHeadRequest;
    }

    /** Response bytes {@code [position, limit)} of {@code buffer} are sent; copied up to the cap, not consumed. */
    public void add(ByteBuffer buffer) {
        int length = buffer.remaining();
        seen += length;
        int keep = Math.min(length, maxBytes - kept);
        if (keep <= 0) {
            return;
        }
        if (bytes.length < kept + keep) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes, Math.max(2L * bytes.length, (long) kept + keep)));
        }
        buffer.get(buffer.position(), bytes, kept, keep);
        kept += keep;
    }

    /** Whether any byte was sent. */
    public boolean started() {
        return seen > 0;
    }

    /** The response as sent so far, or null when not even its head is there (or it is not HTTP). */
    public @Nullable RecordedResponse toResponse() {
        ResponseParser parser = new ResponseParser(ParserConfig.defaults().withLimits(ParserLimits.defaults()
                .withMaxResponseBodySize(Long.MAX_VALUE).withMaxHeaderSectionSize(HEAD_ROOM)
                .withMaxHeaderLineLength(HEAD_ROOM)));
        parser.expectResponseToHead(toHeadRequest);
        ByteBuffer input = ByteBuffer.wrap(bytes, 0, kept);
        ResponseHead head = null;
        byte[] body = new byte[Math.min(maxBodyBytes, kept)];
        int bodyKept = 0;
        long decoded = 0;
        boolean ended = false;
        while (!ended) {
            ParseStatus status = parser.parse(input);
            switch (status) {
                case HEAD -> {
                    if (parser.head().status() < 200) {
                        head = null; // an interim response: the final one follows
                    } else {
                        head = parser.head();
                    }
                }
                case BODY -> {
                    int length = parser.bodyLength();
                    decoded += length;
                    int keep = Math.min(length, body.length - bodyKept);
                    if (keep > 0) {
                        input.get(parser.bodyOffset(), body, bodyKept, keep);
                        bodyKept += keep;
                    }
                }
                case END -> {
                    if (head != null) {
                        ended = true;
                    }
                }
                case NEED_MORE, ERROR -> {
                    if (head == null) {
                        return null;
                    }
                    return response(head, body, bodyKept, head.bodyKind() == BodyKind.CONTENT_LENGTH
                            ? head.contentLength() : -1);
                }
            }
        }
        return response(head, body, bodyKept, decoded);
    }

    private static RecordedResponse response(ResponseHead head, byte[] body, int bodyKept, long bodyLength) {
        HeaderFields fields = head.headers();
        List<Map.Entry<String, String>> headers = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            headers.add(new AbstractMap.SimpleImmutableEntry<>(fields.name(i), fields.value(i)));
        }
        return new RecordedResponse(head.status(), head.reason(), headers, Arrays.copyOf(body, bodyKept),
                bodyLength);
    }
}
