package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link MessageParser} and {@link MessageHead} give either direction: code written against them reads a
 * request stream and a response stream alike, as a proxy's body relay does.
 */
class MessageParserTest {
    /** Reads every message in {@code wire} with {@code parser}: each head's summary and its body. */
    private static List<String> readAll(MessageParser<?> parser, String wire) {
        ByteBuffer input = ByteBuffer.wrap(Incremental.latin1(wire));
        List<String> messages = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (ParseStatus status; (status = parser.parse(input)) != ParseStatus.NEED_MORE; ) {
            switch (status) {
                case HEAD -> body.setLength(0);
                case BODY -> body.append(new String(input.array(), parser.bodyOffset(), parser.bodyLength(),
                        StandardCharsets.ISO_8859_1));
                case END -> {
                    MessageHead head = parser.head();
                    messages.add(head.version().text() + " " + head.bodyKind() + " keepAlive=" + head.keepAlive()
                            + " head=" + head.headLength() + " fields=" + head.headers().size() + " body=" + body
                            + " trailers=" + parser.trailers().size());
                }
                default -> throw new AssertionError(parser.error());
            }
        }
        return messages;
    }

    @Test
    void oneLoopReadsRequestsAndResponsesAlike() {
        // RFC 9112 §6.3: Content-Length (rule 6) and chunked (rule 4) frame both directions the same way; §7.1.2
        // trailers too.
        String requests = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok"
                + "POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nT: v\r\n\r\n";
        String responses = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nT: v\r\n\r\n";
        assertEquals(List.of(
                "HTTP/1.1 CONTENT_LENGTH keepAlive=true head=48 fields=2 body=ok trailers=0",
                "HTTP/1.1 CHUNKED keepAlive=true head=57 fields=2 body=ok trailers=1"),
                readAll(new RequestParser(), requests));
        assertEquals(List.of(
                "HTTP/1.1 CONTENT_LENGTH keepAlive=true head=38 fields=1 body=ok trailers=0",
                "HTTP/1.1 CHUNKED keepAlive=true head=47 fields=1 body=ok trailers=1"),
                readAll(new ResponseParser(), responses));
    }

    @Test
    void theHeadOfEachDirectionIsItsOwnKind() {
        MessageParser<?> requests = new RequestParser();
        MessageParser<?> responses = new ResponseParser();
        requests.parse(ByteBuffer.wrap(Incremental.latin1("GET / HTTP/1.1\r\nHost: h\r\n\r\n")));
        responses.parse(ByteBuffer.wrap(Incremental.latin1("HTTP/1.0 204 No Content\r\n\r\n")));
        assertEquals("GET / HTTP/1.1", assertInstanceOf(RequestHead.class, requests.head()).toString());
        ResponseHead response = assertInstanceOf(ResponseHead.class, responses.head());
        // RFC 9112 §9.3: HTTP/1.0 does not persist without keep-alive.
        assertEquals(false, response.keepAlive());
        assertEquals(204, response.status());
    }

    @Test
    void noHeadIsThereBeforeTheFirstOneInEitherDirection() {
        assertThrows(IllegalStateException.class, () -> new RequestParser().head());
        assertThrows(IllegalStateException.class, () -> new ResponseParser().head());
    }

    @Test
    void aResponseParserAlsoSaysWhenItIsPartWayThroughAHead() {
        ResponseParser parser = new ResponseParser();
        parser.parse(ByteBuffer.wrap(Incremental.latin1("HTTP/1.1 200 OK\r\nX: ")));
        assertEquals(true, parser.isReadingHead());
    }
}
