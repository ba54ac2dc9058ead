package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The contracts of the public classes beyond what the grammar tables cover. */
class ParserApiTest {

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RequestHead parseHead(String request) {
        RequestParser parser = new RequestParser();
        assertEquals(ParseStatus.HEAD, parser.parse(bytes(request)));
        return parser.head();
    }

    static Stream<String> registeredMethods() {
        return Stream.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registeredMethods")
    void registeredMethodIsASharedConstant(String method) {
        RequestHead head = parseHead(method + " / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertSame(method, head.method());
    }

    @Test
    void connectIsASharedConstantToo() {
        assertSame("CONNECT", parseHead("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n").method());
    }

    @Test
    void extensionMethodIsAFreshStringEachCall() {
        RequestHead head = parseHead("PURGE / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals("PURGE", head.method());
        assertNotSame(head.method(), head.method());
    }

    @Test
    void methodIsComparesCaseSensitively() {
        RequestHead head = parseHead("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertAll(
                () -> assertTrue(head.methodIs("GET")),
                () -> assertFalse(head.methodIs("get")),
                () -> assertFalse(head.methodIs("GE")),
                () -> assertFalse(head.methodIs("GETS")));
    }

    @Test
    void targetCanBeCopiedWithoutMakingAString() {
        RequestHead head = parseHead("GET /a/b?c HTTP/1.1\r\nHost: h\r\n\r\n");
        ByteBuffer copy = ByteBuffer.allocate(head.targetLength());
        head.putTarget(copy);
        assertEquals(6, head.targetLength());
        assertEquals("/a/b?c", new String(copy.array(), StandardCharsets.ISO_8859_1));
        assertEquals("GET /a/b?c HTTP/1.1", head.toString());
    }

    @Test
    void headerFieldsAnswerByIndexAndByCaseInsensitiveName() {
        HeaderFields fields = parseHead("GET / HTTP/1.1\r\nHost: h\r\nX-Multi: 1\r\nx-multi:  2 \r\n"
                + "Connection: keep-alive,Upgrade , ,\r\nX-Obs: caf\u00e9\r\n\r\n").headers();
        assertAll(
                () -> assertEquals(5, fields.size()),
                () -> assertEquals("x-multi", fields.name(2)),
                () -> assertEquals("2", fields.value(2)),
                () -> assertTrue(fields.nameEquals(1, "x-MULTI")),
                () -> assertFalse(fields.nameEquals(1, "X-Mult")),
                () -> assertFalse(fields.nameEquals(4, "X-Ob\u00e9")),
                () -> assertEquals(1, fields.indexOf("X-MULTI", 0)),
                () -> assertEquals(2, fields.indexOf("X-MULTI", 2)),
                () -> assertEquals(-1, fields.indexOf("X-MULTI", 3)),
                () -> assertTrue(fields.contains("connection")),
                () -> assertFalse(fields.contains("Cookie")),
                () -> assertEquals("1", fields.get("x-multi")),
                () -> assertNull(fields.get("Cookie")),
                () -> assertEquals(List.of("1", "2"), fields.getAll("X-Multi")),
                () -> assertEquals(List.of(), fields.getAll("Cookie")),
                () -> assertEquals("caf\u00e9", fields.value(4)),
                () -> assertEquals(7, fields.nameLength(1)),
                () -> assertEquals(4, fields.valueLength(4), "caf\u00e9 is four bytes in ISO-8859-1"));
    }

    @Test
    void valueHasTokenReadsACommaSeparatedList() {
        HeaderFields fields = parseHead("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive,Upgrade , ,\r\n\r\n").headers();
        assertAll(
                () -> assertTrue(fields.valueHasToken(1, "keep-alive")),
                () -> assertTrue(fields.valueHasToken(1, "upgrade")),
                () -> assertFalse(fields.valueHasToken(1, "keep")),
                () -> assertFalse(fields.valueHasToken(1, "grade")),
                () -> assertFalse(fields.valueHasToken(1, "close")));
    }

    @Test
    void headerFieldsCanBeCopiedWithoutMakingStrings() {
        HeaderFields fields = parseHead("GET / HTTP/1.1\r\nHost:   example.com  \r\n\r\n").headers();
        ByteBuffer copy = ByteBuffer.allocate(64);
        fields.putName(0, copy);
        copy.put((byte) '=');
        fields.putValue(0, copy);
        assertEquals("Host=example.com", new String(copy.array(), 0, copy.position(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void headerFieldIndexOutOfRangeThrows() {
        HeaderFields fields = parseHead("GET / HTTP/1.1\r\nHost: h\r\n\r\n").headers();
        assertThrows(IndexOutOfBoundsException.class, () -> fields.name(1));
        assertThrows(IndexOutOfBoundsException.class, () -> fields.value(-1));
    }

    @Test
    void headStaysValidUntilTheNextHeadIsReported() {
        RequestParser parser = new RequestParser();
        ByteBuffer first = bytes("GET /first HTTP/1.1\r\nHost: one\r\n\r\nGET /second HTTP/1.1\r\nHo");
        assertEquals(ParseStatus.HEAD, parser.parse(first));
        RequestHead head = parser.head();
        assertEquals(ParseStatus.END, parser.parse(first));
        assertEquals(ParseStatus.NEED_MORE, parser.parse(first));
        // Part of the next head is in the parser now; the first head must be untouched by it.
        assertEquals("/first", head.target());
        assertEquals("one", head.headers().get("Host"));

        assertEquals(ParseStatus.HEAD, parser.parse(bytes("st: two\r\n\r\n")));
        assertEquals("/second", parser.head().target());
        assertEquals("two", parser.head().headers().get("Host"));
    }

    @Test
    void bytesAfterTheHeadStayInTheBuffer() {
        String head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n";
        ByteBuffer input = bytes(head + "abcGET");
        RequestParser parser = new RequestParser();
        assertEquals(ParseStatus.HEAD, parser.parse(input));
        assertEquals(head.length(), input.position());
        assertEquals(head.length(), parser.head().headLength());
        assertEquals(ParseStatus.BODY, parser.parse(input));
        assertEquals(ParseStatus.END, parser.parse(input));
        assertEquals(head.length() + 3, input.position(), "the next request's bytes are left for the next call");
    }

    @Test
    void bodyOffsetIsAnAbsoluteIndexIntoTheBufferGiven() {
        byte[] array = "junkPOST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer input = ByteBuffer.wrap(array, 4, array.length - 4);
        RequestParser parser = new RequestParser();
        assertEquals(ParseStatus.HEAD, parser.parse(input));
        assertEquals(ParseStatus.BODY, parser.parse(input));
        assertEquals(array.length - 3, parser.bodyOffset());
        assertEquals(3, parser.bodyLength());
        assertEquals(array.length, input.position());
        assertEquals(array.length, input.limit(), "the limit is left alone");
    }

    @Test
    void failedParserStaysFailedUntilReset() {
        RequestParser parser = new RequestParser();
        assertEquals(ParseStatus.ERROR, parser.parse(bytes("GET / HTTP/1.1\r\nHost : h\r\n\r\n")));
        assertEquals(ParseStatus.ERROR, parser.parse(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n")));
        assertEquals(ParseStatus.ERROR, parser.endOfInput());
        assertEquals(ParseError.WHITESPACE_BEFORE_COLON, parser.error());

        parser.reset();
        assertThrows(IllegalStateException.class, parser::error);
        assertThrows(IllegalStateException.class, parser::head);
        assertEquals(ParseStatus.HEAD, parser.parse(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n")));
    }

    @Test
    void headAndErrorBeforeTheirEventsThrow() {
        RequestParser requests = new RequestParser();
        ResponseParser responses = new ResponseParser();
        assertAll(
                () -> assertThrows(IllegalStateException.class, requests::head),
                () -> assertThrows(IllegalStateException.class, requests::error),
                () -> assertThrows(IllegalStateException.class, responses::head),
                () -> assertThrows(IllegalStateException.class, responses::error));
    }

    @Test
    void idleAndReadingHeadFollowTheStream() {
        RequestParser parser = new RequestParser();
        assertTrue(parser.isIdle());
        assertEquals(ParseStatus.NEED_MORE, parser.parse(bytes("\r\n")));
        assertTrue(parser.isIdle(), "an empty line before a request is not part of it");
        assertEquals(ParseStatus.NEED_MORE, parser.parse(bytes("\r")));
        assertFalse(parser.isIdle(), "half an empty line might be a bare CR");
        assertEquals(ParseStatus.NEED_MORE, parser.parse(bytes("\nG")));
        assertFalse(parser.isIdle());
        assertTrue(parser.isReadingHead());
        ByteBuffer rest = bytes("ET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx");
        assertEquals(ParseStatus.HEAD, parser.parse(rest));
        assertFalse(parser.isIdle());
        assertFalse(parser.isReadingHead());
        assertEquals(ParseStatus.BODY, parser.parse(rest));
        assertEquals(ParseStatus.END, parser.parse(rest));
        assertTrue(parser.isIdle());
    }

    @Test
    void endOfInputBetweenRequestsIsACleanClose() {
        RequestParser parser = new RequestParser();
        assertEquals(ParseStatus.NEED_MORE, parser.endOfInput());
        assertEquals(ParseStatus.NEED_MORE, parser.parse(bytes("\r\n")));
        assertEquals(ParseStatus.NEED_MORE, parser.endOfInput());
    }

    @Test
    void endOfInputInsideAHeadIsTruncation() {
        RequestParser parser = new RequestParser();
        parser.parse(bytes("GET / HT"));
        assertEquals(ParseStatus.ERROR, parser.endOfInput());
        assertEquals(ParseError.TRUNCATED, parser.error());
        assertEquals(400, parser.error().status());
    }

    @Test
    void endOfInputReportsTheEndOfACompleteBodyNotYetReported() {
        RequestParser parser = new RequestParser();
        ByteBuffer input = bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx");
        assertEquals(ParseStatus.HEAD, parser.parse(input));
        assertEquals(ParseStatus.BODY, parser.parse(input));
        assertEquals(ParseStatus.END, parser.endOfInput());
        assertTrue(parser.isIdle());
    }

    @Test
    void contentLengthZeroEndsWithoutABodyEvenWithNoInputLeft() {
        RequestParser parser = new RequestParser();
        ByteBuffer input = bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
        assertEquals(ParseStatus.HEAD, parser.parse(input));
        assertFalse(input.hasRemaining());
        assertEquals(ParseStatus.END, parser.parse(input));
    }

    @Test
    void trailersOfAMessageWithoutChunksAreEmpty() {
        RequestParser parser = new RequestParser();
        ByteBuffer input = bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        parser.parse(input);
        assertEquals(ParseStatus.END, parser.parse(input));
        assertEquals(0, parser.trailers().size());
    }

    @Test
    void responseParserResetForgetsTheHeadExpectation() {
        ResponseParser parser = new ResponseParser();
        parser.expectResponseToHead(true);
        parser.reset();
        assertEquals(ParseStatus.HEAD, parser.parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")));
        assertEquals(BodyKind.CONTENT_LENGTH, parser.head().bodyKind());
    }

    @Test
    void closeDelimitedResponseEndsAtEndOfInputAndLeavesTheParserIdle() {
        ResponseParser parser = new ResponseParser();
        ByteBuffer input = bytes("HTTP/1.1 200 OK\r\n\r\nabc");
        assertEquals(ParseStatus.HEAD, parser.parse(input));
        assertEquals(ParseStatus.BODY, parser.parse(input));
        assertEquals(ParseStatus.NEED_MORE, parser.parse(input));
        assertEquals(ParseStatus.END, parser.endOfInput());
        assertTrue(parser.isIdle());
        assertEquals("HTTP/1.1 200 OK", parser.head().toString());
    }

    @Test
    void responseEndOfInputInsideABodyIsTruncation() {
        ResponseParser parser = new ResponseParser();
        ByteBuffer input = bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
        parser.parse(input);
        parser.parse(input);
        assertEquals(ParseStatus.ERROR, parser.endOfInput());
        assertEquals(ParseError.TRUNCATED, parser.error());
    }

    @Test
    void everyErrorStatusIsOneAServerCanSend() {
        for (ParseError error : ParseError.values()) {
            assertTrue(List.of(400, 413, 414, 431, 501, 505).contains(error.status()), error::name);
        }
    }

    @Test
    void hasRequestLineTellsWhenOnlyFieldLinesAreMissing() {
        RequestParser parser = new RequestParser();
        assertFalse(parser.hasRequestLine());
        assertEquals(ParseStatus.NEED_MORE, parser.parse(bytes("GET /slow HTTP/1.1\r")));
        assertFalse(parser.hasRequestLine(), "the request line is not over before its LF");
        assertEquals(ParseStatus.NEED_MORE, parser.parse(bytes("\nHost: h\r\n")));
        assertTrue(parser.hasRequestLine());
        assertEquals(ParseStatus.HEAD, parser.parse(bytes("\r\n")));
        assertEquals(ParseStatus.END, parser.parse(bytes("")));
        assertFalse(parser.hasRequestLine(), "the next request starts without one");
    }
}
