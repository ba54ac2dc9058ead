package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chunked transfer coding: chunk lines, extensions, data, trailers (RFC 9112 section 7.1). */
class ChunkedBodyTest {
    private static final String REQUEST_HEAD = "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String RESPONSE_HEAD = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

    static Stream<Arguments> wellFormedChunkedBodies() {
        return Stream.of(
                Arguments.of("one chunk (RFC 9112 §7.1)", "5\r\nhello\r\n0\r\n\r\n", "hello", List.of()),
                Arguments.of("no chunks at all (RFC 9112 §7.1)", "0\r\n\r\n", "", List.of()),
                Arguments.of("several chunks (RFC 9112 §7.1)", "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n", "hello world", List.of()),
                Arguments.of("chunk data holding CRLF and 0 (RFC 9112 §7.1)", "7\r\n\r\n0\r\n\r\n\r\n0\r\n\r\n", "\r\n0\r\n\r\n", List.of()),
                Arguments.of("upper-case hex size (RFC 9112 §7.1)", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789", List.of()),
                Arguments.of("lower-case hex size (RFC 9112 §7.1)", "a\r\n0123456789\r\n0\r\n\r\n", "0123456789", List.of()),
                Arguments.of("size with leading zeros (RFC 9112 §7.1)", "0005\r\nhello\r\n000\r\n\r\n", "hello", List.of()),
                Arguments.of("size of fifteen hex digits (RFC 9112 §7.1)", "00000000000000F\r\n0123456789abcde\r\n0\r\n\r\n",
                        "0123456789abcde", List.of()),
                Arguments.of("extension without a value (RFC 9112 §7.1.1)", "5;done\r\nhello\r\n0\r\n\r\n", "hello", List.of()),
                Arguments.of("extension with a token value (RFC 9112 §7.1.1)", "5;name=value\r\nhello\r\n0\r\n\r\n", "hello", List.of()),
                Arguments.of("extension with a quoted value (RFC 9112 §7.1.1)", "5;n=\"a; b=\\\"c\\\\\"\r\nhello\r\n0\r\n\r\n", "hello", List.of()),
                Arguments.of("extension with obs-text in a quoted value (RFC 9110 §5.6.4)", "5;n=\"\u00e9\"\r\nhello\r\n0\r\n\r\n", "hello", List.of()),
                Arguments.of("extensions with BWS (RFC 9112 §7.1.1)", "5 \t; a = 1 ;\tb\t=\t\"x\" ; c\r\nhello\r\n0\r\n\r\n", "hello", List.of()),
                Arguments.of("several extensions (RFC 9112 §7.1.1)", "5;a;b=2;c=\"3\"\r\nhello\r\n0\r\n\r\n", "hello", List.of()),
                Arguments.of("extension on the last chunk (RFC 9112 §7.1)", "5\r\nhello\r\n0;final=yes\r\n\r\n", "hello", List.of()),
                Arguments.of("trailer fields (RFC 9112 §7.1.2)", "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other:  1 \r\n\r\n", "hello",
                        List.of("X-Checksum: abc", "X-Other: 1")),
                Arguments.of("trailer with obs-text and an empty value (RFC 9110 §5.5)", "0\r\nX-A: caf\u00e9\r\nX-B:\r\n\r\n", "",
                        List.of("X-A: caf\u00e9", "X-B: ")));
    }

    @ParameterizedTest(name = "request: {0}")
    @MethodSource("wellFormedChunkedBodies")
    void wellFormedChunkedRequestBodyDecodesTheSameInEverySplit(String rule, String body, String data, List<String> trailers) {
        Transcript transcript = Incremental.requestsEveryWay(REQUEST_HEAD + body);
        assertNull(transcript.error(), transcript::toString);
        assertEquals(List.of(data), transcript.bodies());
        assertEquals(List.of(trailers), transcript.trailers());
    }

    @ParameterizedTest(name = "response: {0}")
    @MethodSource("wellFormedChunkedBodies")
    void wellFormedChunkedResponseBodyDecodesTheSameInEverySplit(String rule, String body, String data, List<String> trailers) {
        Transcript transcript = Incremental.responsesEveryWay(RESPONSE_HEAD + body);
        assertNull(transcript.error(), transcript::toString);
        assertEquals(List.of(data), transcript.bodies());
        assertEquals(List.of(trailers), transcript.trailers());
    }

    static Stream<Arguments> malformedChunkedBodies() {
        return Stream.of(
                Arguments.of("empty chunk size (RFC 9112 §7.1)", "\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_SIZE),
                Arguments.of("extension without a size (RFC 9112 §7.1)", ";a\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_SIZE),
                Arguments.of("non-hex chunk size (RFC 9112 §7.1)", "g\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_SIZE),
                Arguments.of("0x prefix on the size (RFC 9112 §7.1)", "0x5\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_SIZE),
                Arguments.of("signed chunk size (RFC 9112 §7.1)", "+5\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_SIZE),
                Arguments.of("negative chunk size (RFC 9112 §7.1)", "-5\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_SIZE),
                Arguments.of("sixteen hex digits could overflow (RFC 9112 §7.1)", "0000000000000005\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_SIZE),
                Arguments.of("SP inside the size (RFC 9112 §7.1)", "1 0\r\n0123456789abcdef\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("BWS before the CRLF (RFC 9112 §7.1.1)", "5 \r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("empty extension name (RFC 9112 §7.1.1)", "5;\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("extension value without a name (RFC 9112 §7.1.1)", "5;=v\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("extension with = and no value (RFC 9112 §7.1.1)", "5;a=\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("SP inside an extension value (RFC 9112 §7.1.1)", "5;a=b c\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("NUL in an extension name (RFC 9112 §7.1.1)", "5;a\0b\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("unterminated quoted value (RFC 9110 §5.6.4)", "5;a=\"x\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("CTL in a quoted-pair (RFC 9110 §5.6.4)", "5;a=\"\\\u0001\"\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("text after a quoted value (RFC 9112 §7.1.1)", "5;a=\"x\"y\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_EXTENSION),
                Arguments.of("data longer than its size (RFC 9112 §7.1)", "3\r\nhello\r\n0\r\n\r\n", ParseError.CHUNK_DATA_END),
                Arguments.of("data without its CRLF (RFC 9112 §7.1)", "5\r\nhello0\r\n\r\n", ParseError.CHUNK_DATA_END),
                Arguments.of("bare LF after data (RFC 9112 §2.2)", "5\r\nhello\n0\r\n\r\n", ParseError.BARE_LF),
                Arguments.of("bare CR after data (RFC 9112 §2.2)", "5\r\nhello\r0\r\n\r\n", ParseError.BARE_CR),
                Arguments.of("bare LF after the size (RFC 9112 §2.2)", "5\nhello\r\n0\r\n\r\n", ParseError.BARE_LF),
                Arguments.of("bare LF after an extension (RFC 9112 §2.2)", "5;a=b\nhello\r\n0\r\n\r\n", ParseError.BARE_LF),
                Arguments.of("bare CR after the size (RFC 9112 §2.2)", "5\rhello\r\n0\r\n\r\n", ParseError.BARE_CR),
                Arguments.of("bare LF after the last chunk (RFC 9112 §2.2)", "0\n\r\n", ParseError.BARE_LF),
                Arguments.of("bare LF ending the trailer section (RFC 9112 §2.2)", "0\r\n\n", ParseError.BARE_LF),
                Arguments.of("bare LF ending a trailer (RFC 9112 §2.2)", "0\r\nX-A: 1\n\r\n", ParseError.BARE_LF),
                Arguments.of("obs-fold in the trailers (RFC 9112 §5.2)", "0\r\nX-A: 1\r\n 2\r\n\r\n", ParseError.OBS_FOLD),
                Arguments.of("NUL in a trailer name (RFC 9110 §5.1)", "0\r\nX\0A: 1\r\n\r\n", ParseError.HEADER_NAME),
                Arguments.of("NUL in a trailer value (RFC 9110 §5.5)", "0\r\nX-A: \0\r\n\r\n", ParseError.HEADER_VALUE),
                Arguments.of("trailer without a colon (RFC 9112 §5)", "0\r\nX-A\r\n\r\n", ParseError.MISSING_COLON),
                Arguments.of("whitespace before a trailer's colon (RFC 9112 §5.1)", "0\r\nX-A : 1\r\n\r\n", ParseError.WHITESPACE_BEFORE_COLON),
                Arguments.of("input ends inside chunk data (RFC 9112 §8)", "5\r\nhel", ParseError.TRUNCATED),
                Arguments.of("input ends inside a chunk line (RFC 9112 §8)", "5\r\nhello\r\n1", ParseError.TRUNCATED),
                Arguments.of("input ends before the trailer section ends (RFC 9112 §8)", "0\r\nX-A: 1\r\n", ParseError.TRUNCATED),
                Arguments.of("input ends before the first chunk (RFC 9112 §8)", "", ParseError.TRUNCATED));
    }

    @ParameterizedTest(name = "request: {0}")
    @MethodSource("malformedChunkedBodies")
    void malformedChunkedRequestBodyFailsTheSameInEverySplit(String rule, String body, ParseError error) {
        Transcript transcript = Incremental.requestsEveryWay(REQUEST_HEAD + body);
        assertEquals(error, transcript.error(), transcript::toString);
        assertEquals(400, error.status());
    }

    @ParameterizedTest(name = "response: {0}")
    @MethodSource("malformedChunkedBodies")
    void malformedChunkedResponseBodyFailsTheSameInEverySplit(String rule, String body, ParseError error) {
        Transcript transcript = Incremental.responsesEveryWay(RESPONSE_HEAD + body);
        assertEquals(error, transcript.error(), transcript::toString);
    }

    @Test
    void dataBeforeAMalformedChunkIsReportedBeforeTheError() {
        Transcript transcript = Incremental.requestsEveryWay(REQUEST_HEAD + "5\r\nhello\r\nzz\r\n");
        assertEquals(List.of(new Transcript.Head(transcript.request()), new Transcript.Body("hello"),
                new Transcript.Error(ParseError.CHUNK_SIZE)), transcript.events());
    }

    @Test
    void bareLfEndsChunkLinesWhenLeniencyAllowsIt() {
        String request = "POST / HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n"
                + "5;a=b\nhello\r\n6\r\n world\n0\nX-T: 1\n\n";
        Transcript transcript = Incremental.everyWay(Incremental.latin1(request),
                () -> Incremental.requests(new RequestParser(ParserConfig.defaults().withLeniencies(Set.of(Leniency.BARE_LF)))));
        assertNull(transcript.error(), transcript::toString);
        assertEquals(List.of("hello world"), transcript.bodies());
        assertEquals(List.of(List.of("X-T: 1")), transcript.trailers());
    }

    @Test
    void bareCrIsRejectedEvenWhenBareLfIsAllowed() {
        String request = REQUEST_HEAD + "5\rhello\r\n0\r\n\r\n";
        Transcript transcript = Incremental.everyWay(Incremental.latin1(request),
                () -> Incremental.requests(new RequestParser(ParserConfig.defaults().withLeniencies(Set.of(Leniency.BARE_LF)))));
        assertEquals(ParseError.BARE_CR, transcript.error());
    }

    @Test
    void trailersAreEmptyForTheMessageAfterAChunkedOne() {
        String stream = REQUEST_HEAD + "0\r\nX-T: 1\r\n\r\n" + "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
        Transcript transcript = Incremental.requestsEveryWay(stream);
        assertEquals(List.of(List.of("X-T: 1"), List.of()), transcript.trailers());
    }
}
