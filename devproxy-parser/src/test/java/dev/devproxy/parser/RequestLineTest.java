package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.devproxy.parser.RequestHead.TargetForm;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The request line: method, request-target and its four forms, HTTP-version (RFC 9112 sections 2.3 and 3). */
class RequestLineTest {

    private static Arguments valid(String rule, String requestLine, Consumer<RequestSnapshot> expectations) {
        return Arguments.of(rule, requestLine, expectations);
    }

    private static Arguments invalid(String rule, String requestLine, ParseError error) {
        return Arguments.of(rule, requestLine, error);
    }

    static Stream<Arguments> wellFormedRequestLines() {
        return Stream.of(
                valid("origin-form (RFC 9112 §3.2.1)", "GET /index.html HTTP/1.1", head -> assertAll(
                        () -> assertEquals("GET", head.method()),
                        () -> assertEquals("/index.html", head.target()),
                        () -> assertEquals(TargetForm.ORIGIN, head.form()),
                        () -> assertEquals("/index.html", head.path()),
                        () -> assertNull(head.query()),
                        () -> assertEquals("example.com", head.authority(), "origin-form: the Host field's"),
                        () -> assertEquals(HttpVersion.HTTP_1_1, head.version()))),
                valid("origin-form with a query (RFC 9112 §3.2.1)", "GET /search?q=a&b=c%20d HTTP/1.1", head -> assertAll(
                        () -> assertEquals("/search", head.path()),
                        () -> assertEquals("q=a&b=c%20d", head.query()))),
                valid("origin-form with an empty query (RFC 9112 §3.2.1)", "GET /x? HTTP/1.1", head -> assertAll(
                        () -> assertEquals("/x", head.path()),
                        () -> assertEquals("", head.query()))),
                valid("origin-form takes any visible ASCII (RFC 9112 §3.2)", "GET /~u/a;p=1!$&'()*+,=:@|{}^`[]\\\"<> HTTP/1.1",
                        head -> assertEquals("/~u/a;p=1!$&'()*+,=:@|{}^`[]\\\"<>", head.path())),
                valid("absolute-form (RFC 9112 §3.2.2)", "GET http://example.com:8080/a/b?c=d HTTP/1.1", head -> assertAll(
                        () -> assertEquals(TargetForm.ABSOLUTE, head.form()),
                        () -> assertEquals("http://example.com:8080/a/b?c=d", head.target()),
                        () -> assertEquals("example.com:8080", head.authority()),
                        () -> assertEquals("/a/b", head.path()),
                        () -> assertEquals("c=d", head.query()))),
                valid("absolute-form scheme is case-insensitive (RFC 3986 §3.1)", "GET HTTPS://Example.COM/x HTTP/1.1", head -> assertAll(
                        () -> assertEquals(TargetForm.ABSOLUTE, head.form()),
                        () -> assertEquals("/x", head.path()))),
                valid("absolute-form with an empty path has path / (RFC 9112 §3.2.1)", "GET http://example.com HTTP/1.1", head -> assertAll(
                        () -> assertEquals("/", head.path()),
                        () -> assertNull(head.query()))),
                valid("absolute-form with a query and no path (RFC 9112 §3.2.1)", "GET http://example.com?x=1 HTTP/1.1", head -> assertAll(
                        () -> assertEquals("example.com", head.authority()),
                        () -> assertEquals("/", head.path()),
                        () -> assertEquals("x=1", head.query()))),
                valid("absolute-form with an IP-literal (RFC 3986 §3.2.2)", "GET http://[2001:db8::1]:80/ HTTP/1.1", head -> assertAll(
                        () -> assertEquals("[2001:db8::1]:80", head.authority()),
                        () -> assertEquals("/", head.path()))),
                valid("absolute-form: the target's authority wins over a differing Host (RFC 9112 §3.2.2)",
                        "GET http://target.example/x HTTP/1.1", head -> assertEquals("target.example", head.authority())),
                valid("authority-form with CONNECT (RFC 9112 §3.2.3)", "CONNECT example.com:443 HTTP/1.1", head -> assertAll(
                        () -> assertEquals(TargetForm.AUTHORITY, head.form()),
                        () -> assertEquals("example.com:443", head.path()),
                        () -> assertEquals("example.com:443", head.authority()),
                        () -> assertNull(head.query()))),
                valid("authority-form with an IP-literal (RFC 9112 §3.2.3)", "CONNECT [::1]:8443 HTTP/1.1",
                        head -> assertEquals(TargetForm.AUTHORITY, head.form())),
                valid("asterisk-form with OPTIONS (RFC 9112 §3.2.4)", "OPTIONS * HTTP/1.1", head -> assertAll(
                        () -> assertEquals(TargetForm.ASTERISK, head.form()),
                        () -> assertEquals("*", head.path()))),
                valid("an extension method is any token (RFC 9110 §9.1)", "PROPFIND /dav HTTP/1.1",
                        head -> assertEquals("PROPFIND", head.method())),
                valid("a method of every tchar (RFC 9110 §5.6.2)", "!#$%&'*+-.^_`|~09azAZ / HTTP/1.1",
                        head -> assertEquals("!#$%&'*+-.^_`|~09azAZ", head.method())),
                valid("methods are case-sensitive: get is not GET (RFC 9110 §9.1)", "get / HTTP/1.1",
                        head -> assertEquals("get", head.method())),
                valid("HTTP/1.0 (RFC 9112 §2.3)", "GET / HTTP/1.0",
                        head -> assertEquals(HttpVersion.HTTP_1_0, head.version())),
                valid("a higher 1.x minor version is read as 1.1 (RFC 9110 §2.5)", "GET / HTTP/1.9",
                        head -> assertEquals(HttpVersion.HTTP_1_1, head.version())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFormedRequestLines")
    void wellFormedRequestLineParsesTheSameInEverySplit(String rule, String requestLine,
            Consumer<RequestSnapshot> expectations) {
        Transcript transcript = Incremental.requestsEveryWay(requestLine + "\r\nHost: example.com\r\n\r\n");
        assertNull(transcript.error(), transcript::toString);
        expectations.accept(transcript.request());
        assertEquals(1, transcript.endCount());
    }

    static Stream<Arguments> malformedRequestLines() {
        return Stream.of(
                invalid("line starts with SP: empty method (RFC 9110 §9.1)", " GET / HTTP/1.1", ParseError.METHOD),
                invalid("( in method is not a tchar (RFC 9110 §9.1)", "GE(T / HTTP/1.1", ParseError.METHOD),
                invalid("NUL in method (RFC 9110 §9.1)", "G\0ET / HTTP/1.1", ParseError.METHOD),
                invalid("obs-text in method (RFC 9110 §9.1)", "G\u00c9T / HTTP/1.1", ParseError.METHOD),
                invalid("HTAB instead of SP after the method (RFC 9112 §3)", "GET\t/ HTTP/1.1", ParseError.START_LINE),
                invalid("two SPs between method and target (RFC 9112 §3)", "GET  / HTTP/1.1", ParseError.START_LINE),
                invalid("two SPs between target and version (RFC 9112 §3)", "GET /  HTTP/1.1", ParseError.START_LINE),
                invalid("SP after the version (RFC 9112 §3)", "GET / HTTP/1.1 ", ParseError.START_LINE),
                invalid("a method alone (RFC 9112 §3)", "GET", ParseError.START_LINE),
                invalid("no version, as in HTTP/0.9 (RFC 9112 §3)", "GET /", ParseError.START_LINE),
                invalid("four parts (RFC 9112 §3)", "GET / HTTP/1.1 extra", ParseError.START_LINE),
                invalid("NUL in target (RFC 9112 §3.2)", "GET /a\0b HTTP/1.1", ParseError.TARGET),
                invalid("CTL in target (RFC 9112 §3.2)", "GET /a\u0001b HTTP/1.1", ParseError.TARGET),
                invalid("DEL in target (RFC 9112 §3.2)", "GET /a\u007fb HTTP/1.1", ParseError.TARGET),
                invalid("obs-text in target: non-ASCII must be percent-encoded (RFC 9112 §3.2)", "GET /caf\u00e9 HTTP/1.1",
                        ParseError.TARGET),
                invalid("asterisk-form with GET (RFC 9112 §3.2.4)", "GET * HTTP/1.1", ParseError.TARGET),
                invalid("asterisk-form with more than * (RFC 9112 §3.2.4)", "OPTIONS *x HTTP/1.1", ParseError.TARGET),
                invalid("authority-form with GET (RFC 9112 §3.2.3)", "GET example.com:80 HTTP/1.1", ParseError.TARGET),
                invalid("CONNECT with origin-form (RFC 9112 §3.2.3)", "CONNECT / HTTP/1.1", ParseError.TARGET),
                invalid("CONNECT with absolute-form (RFC 9112 §3.2.3)", "CONNECT http://example.com:443 HTTP/1.1",
                        ParseError.TARGET),
                invalid("CONNECT without a port (RFC 9110 §9.3.6)", "CONNECT example.com HTTP/1.1", ParseError.TARGET),
                invalid("CONNECT with an empty port (RFC 9110 §9.3.6)", "CONNECT example.com: HTTP/1.1", ParseError.TARGET),
                invalid("CONNECT with userinfo (RFC 9110 §4.2.4)", "CONNECT u@example.com:443 HTTP/1.1", ParseError.TARGET),
                invalid("absolute-form with a scheme other than http(s) (RFC 9112 §3.2.2)", "GET ftp://example.com/ HTTP/1.1",
                        ParseError.TARGET),
                invalid("absolute-form with an empty host (RFC 9110 §4.2.1)", "GET http:///x HTTP/1.1", ParseError.TARGET),
                invalid("absolute-form with userinfo (RFC 9110 §4.2.4)", "GET http://user@example.com/ HTTP/1.1",
                        ParseError.TARGET),
                invalid("absolute-form with one slash (RFC 9112 §3.2.2)", "GET http:/example.com/ HTTP/1.1", ParseError.TARGET),
                invalid("a relative path is no form at all (RFC 9112 §3.2)", "GET index.html HTTP/1.1", ParseError.TARGET),
                invalid("lower-case HTTP-name (RFC 9112 §2.3)", "GET / http/1.1", ParseError.VERSION),
                invalid("two-digit minor version (RFC 9112 §2.3)", "GET / HTTP/1.10", ParseError.VERSION),
                invalid("version without a minor (RFC 9112 §2.3)", "GET / HTTP/1", ParseError.VERSION),
                invalid("version with letters (RFC 9112 §2.3)", "GET / HTTP/x.y", ParseError.VERSION),
                invalid("HTTP/2.0 is not HTTP/1.x: 505 (RFC 9110 §15.6.6)", "GET / HTTP/2.0", ParseError.UNSUPPORTED_VERSION),
                invalid("HTTP/0.9 in a request line: 505 (RFC 9110 §15.6.6)", "GET / HTTP/0.9", ParseError.UNSUPPORTED_VERSION),
                invalid("bare CR in the request line (RFC 9112 §2.2)", "GET /\r HTTP/1.1", ParseError.BARE_CR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequestLines")
    void malformedRequestLineIsRejectedTheSameInEverySplit(String rule, String requestLine, ParseError error) {
        Transcript transcript = Incremental.requestsEveryWay(requestLine + "\r\nHost: example.com\r\n\r\n");
        assertEquals(error, transcript.error(), transcript::toString);
        assertEquals(0, transcript.requests().size(), "no head is reported for a malformed request line");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequestLines")
    void errorStatusOfMalformedRequestLineIs400Or505(String rule, String requestLine, ParseError error) {
        assertEquals(error == ParseError.UNSUPPORTED_VERSION ? 505 : 400, error.status());
    }
}
