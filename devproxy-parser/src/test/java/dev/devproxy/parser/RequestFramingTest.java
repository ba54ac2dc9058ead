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

/**
 * Host, Content-Length, Transfer-Encoding, Connection and Expect on requests, and the bodies they frame
 * (RFC 9112 sections 3.2, 6 and 9.3; RFC 9110 sections 8.6 and 10.1.1).
 */
class RequestFramingTest {

    private static Arguments valid(String rule, String request, Consumer<Transcript> expectations) {
        return Arguments.of(rule, request, expectations);
    }

    private static Arguments invalid(String rule, String request, ParseError error) {
        return Arguments.of(rule, request, error);
    }

    private static String get(String fields) {
        return "GET / HTTP/1.1\r\n" + fields + "\r\n";
    }

    private static String post(String fields, String body) {
        return "POST /upload HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n" + body;
    }

    static Stream<Arguments> wellFramedRequests() {
        return Stream.of(
                valid("Host with a reg-name (RFC 9112 §3.2)", get("Host: example.com\r\n"), t -> assertNull(t.error())),
                valid("Host with a port (RFC 9112 §3.2)", get("Host: example.com:8080\r\n"), t -> assertNull(t.error())),
                valid("Host with an empty port (RFC 3986 §3.2.3: port = *DIGIT)", get("Host: example.com:\r\n"), t -> assertNull(t.error())),
                valid("Host with an IPv4 address (RFC 3986 §3.2.2)", get("Host: 192.0.2.1:80\r\n"), t -> assertNull(t.error())),
                valid("Host with an IP-literal (RFC 3986 §3.2.2)", get("Host: [2001:db8::7]:443\r\n"), t -> assertNull(t.error())),
                valid("Host with pct-encoded and sub-delims (RFC 3986 §3.2.2)", get("Host: a%2Db_c~d!$&'()*+,;=\r\n"),
                        t -> assertNull(t.error())),
                valid("an empty Host (RFC 9112 §3.2)", get("Host:\r\n"), t -> assertNull(t.error())),
                valid("HTTP/1.0 may omit Host (RFC 9112 §3.2)", "GET / HTTP/1.0\r\n\r\n", t -> assertNull(t.error())),
                valid("no framing fields: no body (RFC 9112 §6.3 rule 7)", get("Host: h\r\n"), t -> assertAll(
                        () -> assertEquals(BodyKind.NONE, t.request().bodyKind()),
                        () -> assertEquals(-1, t.request().contentLength()),
                        () -> assertEquals(List.of(""), t.bodies()))),
                valid("Content-Length body (RFC 9112 §6.3 rule 6)", post("Content-Length: 5\r\n", "hello"), t -> assertAll(
                        () -> assertEquals(BodyKind.CONTENT_LENGTH, t.request().bodyKind()),
                        () -> assertEquals(5, t.request().contentLength()),
                        () -> assertEquals(List.of("hello"), t.bodies()))),
                valid("Content-Length: 0 is END without BODY (RFC 9112 §6.3 rule 6)", post("Content-Length: 0\r\n", ""), t -> assertAll(
                        () -> assertEquals(BodyKind.CONTENT_LENGTH, t.request().bodyKind()),
                        () -> assertEquals(0, t.request().contentLength()),
                        () -> assertEquals(List.of(""), t.bodies()))),
                valid("Content-Length with leading zeros (RFC 9110 §8.6: 1*DIGIT)", post("Content-Length: 005\r\n", "hello"),
                        t -> assertEquals(5, t.request().contentLength())),
                valid("Content-Length list of identical values (RFC 9110 §8.6)", post("Content-Length: 5, 5\r\n", "hello"),
                        t -> assertEquals(List.of("hello"), t.bodies())),
                valid("Content-Length repeated with one value (RFC 9112 §6.3 rule 5)",
                        post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"), t -> assertEquals(List.of("hello"), t.bodies())),
                valid("Content-Length of 0 and 00 agree (RFC 9110 §8.6)", post("Content-Length: 0, 00\r\n", ""),
                        t -> assertEquals(0, t.request().contentLength())),
                valid("chunked (RFC 9112 §6.1)", post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), t -> assertAll(
                        () -> assertEquals(BodyKind.CHUNKED, t.request().bodyKind()),
                        () -> assertEquals(-1, t.request().contentLength()),
                        () -> assertEquals(List.of("hello"), t.bodies()))),
                valid("transfer codings are case-insensitive (RFC 9112 §7)", post("Transfer-Encoding: ChUnKeD\r\n", "0\r\n\r\n"),
                        t -> assertEquals(BodyKind.CHUNKED, t.request().bodyKind())),
                valid("OWS around a transfer coding (RFC 9110 §5.6.1)", post("Transfer-Encoding:  chunked \t\r\n", "0\r\n\r\n"),
                        t -> assertEquals(BodyKind.CHUNKED, t.request().bodyKind())),
                valid("HTTP/1.1 persists by default (RFC 9112 §9.3)", get("Host: h\r\n"), t -> assertTrue(t.request().keepAlive())),
                valid("HTTP/1.1 with Connection: close (RFC 9112 §9.3)", get("Host: h\r\nConnection: close\r\n"),
                        t -> assertFalse(t.request().keepAlive())),
                valid("Connection tokens are a case-insensitive list (RFC 9110 §7.6.1)", get("Host: h\r\nConnection: Upgrade, CLOSE\r\n"),
                        t -> assertFalse(t.request().keepAlive())),
                valid("Connection: close on a second line (RFC 9110 §5.3)", get("Host: h\r\nConnection: upgrade\r\nConnection: close\r\n"),
                        t -> assertFalse(t.request().keepAlive())),
                valid("HTTP/1.1 with other Connection options persists (RFC 9112 §9.3)", get("Host: h\r\nConnection: upgrade\r\n"),
                        t -> assertTrue(t.request().keepAlive())),
                valid("HTTP/1.0 closes by default (RFC 9112 §9.3)", "GET / HTTP/1.0\r\n\r\n", t -> assertFalse(t.request().keepAlive())),
                valid("HTTP/1.0 with keep-alive persists (RFC 9112 §9.3, appendix C.2.2)", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
                        t -> assertTrue(t.request().keepAlive())),
                valid("close wins over keep-alive (RFC 9112 §9.6)", "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
                        t -> assertFalse(t.request().keepAlive())),
                valid("Expect: 100-continue (RFC 9110 §10.1.1)", post("Expect: 100-continue\r\nContent-Length: 2\r\n", "ok"),
                        t -> assertTrue(t.request().expectsContinue())),
                valid("Expect is case-insensitive (RFC 9110 §10.1.1)", post("Expect: 100-Continue\r\nContent-Length: 2\r\n", "ok"),
                        t -> assertTrue(t.request().expectsContinue())),
                valid("no Expect (RFC 9110 §10.1.1)", post("Content-Length: 2\r\n", "ok"), t -> assertFalse(t.request().expectsContinue())),
                valid("Expect in HTTP/1.0 is ignored (RFC 9110 §10.1.1)", "GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n",
                        t -> assertFalse(t.request().expectsContinue())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFramedRequests")
    void wellFramedRequestParsesTheSameInEverySplit(String rule, String request, Consumer<Transcript> expectations) {
        Transcript transcript = Incremental.requestsEveryWay(request);
        assertNull(transcript.error(), transcript::toString);
        assertEquals(1, transcript.endCount(), transcript::toString);
        expectations.accept(transcript);
    }

    static Stream<Arguments> badlyFramedRequests() {
        return Stream.of(
                invalid("HTTP/1.1 without Host (RFC 9112 §3.2)", get(""), ParseError.MISSING_HOST),
                invalid("two Host lines (RFC 9112 §3.2)", get("Host: a\r\nHost: a\r\n"), ParseError.DUPLICATE_HOST),
                invalid("two Host lines, names in other cases (RFC 9112 §3.2)", get("host: a\r\nHOST: b\r\n"), ParseError.DUPLICATE_HOST),
                invalid("two Host lines in HTTP/1.0 (RFC 9112 §3.2)", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", ParseError.DUPLICATE_HOST),
                invalid("Host with SP (RFC 9112 §3.2)", get("Host: a b\r\n"), ParseError.INVALID_HOST),
                invalid("Host with a path (RFC 9112 §3.2)", get("Host: a/b\r\n"), ParseError.INVALID_HOST),
                invalid("Host with userinfo (RFC 9112 §3.2)", get("Host: user@a\r\n"), ParseError.INVALID_HOST),
                invalid("Host with a non-digit port (RFC 9112 §3.2)", get("Host: a:8o\r\n"), ParseError.INVALID_HOST),
                invalid("Host with a port and no host (RFC 9110 §4.2.1)", get("Host: :80\r\n"), ParseError.INVALID_HOST),
                invalid("Host with an unclosed IP-literal (RFC 3986 §3.2.2)", get("Host: [::1\r\n"), ParseError.INVALID_HOST),
                invalid("Host with an empty IP-literal (RFC 3986 §3.2.2)", get("Host: []\r\n"), ParseError.INVALID_HOST),
                invalid("Host with a short pct-encoding (RFC 3986 §2.1)", get("Host: a%2\r\n"), ParseError.INVALID_HOST),
                invalid("Host with a non-hex pct-encoding (RFC 3986 §2.1)", get("Host: a%zz\r\n"), ParseError.INVALID_HOST),
                invalid("Host with obs-text (RFC 9112 §3.2)", get("Host: b\u00fccher.example\r\n"), ParseError.INVALID_HOST),
                invalid("Content-Length list with different values (RFC 9112 §6.3 rule 5)", post("Content-Length: 5, 6\r\n", "hello"),
                        ParseError.CONTENT_LENGTH),
                invalid("Content-Length lines with different values (RFC 9112 §6.3 rule 5)",
                        post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello"), ParseError.CONTENT_LENGTH),
                invalid("negative Content-Length (RFC 9110 §8.6)", post("Content-Length: -5\r\n", ""), ParseError.CONTENT_LENGTH),
                invalid("Content-Length with a plus sign (RFC 9110 §8.6)", post("Content-Length: +5\r\n", "hello"), ParseError.CONTENT_LENGTH),
                invalid("Content-Length with letters (RFC 9110 §8.6)", post("Content-Length: 5a\r\n", "hello"), ParseError.CONTENT_LENGTH),
                invalid("Content-Length in hex (RFC 9110 §8.6)", post("Content-Length: 0x5\r\n", "hello"), ParseError.CONTENT_LENGTH),
                invalid("Content-Length with a fraction (RFC 9110 §8.6)", post("Content-Length: 5.0\r\n", "hello"), ParseError.CONTENT_LENGTH),
                invalid("Content-Length with SP inside (RFC 9110 §8.6)", post("Content-Length: 5 5\r\n", "hello"), ParseError.CONTENT_LENGTH),
                invalid("empty Content-Length (RFC 9110 §8.6)", post("Content-Length:\r\n", ""), ParseError.CONTENT_LENGTH),
                invalid("Content-Length list with an empty element (RFC 9110 §8.6)", post("Content-Length: 5,\r\n", "hello"),
                        ParseError.CONTENT_LENGTH),
                invalid("Content-Length above maxBodySize: 413 (RFC 9110 §15.5.14)", post("Content-Length: 10000001\r\n", ""),
                        ParseError.BODY_TOO_LARGE),
                invalid("Content-Length beyond a long: 413 (RFC 9110 §8.6)", post("Content-Length: 99999999999999999999999\r\n", ""),
                        ParseError.BODY_TOO_LARGE),
                invalid("Transfer-Encoding with Content-Length (RFC 9112 §6.1, §6.3 rule 3)",
                        post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"), ParseError.TRANSFER_ENCODING_WITH_CONTENT_LENGTH),
                invalid("Content-Length before Transfer-Encoding (RFC 9112 §6.1)",
                        post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), ParseError.TRANSFER_ENCODING_WITH_CONTENT_LENGTH),
                invalid("Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1)",
                        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", ParseError.TRANSFER_ENCODING),
                invalid("final coding not chunked (RFC 9112 §6.3 rule 4)", post("Transfer-Encoding: gzip\r\n", ""), ParseError.TRANSFER_ENCODING),
                invalid("chunked before another coding (RFC 9112 §6.3 rule 4)", post("Transfer-Encoding: chunked, gzip\r\n", ""),
                        ParseError.TRANSFER_ENCODING),
                invalid("chunked twice in one line (RFC 9112 §6.1)", post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"),
                        ParseError.TRANSFER_ENCODING),
                invalid("chunked on two lines (RFC 9112 §6.1, RFC 9110 §5.3)",
                        post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), ParseError.TRANSFER_ENCODING),
                invalid("empty Transfer-Encoding (RFC 9112 §6.1)", post("Transfer-Encoding:\r\n", ""), ParseError.TRANSFER_ENCODING),
                invalid("Transfer-Encoding with an empty element (RFC 9112 §6.1)", post("Transfer-Encoding: chunked,\r\n", "0\r\n\r\n"),
                        ParseError.TRANSFER_ENCODING),
                invalid("Transfer-Encoding with parameters (RFC 9112 §7)", post("Transfer-Encoding: chunked;q=1\r\n", "0\r\n\r\n"),
                        ParseError.TRANSFER_ENCODING),
                invalid("Transfer-Encoding with a non-token (RFC 9112 §6.1)", post("Transfer-Encoding: \"chunked\"\r\n", "0\r\n\r\n"),
                        ParseError.TRANSFER_ENCODING),
                invalid("a structural error wins over an unknown coding (RFC 9112 §6.1)",
                        post("Transfer-Encoding: gzip, chunked, chunked\r\n", "0\r\n\r\n"), ParseError.TRANSFER_ENCODING),
                invalid("unknown coding before chunked: 501 (RFC 9112 §6.1)", post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"),
                        ParseError.UNKNOWN_TRANSFER_CODING),
                invalid("unknown coding on an earlier line: 501 (RFC 9112 §6.1)",
                        post("Transfer-Encoding: x-custom\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), ParseError.UNKNOWN_TRANSFER_CODING));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badlyFramedRequests")
    void badlyFramedRequestIsRejectedTheSameInEverySplit(String rule, String request, ParseError error) {
        Transcript transcript = Incremental.requestsEveryWay(request);
        assertEquals(error, transcript.error(), transcript::toString);
        assertEquals(0, transcript.requests().size(), "no head is reported for a badly framed request");
    }

    @Test
    void rejectionStatusesFollowTheRfc() {
        assertAll(
                () -> assertEquals(400, ParseError.MISSING_HOST.status()),
                () -> assertEquals(400, ParseError.CONTENT_LENGTH.status()),
                () -> assertEquals(413, ParseError.BODY_TOO_LARGE.status()),
                () -> assertEquals(400, ParseError.TRANSFER_ENCODING_WITH_CONTENT_LENGTH.status()),
                () -> assertEquals(400, ParseError.TRANSFER_ENCODING.status()),
                () -> assertEquals(501, ParseError.UNKNOWN_TRANSFER_CODING.status()));
    }

    @Test
    void contentLengthAtMaxBodySizeIsAcceptedAndTruncatedWhenTheInputEnds() {
        Transcript transcript = Incremental.requestsEveryWay(post("Content-Length: 10000000\r\n", "abc"));
        assertEquals(10_000_000, transcript.request().contentLength());
        assertEquals(ParseError.TRUNCATED, transcript.error(), "RFC 9112 §8: an incomplete message");
    }

    @Test
    void pipelinedRequestsInOneBufferAreReportedInOrder() {
        String stream = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                + post("Content-Length: 5\r\n", "hello")
                + "PUT /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n"
                + "\r\nDELETE /4 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
                + "GET /5 HTTP/1.0\r\n\r\n";
        Transcript transcript = Incremental.requestsEveryWay(stream);
        assertNull(transcript.error(), transcript::toString);
        assertEquals(List.of("/1", "/upload", "/3", "/4", "/5"),
                transcript.requests().stream().map(RequestSnapshot::target).toList());
        assertEquals(List.of("", "hello", "abcde", "", ""), transcript.bodies());
        assertEquals(List.of(List.of(), List.of(), List.of("X-T: 1"), List.of(), List.of()), transcript.trailers());
        assertEquals(ParseStatus.NEED_MORE, transcript.endOfInput(), "the stream ends between messages");
    }

    @Test
    void keepAliveOfPipelinedRequestsFollowsEachOnesVersionAndConnection() {
        String stream = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                + "GET /c HTTP/1.0\r\n\r\n";
        Transcript transcript = Incremental.requestsEveryWay(stream);
        assertEquals(List.of(true, true, false), transcript.requests().stream().map(RequestSnapshot::keepAlive).toList());
    }

    @Test
    void headLengthCountsTheHeadButNotEmptyLinesBeforeIt() {
        String head = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
        Transcript transcript = Incremental.requestsEveryWay("\r\n\r\n" + head);
        assertEquals(head.length(), transcript.request().headLength());
    }

    @Test
    void emptyLinesBeforeARequestAreIgnoredAsRfc9112Section22Asks() {
        Transcript transcript = Incremental.requestsEveryWay("\r\n\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals("/x", transcript.request().target());
    }

    @Test
    void bodyThatEndsEarlyIsTruncated() {
        Transcript transcript = Incremental.requestsEveryWay(post("Content-Length: 10\r\n", "hello"));
        assertEquals(List.of(new Transcript.Head(transcript.request()), new Transcript.Body("hello"),
                new Transcript.Error(ParseError.TRUNCATED)), transcript.events());
    }

    @Test
    void headThatEndsEarlyIsTruncated() {
        Transcript transcript = Incremental.requestsEveryWay("GET / HTTP/1.1\r\nHost: h\r\n");
        assertEquals(List.of(new Transcript.Error(ParseError.TRUNCATED)), transcript.events());
    }
}
