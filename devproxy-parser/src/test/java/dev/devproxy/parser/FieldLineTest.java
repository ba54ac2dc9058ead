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

/** Field lines and line terminators of a request head (RFC 9112 sections 2.2 and 5, RFC 9110 section 5). */
class FieldLineTest {
    private static final String REQUEST_LINE = "GET / HTTP/1.1\r\n";

    static Stream<Arguments> wellFormedFieldLines() {
        return Stream.of(
                Arguments.of("OWS around a value is not part of it (RFC 9112 §5.1)", "X-A: \t a b \t ", "X-A: a b"),
                Arguments.of("no OWS at all (RFC 9112 §5.1)", "X-A:a", "X-A: a"),
                Arguments.of("an empty value (RFC 9110 §5.5)", "X-A:", "X-A: "),
                Arguments.of("a value of OWS only is empty (RFC 9112 §5.1)", "X-A:  \t ", "X-A: "),
                Arguments.of("HTAB and SP inside a value stay (RFC 9110 §5.5)", "X-A: a\tb  c", "X-A: a\tb  c"),
                Arguments.of("obs-text in a value survives byte for byte (RFC 9110 §5.5)", "X-A: caf\u00e9 \u00ff", "X-A: caf\u00e9 \u00ff"),
                Arguments.of("a colon inside a value (RFC 9110 §5.5)", "X-A: a:b::", "X-A: a:b::"),
                Arguments.of("names keep their case (RFC 9110 §5.1)", "x-MiXeD: v", "x-MiXeD: v"),
                Arguments.of("a name of every tchar (RFC 9110 §5.6.2)", "!#$%&'*+-.^_`|~09azAZ: v", "!#$%&'*+-.^_`|~09azAZ: v"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFormedFieldLines")
    void wellFormedFieldLineParsesTheSameInEverySplit(String rule, String fieldLine, String expected) {
        Transcript transcript = Incremental.requestsEveryWay(REQUEST_LINE + fieldLine + "\r\nHost: h\r\n\r\n");
        assertNull(transcript.error(), transcript::toString);
        assertEquals(List.of(expected, "Host: h"), transcript.request().headers());
    }

    static Stream<Arguments> malformedHeads() {
        return Stream.of(
                Arguments.of("NUL in a field name (RFC 9110 §5.1)", REQUEST_LINE + "Ho\0st: h\r\n\r\n", ParseError.HEADER_NAME),
                Arguments.of("DEL in a field name (RFC 9110 §5.1)", REQUEST_LINE + "X-\u007fA: v\r\nHost: h\r\n\r\n", ParseError.HEADER_NAME),
                Arguments.of("obs-text in a field name (RFC 9110 §5.1)", REQUEST_LINE + "X-\u00e9: v\r\nHost: h\r\n\r\n", ParseError.HEADER_NAME),
                Arguments.of("( in a field name (RFC 9110 §5.1)", REQUEST_LINE + "X(A): v\r\nHost: h\r\n\r\n", ParseError.HEADER_NAME),
                Arguments.of("SP inside a field name (RFC 9110 §5.1)", REQUEST_LINE + "X A: v\r\nHost: h\r\n\r\n", ParseError.HEADER_NAME),
                Arguments.of("an empty field name (RFC 9110 §5.1)", REQUEST_LINE + ": v\r\nHost: h\r\n\r\n", ParseError.HEADER_NAME),
                Arguments.of("SP between name and colon (RFC 9112 §5.1)", REQUEST_LINE + "Host : h\r\n\r\n", ParseError.WHITESPACE_BEFORE_COLON),
                Arguments.of("HTAB between name and colon (RFC 9112 §5.1)", REQUEST_LINE + "Host\t: h\r\n\r\n", ParseError.WHITESPACE_BEFORE_COLON),
                Arguments.of("whitespace before the colon of Transfer-Encoding (RFC 9112 §5.1)",
                        REQUEST_LINE + "Host: h\r\nTransfer-Encoding : chunked\r\n\r\n", ParseError.WHITESPACE_BEFORE_COLON),
                Arguments.of("a field line without a colon (RFC 9112 §5)", REQUEST_LINE + "Host: h\r\nX-No-Colon\r\n\r\n", ParseError.MISSING_COLON),
                Arguments.of("a name and value without a colon (RFC 9112 §5)", REQUEST_LINE + "Host h\r\n\r\n", ParseError.MISSING_COLON),
                Arguments.of("obs-fold with SP (RFC 9112 §5.2)", REQUEST_LINE + "Host: h\r\nX-A: a\r\n b\r\n\r\n", ParseError.OBS_FOLD),
                Arguments.of("obs-fold with HTAB (RFC 9112 §5.2)", REQUEST_LINE + "Host: h\r\nX-A: a\r\n\tb\r\n\r\n", ParseError.OBS_FOLD),
                Arguments.of("whitespace before the first field line (RFC 9112 §2.2)", REQUEST_LINE + " Host: h\r\n\r\n", ParseError.OBS_FOLD),
                Arguments.of("NUL in a value (RFC 9110 §5.5)", REQUEST_LINE + "Host: h\r\nX-A: a\0b\r\n\r\n", ParseError.HEADER_VALUE),
                Arguments.of("VT in a value (RFC 9110 §5.5)", REQUEST_LINE + "Host: h\r\nX-A: a\u000bb\r\n\r\n", ParseError.HEADER_VALUE),
                Arguments.of("ESC in a value (RFC 9110 §5.5)", REQUEST_LINE + "Host: h\r\nX-A: \u001b[31m\r\n\r\n", ParseError.HEADER_VALUE),
                Arguments.of("DEL in a value (RFC 9110 §5.5)", REQUEST_LINE + "Host: h\r\nX-A: a\u007f\r\n\r\n", ParseError.HEADER_VALUE),
                Arguments.of("bare CR in a value (RFC 9112 §2.2)", REQUEST_LINE + "Host: h\r\nX-A: a\rb\r\n\r\n", ParseError.BARE_CR),
                Arguments.of("CR CR LF ends a line (RFC 9112 §2.2)", REQUEST_LINE + "Host: h\r\r\n\r\n", ParseError.BARE_CR),
                Arguments.of("bare CR as the empty line (RFC 9112 §2.2)", REQUEST_LINE + "Host: h\r\n\rX", ParseError.BARE_CR),
                Arguments.of("bare LF ends the request line (RFC 9112 §2.2)", "GET / HTTP/1.1\nHost: h\r\n\r\n", ParseError.BARE_LF),
                Arguments.of("bare LF ends a field line (RFC 9112 §2.2)", REQUEST_LINE + "Host: h\n\r\n", ParseError.BARE_LF),
                Arguments.of("bare LF inside a value splits it (RFC 9112 §2.2)", REQUEST_LINE + "Host: h\r\nX-A: a\nb\r\n\r\n", ParseError.BARE_LF),
                Arguments.of("bare LF as the empty line (RFC 9112 §2.2)", REQUEST_LINE + "Host: h\r\n\n", ParseError.BARE_LF),
                Arguments.of("bare LF as an empty line before the request (RFC 9112 §2.2)", "\n" + REQUEST_LINE + "Host: h\r\n\r\n", ParseError.BARE_LF));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeads")
    void malformedHeadIsRejectedTheSameInEverySplit(String rule, String head, ParseError error) {
        Transcript transcript = Incremental.requestsEveryWay(head);
        assertEquals(error, transcript.error(), transcript::toString);
        assertEquals(400, error.status());
    }

    static Stream<Arguments> malformedResponseHeads() {
        // The same field-line grammar reads both directions: each malformed request head above that breaks a
        // field-line rule breaks it as a response too, with the status line in place of the request line.
        return malformedHeads()
                .filter(arguments -> ((String) arguments.get()[1]).startsWith(REQUEST_LINE))
                .map(arguments -> Arguments.of(arguments.get()[0], "HTTP/1.1 204 No Content\r\n"
                        + ((String) arguments.get()[1]).substring(REQUEST_LINE.length()), arguments.get()[2]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedResponseHeads")
    void malformedFieldLineInAResponseIsRejectedAsInARequestInEverySplit(String rule, String head, ParseError error) {
        Transcript transcript = Incremental.responsesEveryWay(head);
        assertEquals(error, transcript.error(), transcript::toString);
    }

    private static Transcript parseLeniently(String request) {
        return Incremental.everyWay(Incremental.latin1(request),
                () -> Incremental.requests(new RequestParser(ParserConfig.defaults().withLeniencies(Set.of(Leniency.BARE_LF)))));
    }

    @Test
    void bareLfEndsEveryLineOfAHeadWhenLeniencyAllowsIt() {
        // RFC 9112 §2.2: "a recipient MAY recognize a single LF as a line terminator and ignore any preceding CR".
        Transcript transcript = parseLeniently("\nGET /x HTTP/1.1\nHost: h\r\nX-A: 1\n\n");
        assertNull(transcript.error(), transcript::toString);
        assertEquals(List.of("Host: h", "X-A: 1"), transcript.request().headers());
        assertEquals("GET /x HTTP/1.1\nHost: h\r\nX-A: 1\n\n".length(), transcript.request().headLength());
    }

    @Test
    void bareCrIsRejectedInAHeadEvenWhenBareLfIsAllowed() {
        assertEquals(ParseError.BARE_CR, parseLeniently("GET / HTTP/1.1\nHost: h\rX-A: 1\n\n").error());
    }

    @Test
    void crLfCountsAsOneLineEndNotAsABareLfWhenLeniencyIsOn() {
        Transcript transcript = parseLeniently("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(List.of("Host: h"), transcript.request().headers());
    }
}
