package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Status lines and response framing (RFC 9112 sections 4, 6.3 and 9.3). */
class ResponseParserTest {

    private static Arguments valid(String rule, String response, Consumer<Transcript> expectations) {
        return Arguments.of(rule, response, expectations);
    }

    private static Arguments invalid(String rule, String response, ParseError error) {
        return Arguments.of(rule, response, error);
    }

    static Stream<Arguments> wellFormedResponses() {
        return Stream.of(
                valid("status line (RFC 9112 §4)", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", t -> assertAll(
                        () -> assertEquals(HttpVersion.HTTP_1_1, t.response().version()),
                        () -> assertEquals(200, t.response().status()),
                        () -> assertEquals("OK", t.response().reason()),
                        () -> assertEquals(List.of("ok"), t.bodies()))),
                valid("reason phrase with SP, HTAB and obs-text (RFC 9112 §4)", "HTTP/1.1 404 Not\tFound \u00e9\r\nContent-Length: 0\r\n\r\n",
                        t -> assertEquals("Not\tFound \u00e9", t.response().reason())),
                valid("empty reason phrase after the SP (RFC 9112 §4)", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n",
                        t -> assertEquals("", t.response().reason())),
                valid("tolerated: no SP and reason after the status code (RFC 9112 §4)", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
                        t -> assertAll(() -> assertEquals(200, t.response().status()), () -> assertEquals("", t.response().reason()))),
                valid("HTTP/1.0 status line (RFC 9112 §2.3)", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
                        t -> assertEquals(HttpVersion.HTTP_1_0, t.response().version())),
                valid("status 999 is three digits (RFC 9112 §4)", "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n",
                        t -> assertEquals(999, t.response().status())),
                valid("Content-Length body (RFC 9112 §6.3 rule 6)", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", t -> assertAll(
                        () -> assertEquals(BodyKind.CONTENT_LENGTH, t.response().bodyKind()),
                        () -> assertEquals(5, t.response().contentLength()),
                        () -> assertTrue(t.response().keepAlive()),
                        () -> assertEquals(List.of("hello"), t.bodies()))),
                valid("Content-Length list of identical values (RFC 9110 §8.6)", "HTTP/1.1 200 OK\r\nContent-Length: 2,2\r\n\r\nok",
                        t -> assertEquals(List.of("ok"), t.bodies())),
                valid("chunked response (RFC 9112 §6.3 rule 4)", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                        t -> assertAll(
                                () -> assertEquals(BodyKind.CHUNKED, t.response().bodyKind()),
                                () -> assertEquals(List.of("ok"), t.bodies()))),
                valid("other codings before chunked are the client's to decode (RFC 9112 §6.1)",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                        t -> assertEquals(BodyKind.CHUNKED, t.response().bodyKind())),
                valid("final coding not chunked: read until close (RFC 9112 §6.3 rule 4)",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzipped bytes", t -> assertAll(
                                () -> assertEquals(BodyKind.UNTIL_CLOSE, t.response().bodyKind()),
                                () -> assertFalse(t.response().keepAlive()),
                                () -> assertEquals(List.of("zipped bytes"), t.bodies()),
                                () -> assertEquals(ParseStatus.END, t.endOfInput()))),
                valid("chunked then another coding: read until close (RFC 9112 §6.3 rule 4)",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                        t -> assertEquals(List.of("2\r\nok\r\n0\r\n\r\n"), t.bodies())),
                valid("no framing: the body ends at the close (RFC 9112 §6.3 rule 8)", "HTTP/1.1 200 OK\r\n\r\nall of it\r\n\r\n", t -> assertAll(
                        () -> assertEquals(BodyKind.UNTIL_CLOSE, t.response().bodyKind()),
                        () -> assertEquals(-1, t.response().contentLength()),
                        () -> assertFalse(t.response().keepAlive()),
                        () -> assertEquals(List.of("all of it\r\n\r\n"), t.bodies()),
                        () -> assertEquals(ParseStatus.END, t.endOfInput()))),
                valid("an empty close-delimited body (RFC 9112 §6.3 rule 8)", "HTTP/1.1 200 OK\r\n\r\n",
                        t -> assertEquals(List.of(""), t.bodies())),
                valid("204 with Content-Length has no body (RFC 9112 §6.3 rule 1)",
                        "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", t -> assertAll(
                                () -> assertEquals(List.of(204, 200), t.responses().stream().map(ResponseSnapshot::status).toList()),
                                () -> assertEquals(BodyKind.NONE, t.responses().get(0).bodyKind()),
                                () -> assertEquals(-1, t.responses().get(0).contentLength()),
                                () -> assertEquals(List.of("", "ok"), t.bodies()))),
                valid("304 with Content-Length and Transfer-Encoding has no body (RFC 9112 §6.3 rule 1)",
                        "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", t -> assertAll(
                                () -> assertEquals(BodyKind.NONE, t.response().bodyKind()),
                                () -> assertEquals(ParseStatus.NEED_MORE, t.endOfInput()))),
                valid("1xx then the final response (RFC 9112 §6.3 rule 1, RFC 9110 §15.2)",
                        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", t -> assertAll(
                                () -> assertEquals(List.of(100, 103, 200), t.responses().stream().map(ResponseSnapshot::status).toList()),
                                () -> assertEquals(List.of("Link: </s.css>; rel=preload"), t.responses().get(1).headers()),
                                () -> assertEquals(List.of("", "", "ok"), t.bodies()))),
                valid("HTTP/1.1 with Connection: close (RFC 9112 §9.3)", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                        t -> assertFalse(t.response().keepAlive())),
                valid("HTTP/1.0 closes by default (RFC 9112 §9.3)", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
                        t -> assertFalse(t.response().keepAlive())),
                valid("HTTP/1.0 with keep-alive persists (RFC 9112 §9.3)", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
                        t -> assertTrue(t.response().keepAlive())),
                valid("keep-alive cannot outlive a close-delimited body (RFC 9112 §9.3)", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nx",
                        t -> assertFalse(t.response().keepAlive())),
                valid("Host rules are for requests only (RFC 9112 §3.2)", "HTTP/1.1 200 OK\r\nHost: a\r\nHost: b b\r\nContent-Length: 0\r\n\r\n",
                        t -> assertNull(t.error())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFormedResponses")
    void wellFormedResponseParsesTheSameInEverySplit(String rule, String response, Consumer<Transcript> expectations) {
        Transcript transcript = Incremental.responsesEveryWay(response);
        assertNull(transcript.error(), transcript::toString);
        expectations.accept(transcript);
    }

    static Stream<Arguments> malformedResponses() {
        return Stream.of(
                invalid("two-digit status (RFC 9112 §4)", "HTTP/1.1 20 OK\r\n\r\n", ParseError.STATUS),
                invalid("four-digit status (RFC 9112 §4)", "HTTP/1.1 2000 OK\r\n\r\n", ParseError.STATUS),
                invalid("status with letters (RFC 9112 §4)", "HTTP/1.1 2o0 OK\r\n\r\n", ParseError.STATUS),
                invalid("status below 100 (RFC 9110 §15)", "HTTP/1.1 099 Low\r\n\r\n", ParseError.STATUS),
                invalid("HTAB after the status code (RFC 9112 §4)", "HTTP/1.1 200\tOK\r\n\r\n", ParseError.STATUS),
                invalid("CTL in the reason phrase (RFC 9112 §4)", "HTTP/1.1 200 O\u0001K\r\n\r\n", ParseError.STATUS),
                invalid("DEL in the reason phrase (RFC 9112 §4)", "HTTP/1.1 200 OK\u007f\r\n\r\n", ParseError.STATUS),
                invalid("NUL in the reason phrase (RFC 9112 §4)", "HTTP/1.1 200 O\0K\r\n\r\n", ParseError.STATUS),
                invalid("two SPs before the status (RFC 9112 §4)", "HTTP/1.1  200 OK\r\n\r\n", ParseError.START_LINE),
                invalid("a version alone (RFC 9112 §4)", "HTTP/1.1\r\n\r\n", ParseError.START_LINE),
                invalid("an empty line before the status line (RFC 9112 §4)", "\r\nHTTP/1.1 200 OK\r\n\r\n", ParseError.START_LINE),
                invalid("lower-case HTTP-name (RFC 9112 §2.3)", "http/1.1 200 OK\r\n\r\n", ParseError.VERSION),
                invalid("another protocol's status line (RFC 9112 §2.3)", "ICY 200 OK\r\n\r\n", ParseError.VERSION),
                invalid("HTTP/2 without a minor version (RFC 9112 §2.3)", "HTTP/2 200\r\n\r\n", ParseError.VERSION),
                invalid("HTTP/2.0 (RFC 9110 §15.6.6)", "HTTP/2.0 200 OK\r\n\r\n", ParseError.UNSUPPORTED_VERSION),
                invalid("bare LF ends the status line (RFC 9112 §2.2)", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", ParseError.BARE_LF),
                invalid("bare CR in the status line (RFC 9112 §2.2)", "HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n", ParseError.BARE_CR),
                invalid("obs-fold (RFC 9112 §5.2)", "HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\n\r\n", ParseError.OBS_FOLD),
                invalid("whitespace before a colon (RFC 9112 §5.1)", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", ParseError.WHITESPACE_BEFORE_COLON),
                invalid("NUL in a field value (RFC 9110 §5.5)", "HTTP/1.1 200 OK\r\nX-A: \0\r\n\r\n", ParseError.HEADER_VALUE),
                invalid("Transfer-Encoding with Content-Length (RFC 9112 §6.1)",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                        ParseError.TRANSFER_ENCODING_WITH_CONTENT_LENGTH),
                invalid("chunked twice (RFC 9112 §6.1)", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
                        ParseError.TRANSFER_ENCODING),
                invalid("empty transfer coding (RFC 9112 §6.1)", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,,chunked\r\n\r\n0\r\n\r\n",
                        ParseError.TRANSFER_ENCODING),
                invalid("Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1)", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        ParseError.TRANSFER_ENCODING),
                invalid("Content-Length lines that differ (RFC 9112 §6.3 rule 5)", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
                        ParseError.CONTENT_LENGTH),
                invalid("Content-Length that is not digits (RFC 9110 §8.6)", "HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nok",
                        ParseError.CONTENT_LENGTH),
                invalid("Content-Length beyond a long (RFC 9110 §8.6)", "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n",
                        ParseError.BODY_TOO_LARGE),
                invalid("input ends inside a Content-Length body (RFC 9112 §8)", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
                        ParseError.TRUNCATED),
                invalid("input ends inside the head (RFC 9112 §8)", "HTTP/1.1 200 OK\r\nContent-Le", ParseError.TRUNCATED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedResponses")
    void malformedResponseIsRejectedTheSameInEverySplit(String rule, String response, ParseError error) {
        Transcript transcript = Incremental.responsesEveryWay(response);
        assertEquals(error, transcript.error(), transcript::toString);
    }

    @Test
    void responseToHeadHasNoBodyWhateverItsHeadSays() {
        String stream = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        // RFC 9112 §6.3 rule 1: responses to the first two requests (both HEAD) end at their empty line.
        Transcript transcript = Incremental.everyWay(Incremental.latin1(stream),
                () -> Incremental.responses(new ResponseParser(), true, true, false));
        assertNull(transcript.error(), transcript::toString);
        assertEquals(List.of(BodyKind.NONE, BodyKind.NONE, BodyKind.CONTENT_LENGTH),
                transcript.responses().stream().map(ResponseSnapshot::bodyKind).toList());
        assertEquals(List.of("", "", "ok"), transcript.bodies());
    }

    @Test
    void responseToHeadExpectationOutlivesInterimResponses() {
        String stream = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        // RFC 9110 §15.2: the 100 is interim, so the HEAD expectation holds for the 200 after it, then lapses.
        Transcript transcript = Incremental.everyWay(Incremental.latin1(stream),
                () -> Incremental.responses(new ResponseParser(), true));
        assertEquals(List.of(BodyKind.NONE, BodyKind.NONE, BodyKind.CONTENT_LENGTH),
                transcript.responses().stream().map(ResponseSnapshot::bodyKind).toList());
        assertEquals(List.of("", "", "ok"), transcript.bodies());
    }

    @Test
    void pipelinedResponsesOfEveryFramingAreReportedInOrder() {
        String stream = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\nX-T: t\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 200 OK\r\n\r\nthe rest, until the close";
        Transcript transcript = Incremental.responsesEveryWay(stream);
        assertNull(transcript.error(), transcript::toString);
        assertEquals(List.of(200, 201, 204, 200), transcript.responses().stream().map(ResponseSnapshot::status).toList());
        assertEquals(List.of("one", "two", "", "the rest, until the close"), transcript.bodies());
        assertEquals(List.of(List.of(), List.of("X-T: t"), List.of(), List.of()), transcript.trailers());
        assertEquals(ParseStatus.END, transcript.endOfInput());
    }
}
