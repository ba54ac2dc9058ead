package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request or response head that arrives whole is parsed in one pass, without the scanner; one that arrives in pieces goes
 * through the scanner. {@link Incremental#everyWay} feeds each input both ways (whole, and split every way), so
 * these tests fail if the two paths ever disagree. The inputs sit where the one-pass path changes behaviour: around
 * its first copy of 2,048 bytes, when a pipelined head crosses it, and at each line ending it must check itself
 * (RFC 9112 section 2.2).
 */
class OnePassHeadTest {
    /** A valid request head of exactly {@code size} bytes, padded by one long field. */
    private static String headOfSize(int size) {
        String start = "GET /a HTTP/1.1\r\nHost: h\r\nX-Pad: ";
        String end = "\r\n\r\n";
        return start + "p".repeat(size - start.length() - end.length()) + end;
    }

    static IntStream sizesAroundTheFirstCopy() {
        return IntStream.of(60, 2046, 2047, 2048, 2049, 2050, 4000, 8000);
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizesAroundTheFirstCopy")
    void headsAroundTheFirstCopyParseTheSameWholeOrSplit(int size) {
        Transcript transcript = Incremental.requestsEveryWay(headOfSize(size));
        RequestSnapshot head = (RequestSnapshot) assertInstanceOf(Transcript.Head.class, transcript.events().get(0)).head();
        assertEquals(size, head.headLength());
    }

    @ParameterizedTest(name = "second head from byte {0}")
    @ValueSource(ints = {1000, 2040, 2047, 2048, 2049, 3000})
    void aPipelinedHeadAcrossTheFirstCopyParsesTheSameWholeOrSplit(int firstSize) {
        String wire = headOfSize(firstSize) + headOfSize(1500) + "GET /last HTTP/1.1\r\nHost: h\r\n\r\n";
        assertEquals(6, Incremental.requestsEveryWay(wire).events().size() - 1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // RFC 9112 section 2.2: a bare CR, a bare LF, and CR CR LF, in each line the one-pass path reads.
        "GET / HTTP/1.1\rHost: h\r\n\r\n",
        "GET / HTTP/1.1\nHost: h\r\n\r\n",
        "GET / HTTP/1.1\r\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\n",
        // Section 2.2: empty lines before the request line are skipped, by the scanner.
        "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
        // Cut short at each kind of place.
        "GET / HTTP/1.1\r\nHost: h\r\n\r",
        "GET / HTTP/1.1\r\nHost: h\r\n",
        "GET / HTTP/1.1\r\nHost: h",
        "GET / HTTP/1.1\r\nHo",
        "GET / HTTP/1.1\r",
    })
    void lineEndingsAndTruncationsGetTheScannersVerdictWholeOrSplit(String input) {
        Incremental.requestsEveryWay(input);
    }

    @Test
    void aGrammarErrorBeforeALineOverTheLimitGetsOneVerdictWholeOrSplit() {
        // RFC 9112 section 5.1 (no whitespace before the colon), then a field line over the default 8,192 bytes.
        Transcript transcript = Incremental.requestsEveryWay(
                "GET / HTTP/1.1\r\nHost : h\r\nX: " + "x".repeat(9000) + "\r\n\r\n");
        assertEquals(new Transcript.Error(ParseError.HEADER_LINE_TOO_LONG), transcript.events().get(0));
    }

    @Test
    void aBrokenFieldNameRunningPastTheFirstCopyGetsOneVerdictWholeOrSplit() {
        // RFC 9110 section 5.1: field-name = token. The one pass looks for the colon only within the bytes it
        // copied, then leaves the line to the scanner, which sees it whole.
        String broken = "GET / HTTP/1.1\r\nHost: h\r\nX@" + "a".repeat(3000);
        assertEquals(ParseError.HEADER_NAME, Incremental.requestsEveryWay(broken + ": v\r\n\r\n").error());
        assertEquals(ParseError.TRUNCATED, Incremental.requestsEveryWay(broken).error());
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizesAroundTheFirstCopy")
    void responseHeadsAroundTheFirstCopyParseTheSameWholeOrSplit(int size) {
        String start = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Pad: ";
        String end = "\r\n\r\n";
        String wire = start + "p".repeat(size - start.length() - end.length()) + end + "ok";
        Transcript transcript = Incremental.responsesEveryWay(wire + wire);
        ResponseSnapshot head = (ResponseSnapshot) assertInstanceOf(Transcript.Head.class, transcript.events().get(0)).head();
        assertEquals(size, head.headLength());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // RFC 9112 section 4: a status line without its reason, an interim 100 before the final response.
        "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
        // Section 2.2: a bare CR, a bare LF, CR CR LF, in the status line and in a field line.
        "HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n",
        // An empty status line, and a head cut short.
        "\r\nHTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n",
    })
    void responseLineEndingsAndTruncationsGetTheScannersVerdictWholeOrSplit(String input) {
        Incremental.responsesEveryWay(input);
    }
}
