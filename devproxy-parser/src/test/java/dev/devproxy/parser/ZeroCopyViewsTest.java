package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The zero-copy API: {@link AsciiView}s of the request line and fields, {@link HeaderName} lookups,
 * {@link MessageParser#bodySlice()} and {@link MessageParser#isMessageComplete()}. Every head the
 * {@link Incremental} kit snapshots is also checked by {@link ViewChecks}, in every split.
 */
class ZeroCopyViewsTest {
    private final AsciiView view = new AsciiView();

    private static RequestParser parsed(String request) {
        RequestParser parser = new RequestParser();
        ByteBuffer input = ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(ParseStatus.HEAD, parser.parse(input));
        return parser;
    }

    @Test
    void originFormPathAndQueryAreViewedApartInEverySplit() {
        // RFC 9112 section 3.2.1: origin-form = absolute-path [ "?" query ].
        Incremental.requestsEveryWay("GET /api/items?id=7&x HTTP/1.1\r\nHost: a\r\n\r\n");
        RequestHead head = parsed("GET /api/items?id=7&x HTTP/1.1\r\nHost: a\r\n\r\n").head();
        assertTrue(head.method(view).contentEquals("GET"));
        assertTrue(head.target(view).contentEquals("/api/items?id=7&x"));
        assertTrue(head.path(view).contentEquals("/api/items"));
        assertTrue(head.path(view).startsWith("/api/"));
        assertEquals(4, head.path(view).indexOf('/', 1));
        assertTrue(head.hasQuery());
        assertTrue(head.query(view).contentEquals("id=7&x"));
    }

    @Test
    void anEmptyQueryIsToldFromNone() {
        // RFC 9112 section 3.2.1: "?" with nothing after it is an empty query, not none.
        RequestHead empty = parsed("GET /a? HTTP/1.1\r\nHost: a\r\n\r\n").head();
        assertTrue(empty.hasQuery());
        assertEquals(0, empty.query(view).length());
        RequestHead none = parsed("GET /a HTTP/1.1\r\nHost: a\r\n\r\n").head();
        assertFalse(none.hasQuery());
        assertEquals(0, none.query(view).length());
    }

    @Test
    void anAbsoluteFormTargetWithAnEmptyPathIsViewedAsSlash() {
        // RFC 9112 section 3.2.2 (and 3.2.1): an empty path in absolute-form is "/" in origin-form.
        Incremental.requestsEveryWay("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n");
        RequestHead head = parsed("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n").head();
        assertTrue(head.path(view).contentEquals("/"));
        assertTrue(head.target(view).contentEquals("http://example.com"));
    }

    @Test
    void methodsCompareCaseSensitively() {
        // RFC 9110 section 9.1: "The method token is case-sensitive".
        RequestHead head = parsed("get / HTTP/1.1\r\nHost: a\r\n\r\n").head();
        assertFalse(head.method(view).contentEquals("GET"));
        assertTrue(head.method(view).equalsIgnoreCase("GET"));
    }

    @Test
    void namesAreFoundByHeaderNameIgnoringCaseAndValuesCompareExactly() {
        // RFC 9110 section 5.1: field names are case-insensitive; section 5.5: values are not, in general.
        String request = "GET / HTTP/1.1\r\nHost: a\r\nX-Api-Version: V2\r\nx-api-version: 3\r\n\r\n";
        Incremental.requestsEveryWay(request);
        HeaderFields fields = parsed(request).head().headers();
        HeaderName version = HeaderName.of("X-API-VERSION");
        assertEquals(1, fields.indexOf(version));
        assertEquals(2, fields.indexOf(version, 2));
        assertEquals(-1, fields.indexOf(version, 3));
        assertTrue(fields.contains(HeaderName.HOST));
        assertFalse(fields.contains(HeaderName.COOKIE));
        assertEquals("V2", fields.get(version));
        assertTrue(fields.name(1, view).equalsIgnoreCase("x-api-version"));
        assertFalse(fields.name(1, view).contentEquals("x-api-version"));
        assertTrue(fields.value(1, view).contentEquals("V2"));
        assertFalse(fields.value(1, view).contentEquals("v2"));
        assertTrue(fields.value(1, view).equalsIgnoreCase("v2"));
    }

    @Test
    void obsTextInAValueIsViewedByteForByteAsLatin1() {
        // RFC 9110 section 5.5: field-vchar = VCHAR / obs-text; obs-text = %x80-FF.
        String request = "GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9\r\n\r\n";
        Incremental.requestsEveryWay(request);
        HeaderFields fields = parsed(request).head().headers();
        AsciiView value = fields.value(1, view);
        assertEquals('\u00e9', value.charAt(3));
        assertEquals((byte) 0xE9, value.byteAt(3));
        assertTrue(value.contentEquals("caf\u00e9"));
        assertFalse(value.contentEquals("caf\u0100"), "a char above U+00FF is no byte");
        assertFalse(value.equalsIgnoreCase("CAF\u00c9"), "case is folded for ASCII only");
    }

    @Test
    void aViewCopiesOutAndSubSequencesWithoutTouchingTheHead() {
        RequestHead head = parsed("GET /abc HTTP/1.1\r\nHost: a\r\n\r\n").head();
        AsciiView path = head.path(view);
        ByteBuffer out = ByteBuffer.allocate(8);
        path.copyTo(out);
        assertEquals("/abc", new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1));
        assertEquals("bc", path.subSequence(2, 4).toString());
        assertThrows(IndexOutOfBoundsException.class, () -> path.charAt(4));
        assertThrows(IndexOutOfBoundsException.class, () -> path.subSequence(3, 5));
        ByteBuffer storage = head.storage();
        assertTrue(storage.isReadOnly());
        assertEquals(0, storage.position());
        assertEquals(head.headLength(), storage.limit());
        assertThrows(ReadOnlyBufferException.class, () -> storage.put(0, (byte) 'X'));
        assertSame(storage, head.storage(), "the same storage view comes back");
    }

    @ParameterizedTest(name = "\"{0}\" is not a field name")
    @ValueSource(strings = {"", "X Name", "X:Name", "X-Name\r", "Caf\u00e9", "(x)"})
    void headerNamesMustBeTokens(String name) {
        // RFC 9110 section 5.1: field-name = token; section 5.6.2: token = 1*tchar.
        assertThrows(IllegalArgumentException.class, () -> HeaderName.of(name));
    }

    @Test
    void headerNamesAreEqualIgnoringCase() {
        assertEquals(HeaderName.of("content-type"), HeaderName.CONTENT_TYPE);
        assertEquals(HeaderName.of("content-type").hashCode(), HeaderName.CONTENT_TYPE.hashCode());
        assertNotEquals(HeaderName.of("Content-Types"), HeaderName.CONTENT_TYPE);
        assertEquals("Content-Type", HeaderName.CONTENT_TYPE.toString());
    }

    @Test
    void aBodylessRequestIsCompleteAtItsHead() {
        // RFC 9112 section 6.3, rule 7: a request without Content-Length or Transfer-Encoding has no body.
        RequestParser parser = new RequestParser();
        ByteBuffer input = ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertFalse(parser.isMessageComplete(), "nothing parsed yet");
        assertEquals(ParseStatus.HEAD, parser.parse(input));
        assertTrue(parser.isMessageComplete());
        assertEquals(ParseStatus.END, parser.parse(input), "END needs no input");
        assertFalse(parser.isMessageComplete(), "between messages");
    }

    @Test
    void aZeroContentLengthIsCompleteAtItsHead() {
        // RFC 9112 section 6.3, rule 6: the body is Content-Length octets, here none.
        RequestParser parser = parsed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        assertTrue(parser.isMessageComplete());
    }

    @Test
    void aContentLengthBodyIsCompleteAfterItsLastRunInEverySplit() {
        // RFC 9112 section 6.3, rule 6: exactly Content-Length octets.
        byte[] request = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 1; split < request.length; split++) {
            RequestParser parser = new RequestParser();
            StringBuilder events = new StringBuilder();
            for (ByteBuffer piece : new ByteBuffer[] {ByteBuffer.wrap(request, 0, split).slice(),
                    ByteBuffer.wrap(request, split, request.length - split).slice()}) {
                for (ParseStatus s; (s = parser.parse(piece)) != ParseStatus.NEED_MORE; ) {
                    events.append(s).append(parser.isMessageComplete() ? "+ " : " ");
                }
            }
            String seen = events.toString();
            assertTrue(seen.startsWith("HEAD "), "split at " + split + ": " + seen);
            assertTrue(seen.endsWith("BODY+ END "), "split at " + split + ": " + seen);
        }
    }

    @Test
    void chunkedAndCloseDelimitedBodiesAreNotCompleteAtTheirHead() {
        // RFC 9112 section 7.1: a chunked body ends with framing still to read.
        assertFalse(parsed("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n").isMessageComplete());
        // RFC 9112 section 6.3, rule 8: a body delimited by the close.
        ResponseParser responses = new ResponseParser();
        assertEquals(ParseStatus.HEAD, responses.parse(ByteBuffer.wrap("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertFalse(responses.isMessageComplete());
    }

    @Test
    void aBodySliceIsAReadOnlyViewOfADirectBuffer() {
        // RFC 9112 section 7.1: chunk data, framing removed.
        byte[] bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        RequestParser parser = new RequestParser();
        assertThrows(IllegalStateException.class, parser::bodySlice);
        assertEquals(ParseStatus.HEAD, parser.parse(direct));
        assertEquals(ParseStatus.BODY, parser.parse(direct));
        ByteBuffer run = parser.bodySlice();
        assertTrue(run.isDirect() && run.isReadOnly());
        byte[] copy = new byte[run.remaining()];
        run.get(copy);
        assertEquals("hello", new String(copy, StandardCharsets.ISO_8859_1));
        assertSame(run, parser.bodySlice(), "the same view for the same buffer");
        assertEquals(parser.bodyOffset(), parser.bodySlice().position(), "set again on each call");
        assertEquals(ParseStatus.END, parser.parse(direct));
        parser.reset();
        assertThrows(IllegalStateException.class, parser::bodySlice);
    }

    @Test
    void versionsPrintTheirWireForm() {
        // RFC 9112 section 2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT.
        assertEquals("HTTP/1.1", String.valueOf(HttpVersion.HTTP_1_1));
        assertEquals("HTTP/1.0", "" + HttpVersion.HTTP_1_0);
        assertEquals(HttpVersion.HTTP_1_1, HttpVersion.valueOf("HTTP_1_1"), "valueOf still takes the constant's name");
    }
}
