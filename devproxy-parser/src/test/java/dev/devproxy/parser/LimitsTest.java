package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link ParserLimits} limit, at exactly the limit (accepted) and one past it (rejected with its error
 * and status). Small limits keep every-split feeding fast; the defaults get their own test.
 */
class LimitsTest {
    /** Small limits; responses here are held to the same body limit as requests, 16. */
    private static final ParserLimits SMALL = new ParserLimits(32, 40, 4, 128, 16, 20, 16);
    /** Lines as long as the section, so the section limit is the one reached. */
    private static final ParserLimits SMALL_SECTION = new ParserLimits(32, 128, 100, 128, 16, 20, 16);

    private enum Kind { REQUEST, RESPONSE }

    /** A case at {@code limit} and at {@code limit + 1}, whose second is rejected with {@code error}. */
    private static Stream<Arguments> atAndPast(String rule, Kind kind, ParserLimits limits, int limit,
            IntFunction<String> input, ParseError error) {
        return Stream.of(
                Arguments.of(rule + ": " + limit + " is accepted", kind, limits, input.apply(limit), null),
                Arguments.of(rule + ": " + (limit + 1) + " is " + error + " (" + error.status() + ")", kind, limits,
                        input.apply(limit + 1), error));
    }

    /** A request line of exactly {@code length} bytes, CRLF not counted. */
    static String requestLine(int length) {
        return "GET /" + "a".repeat(length - 14) + " HTTP/1.1";
    }

    /** A status line of exactly {@code length} bytes, CRLF not counted. */
    static String statusLine(int length) {
        return "HTTP/1.1 200 " + "r".repeat(length - 13);
    }

    /** A field line of exactly {@code length} bytes, CRLF not counted. */
    static String fieldLine(int length) {
        return "X-A: " + "v".repeat(length - 5);
    }

    /** {@code count} field lines, Host among them. */
    static String fieldLines(int count) {
        StringBuilder lines = new StringBuilder("Host: h\r\n");
        for (int i = 1; i < count; i++) {
            lines.append("X-").append(i).append(": v\r\n");
        }
        return lines.toString();
    }

    /** Field lines, Host first, that take exactly {@code bytes} with their CRLFs, none longer than {@code maxLine}. */
    static String fieldSection(int bytes, int maxLine) {
        StringBuilder lines = new StringBuilder("Host: h\r\n");
        int left = bytes - lines.length();
        while (left > 0) {
            int line = Math.min(maxLine, left - 2);
            if (left - (line + 2) > 0 && left - (line + 2) < 8) {
                line -= 8;
            }
            lines.append("X: ").append("v".repeat(line - 3)).append("\r\n");
            left -= line + 2;
        }
        return lines.toString();
    }

    private static String chunkedRequest(String body) {
        return "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    }

    static Stream<Arguments> limitCases() {
        return Stream.of(
                atAndPast("request line (RFC 9112 §3)", Kind.REQUEST, SMALL, 32,
                        n -> requestLine(n) + "\r\nHost: h\r\n\r\n", ParseError.REQUEST_LINE_TOO_LONG),
                atAndPast("request line after an empty line, which counts (RFC 9112 §2.2)", Kind.REQUEST, SMALL, 32,
                        n -> "\r\n" + requestLine(n - 2) + "\r\nHost: h\r\n\r\n", ParseError.REQUEST_LINE_TOO_LONG),
                atAndPast("status line (RFC 9112 §4)", Kind.RESPONSE, SMALL, 32,
                        n -> statusLine(n) + "\r\nContent-Length: 0\r\n\r\n", ParseError.REQUEST_LINE_TOO_LONG),
                atAndPast("request field line (RFC 9112 §5)", Kind.REQUEST, SMALL, 40,
                        n -> "GET / HTTP/1.1\r\nHost: h\r\n" + fieldLine(n) + "\r\n\r\n", ParseError.HEADER_LINE_TOO_LONG),
                atAndPast("response field line (RFC 9112 §5)", Kind.RESPONSE, SMALL, 40,
                        n -> "HTTP/1.1 200 OK\r\n" + fieldLine(n) + "\r\nContent-Length: 0\r\n\r\n", ParseError.HEADER_LINE_TOO_LONG),
                atAndPast("request field count (RFC 9112 §5)", Kind.REQUEST, SMALL, 4,
                        n -> "GET / HTTP/1.1\r\n" + fieldLines(n) + "\r\n", ParseError.TOO_MANY_HEADERS),
                atAndPast("response field count (RFC 9112 §5)", Kind.RESPONSE, SMALL, 4,
                        n -> "HTTP/1.1 204 No Content\r\n" + fieldLines(n) + "\r\n", ParseError.TOO_MANY_HEADERS),
                atAndPast("request header section (RFC 9112 §5)", Kind.REQUEST, SMALL_SECTION, 128,
                        n -> "GET / HTTP/1.1\r\n" + fieldSection(n, 128) + "\r\n", ParseError.HEADER_SECTION_TOO_LARGE),
                atAndPast("response header section (RFC 9112 §5)", Kind.RESPONSE, SMALL_SECTION, 128,
                        n -> "HTTP/1.1 204 No Content\r\n" + fieldSection(n, 128) + "\r\n", ParseError.HEADER_SECTION_TOO_LARGE),
                atAndPast("Content-Length request body (RFC 9112 §6.3 rule 6)", Kind.REQUEST, SMALL, 16,
                        n -> "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + n + "\r\n\r\n" + "b".repeat(n), ParseError.BODY_TOO_LARGE),
                atAndPast("Content-Length response body (RFC 9112 §6.3 rule 6)", Kind.RESPONSE, SMALL, 16,
                        n -> "HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n" + "b".repeat(n), ParseError.BODY_TOO_LARGE),
                atAndPast("chunked body, all chunks together (RFC 9112 §7.1)", Kind.REQUEST, SMALL, 16,
                        n -> chunkedRequest("a\r\n" + "b".repeat(10) + "\r\n" + Integer.toHexString(n - 10) + "\r\n"
                                + "c".repeat(n - 10) + "\r\n0\r\n\r\n"), ParseError.BODY_TOO_LARGE),
                atAndPast("close-delimited body (RFC 9112 §6.3 rule 8)", Kind.RESPONSE, SMALL, 16,
                        n -> "HTTP/1.1 200 OK\r\n\r\n" + "b".repeat(n), ParseError.BODY_TOO_LARGE),
                atAndPast("chunk line with extensions (RFC 9112 §7.1.1)", Kind.REQUEST, SMALL, 20,
                        n -> chunkedRequest("5;" + "e".repeat(n - 2) + "\r\nhello\r\n0\r\n\r\n"), ParseError.CHUNK_EXTENSION),
                atAndPast("trailer field line (RFC 9112 §7.1.2)", Kind.REQUEST, SMALL, 40,
                        n -> chunkedRequest("0\r\n" + fieldLine(n) + "\r\n\r\n"), ParseError.HEADER_LINE_TOO_LONG),
                atAndPast("trailer field count (RFC 9112 §7.1.2)", Kind.REQUEST, SMALL, 4,
                        n -> chunkedRequest("0\r\n" + fieldLines(n) + "\r\n"), ParseError.TOO_MANY_HEADERS),
                atAndPast("trailer section (RFC 9112 §7.1.2)", Kind.REQUEST, SMALL_SECTION, 128,
                        n -> chunkedRequest("0\r\n" + fieldSection(n, 128) + "\r\n"), ParseError.HEADER_SECTION_TOO_LARGE))
                .flatMap(cases -> cases);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limitCases")
    void limitIsEnforcedAtExactlyItsValueInEverySplit(String rule, Kind kind, ParserLimits limits, String input,
            @Nullable ParseError error) {
        Transcript transcript = Incremental.everyWay(Incremental.latin1(input), kind == Kind.REQUEST
                ? () -> Incremental.requests(new RequestParser(ParserConfig.defaults().withLimits(limits)))
                : () -> Incremental.responses(new ResponseParser(ParserConfig.defaults().withLimits(limits))));
        assertEquals(error, transcript.error(), transcript::toString);
        if (error == null) {
            assertEquals(1, transcript.endCount(), transcript::toString);
        }
    }

    @Test
    void limitStatusesAre414And431And413() {
        assertAll(
                () -> assertEquals(414, ParseError.REQUEST_LINE_TOO_LONG.status()),
                () -> assertEquals(431, ParseError.HEADER_LINE_TOO_LONG.status()),
                () -> assertEquals(431, ParseError.TOO_MANY_HEADERS.status()),
                () -> assertEquals(431, ParseError.HEADER_SECTION_TOO_LARGE.status()),
                () -> assertEquals(413, ParseError.BODY_TOO_LARGE.status()),
                () -> assertEquals(400, ParseError.CHUNK_EXTENSION.status()));
    }

    @Test
    void closeDelimitedBodyPastTheLimitIsReportedUpToTheLimitThenRejected() {
        Transcript transcript = Incremental.everyWay(Incremental.latin1("HTTP/1.1 200 OK\r\n\r\n" + "b".repeat(20)),
                () -> Incremental.responses(new ResponseParser(ParserConfig.defaults().withLimits(SMALL))));
        assertEquals(List.of(new Transcript.Head(transcript.response()), new Transcript.Body("b".repeat(16)),
                new Transcript.Error(ParseError.BODY_TOO_LARGE)), transcript.events());
    }

    @Test
    void overlongRequestLineIsRejectedBeforeItsLineFeedArrives() {
        RequestParser parser = new RequestParser(ParserConfig.defaults().withLimits(SMALL));
        assertEquals(ParseStatus.NEED_MORE, parser.parse(ByteBuffer.wrap(Incremental.latin1(requestLine(32)))));
        assertEquals(ParseStatus.ERROR, parser.parse(ByteBuffer.wrap(Incremental.latin1("a"))));
        assertEquals(ParseError.REQUEST_LINE_TOO_LONG, parser.error());
    }

    @Test
    void overlongFieldLineIsRejectedBeforeItsLineFeedArrives() {
        RequestParser parser = new RequestParser(ParserConfig.defaults().withLimits(SMALL));
        String head = "GET / HTTP/1.1\r\n" + fieldLine(41);
        assertEquals(ParseStatus.ERROR, parser.parse(ByteBuffer.wrap(Incremental.latin1(head))));
        assertEquals(ParseError.HEADER_LINE_TOO_LONG, parser.error());
    }

    @Test
    void endlessEmptyLinesBeforeARequestAreRejectedAtTheRequestLineLimit() {
        RequestParser parser = new RequestParser(ParserConfig.defaults().withLimits(SMALL));
        assertEquals(ParseStatus.NEED_MORE, parser.parse(ByteBuffer.wrap(Incremental.latin1("\r\n".repeat(16)))));
        assertEquals(ParseStatus.ERROR, parser.parse(ByteBuffer.wrap(Incremental.latin1("\r"))));
        assertEquals(ParseError.REQUEST_LINE_TOO_LONG, parser.error());
    }

    @Test
    void oversizedChunkIsRejectedBeforeItsDataArrives() {
        RequestParser parser = new RequestParser(ParserConfig.defaults().withLimits(SMALL));
        ByteBuffer input = ByteBuffer.wrap(Incremental.latin1(chunkedRequest("11\r\n")));
        assertEquals(ParseStatus.HEAD, parser.parse(input));
        assertEquals(ParseStatus.ERROR, parser.parse(input));
        assertEquals(ParseError.BODY_TOO_LARGE, parser.error());
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(new ParserLimits(4096, 8192, 100, 65_536, 10_000_000L, 4096), ParserLimits.defaults());
    }

    @Test
    void defaultResponseParserHasNoBodyLimit() {
        ResponseParser parser = new ResponseParser();
        String head = "HTTP/1.1 200 OK\r\nContent-Length: " + Long.MAX_VALUE + "\r\n\r\n";
        assertEquals(ParseStatus.HEAD, parser.parse(ByteBuffer.wrap(Incremental.latin1(head))));
        assertEquals(Long.MAX_VALUE, parser.head().contentLength());
    }

    static Stream<Arguments> defaultLimitCases() {
        ParserLimits d = ParserLimits.defaults();
        return Stream.of(
                atAndPast("default request line", Kind.REQUEST, d, 4096,
                        n -> requestLine(n) + "\r\nHost: h\r\n\r\n", ParseError.REQUEST_LINE_TOO_LONG),
                atAndPast("default field line", Kind.REQUEST, d, 8192,
                        n -> "GET / HTTP/1.1\r\nHost: h\r\n" + fieldLine(n) + "\r\n\r\n", ParseError.HEADER_LINE_TOO_LONG),
                atAndPast("default field count", Kind.REQUEST, d, 100,
                        n -> "GET / HTTP/1.1\r\n" + fieldLines(n) + "\r\n", ParseError.TOO_MANY_HEADERS),
                atAndPast("default header section", Kind.REQUEST, d, 65_536,
                        n -> "GET / HTTP/1.1\r\n" + fieldSection(n, 8192) + "\r\n", ParseError.HEADER_SECTION_TOO_LARGE),
                atAndPast("default chunk line", Kind.REQUEST, d, 4096,
                        n -> chunkedRequest("5;" + "e".repeat(n - 2) + "\r\nhello\r\n0\r\n\r\n"), ParseError.CHUNK_EXTENSION))
                .flatMap(cases -> cases);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaultLimitCases")
    void defaultLimitIsEnforcedAtExactlyItsValue(String rule, Kind kind, ParserLimits limits, String input,
            @Nullable ParseError error) {
        Transcript transcript = Incremental.requestsEveryWay(input);
        assertEquals(error, transcript.error(), transcript::toString);
    }

    @Test
    void limitsBelowTheirMinimumsAreRefusedByName() {
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> ParserLimits.defaults().withMaxHeaderCount(0));
        assertEquals("maxHeaderCount must be at least 1, was 0", tooSmall.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParserLimits.defaults().withMaxHeaderSectionSize(100));
    }

    @Test
    void exactlyTheDefaultHeaderSectionIsParsedIntoFields() {
        Transcript transcript = Incremental.requestsEveryWay("GET / HTTP/1.1\r\n" + fieldSection(65_536, 8192) + "\r\n");
        assertNull(transcript.error());
        assertEquals(65_536 + "GET / HTTP/1.1\r\n\r\n".length(), transcript.request().headLength());
    }
}
