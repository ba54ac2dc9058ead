package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One {@link ParserConfig} for both directions: the same value given to a {@link RequestParser} and a
 * {@link ResponseParser} holds both to the same head limits and leniencies, while each direction has its own
 * body limit ({@code maxBodySize} for requests, {@code maxResponseBodySize} for responses, none by default).
 * Every case is fed whole, byte by byte, at every split and at random splits ({@link Incremental#everyWay}).
 */
class ParserConfigTest {
    /** Small head limits, a request body limit of 16 and a response body limit of 32. */
    private static final ParserConfig SMALL = new ParserConfig(
            new ParserLimits(32, 40, 4, 128, 16, 20).withMaxResponseBodySize(32), Set.of());

    private static Transcript requestsEveryWay(ParserConfig config, String input) {
        return Incremental.everyWay(Incremental.latin1(input), () -> Incremental.requests(new RequestParser(config)));
    }

    private static Transcript responsesEveryWay(ParserConfig config, String input) {
        return Incremental.everyWay(Incremental.latin1(input), () -> Incremental.responses(new ResponseParser(config)));
    }

    /** A head limit, as a request and as a response, at the limit and one past it. */
    private static Stream<Arguments> bothWays(String rule, int limit, IntFunction<String> request,
            IntFunction<String> response, ParseError error) {
        return Stream.of(
                Arguments.of(rule + ", request at " + limit, true, request.apply(limit), null),
                Arguments.of(rule + ", request past it: " + error, true, request.apply(limit + 1), error),
                Arguments.of(rule + ", response at " + limit, false, response.apply(limit), null),
                Arguments.of(rule + ", response past it: " + error, false, response.apply(limit + 1), error));
    }

    static Stream<Arguments> headLimitsBothWays() {
        return Stream.of(
                bothWays("start line (RFC 9112 §3, §4)", 32,
                        n -> LimitsTest.requestLine(n) + "\r\nHost: h\r\n\r\n",
                        n -> LimitsTest.statusLine(n) + "\r\nContent-Length: 0\r\n\r\n",
                        ParseError.REQUEST_LINE_TOO_LONG),
                bothWays("field line (RFC 9112 §5, RFC 9110 §5.4)", 40,
                        n -> "GET / HTTP/1.1\r\nHost: h\r\n" + LimitsTest.fieldLine(n) + "\r\n\r\n",
                        n -> "HTTP/1.1 204 No Content\r\n" + LimitsTest.fieldLine(n) + "\r\n\r\n",
                        ParseError.HEADER_LINE_TOO_LONG),
                bothWays("field count (RFC 9112 §5, RFC 9110 §5.4)", 4,
                        n -> "GET / HTTP/1.1\r\n" + LimitsTest.fieldLines(n) + "\r\n",
                        n -> "HTTP/1.1 204 No Content\r\n" + LimitsTest.fieldLines(n) + "\r\n",
                        ParseError.TOO_MANY_HEADERS),
                bothWays("trailer field line (RFC 9112 §7.1.2)", 40,
                        n -> "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                                + LimitsTest.fieldLine(n) + "\r\n\r\n",
                        n -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                                + LimitsTest.fieldLine(n) + "\r\n\r\n",
                        ParseError.HEADER_LINE_TOO_LONG),
                bothWays("chunk line (RFC 9112 §7.1.1)", 20,
                        n -> "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;" + "e".repeat(n - 2)
                                + "\r\nhello\r\n0\r\n\r\n",
                        n -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;" + "e".repeat(n - 2)
                                + "\r\nhello\r\n0\r\n\r\n",
                        ParseError.CHUNK_EXTENSION))
                .flatMap(cases -> cases);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headLimitsBothWays")
    void oneConfigHoldsRequestsAndResponsesToTheSameHeadLimits(String rule, boolean request, String input,
            @Nullable ParseError error) {
        Transcript transcript = request ? requestsEveryWay(SMALL, input) : responsesEveryWay(SMALL, input);
        assertEquals(error, transcript.error(), transcript::toString);
        if (error == null) {
            assertEquals(1, transcript.endCount(), transcript::toString);
        }
    }

    static Stream<Arguments> responseBodies() {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        String sixteen = "c".repeat(16);
        return Stream.of(
                // RFC 9112 §6.3 rule 6: a declared length past the limit fails at the head.
                Arguments.of("Content-Length at the response limit", "HTTP/1.1 200 OK\r\nContent-Length: 32\r\n\r\n"
                        + "b".repeat(32), "b".repeat(32), null),
                Arguments.of("Content-Length past the response limit", "HTTP/1.1 200 OK\r\nContent-Length: 33\r\n\r\n"
                        + "b".repeat(33), "", ParseError.BODY_TOO_LARGE),
                // RFC 9112 §7.1: the sum of the chunk sizes, checked at each chunk line.
                Arguments.of("chunks at the response limit", chunked + "10\r\n" + sixteen + "\r\n10\r\n" + sixteen
                        + "\r\n0\r\n\r\n", sixteen + sixteen, null),
                Arguments.of("chunks past the response limit", chunked + "10\r\n" + sixteen + "\r\n11\r\n" + sixteen
                        + "c\r\n0\r\n\r\n", sixteen, ParseError.BODY_TOO_LARGE),
                // RFC 9112 §6.3 rule 8: a close-delimited body, reported up to the limit.
                Arguments.of("close-delimited at the response limit", "HTTP/1.1 200 OK\r\n\r\n" + "b".repeat(32),
                        "b".repeat(32), null),
                Arguments.of("close-delimited past the response limit", "HTTP/1.1 200 OK\r\n\r\n" + "b".repeat(33),
                        "b".repeat(32), ParseError.BODY_TOO_LARGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responseBodies")
    void theResponseBodyLimitBoundsResponsesAndNotTheRequestOne(String rule, String input, String bodyReported,
            @Nullable ParseError error) {
        // Every body here is over the request limit of 16: only maxResponseBodySize may stop it.
        Transcript transcript = responsesEveryWay(SMALL, input);
        assertEquals(error, transcript.error(), transcript::toString);
        String reported = transcript.events().stream().filter(Transcript.Body.class::isInstance)
                .map(event -> ((Transcript.Body) event).bytes()).reduce("", String::concat);
        assertEquals(bodyReported, reported, transcript::toString);
        if (error == null) {
            assertEquals(1, transcript.endCount(), transcript::toString);
        }
    }

    @Test
    void theRequestBodyLimitStillBoundsRequests() {
        // RFC 9112 §6.3 rule 6, with maxBodySize 16 and a response limit of 32 that must not apply.
        String post = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n" + "b".repeat(17);
        assertEquals(ParseError.BODY_TOO_LARGE, requestsEveryWay(SMALL, post).error());
    }

    @Test
    void theDefaultConfigBoundsRequestBodiesButNotResponseBodies() {
        ParserConfig defaults = ParserConfig.defaults();
        assertEquals(10_000_000L, defaults.limits().maxBodySize());
        assertEquals(Long.MAX_VALUE, defaults.limits().maxResponseBodySize());
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 20000000\r\n\r\n";
        Transcript response = responsesEveryWay(defaults, head);
        assertEquals(20_000_000L, response.response().contentLength());
        String post = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 20000000\r\n\r\n";
        assertEquals(ParseError.BODY_TOO_LARGE, requestsEveryWay(defaults, post).error());
    }

    @SuppressWarnings("removal")
    @Test
    void theDeprecatedResponseConstructorStillBoundsTheResponseBodyByMaxBodySize() {
        ParserLimits limits = new ParserLimits(32, 40, 4, 128, 16, 20);
        String response = "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n" + "b".repeat(17);
        Transcript transcript = Incremental.everyWay(Incremental.latin1(response),
                () -> Incremental.responses(new ResponseParser(limits, Set.of())));
        assertEquals(ParseError.BODY_TOO_LARGE, transcript.error());
        // The config constructor with the same limits lets it through: its response limit is none.
        assertNull(responsesEveryWay(new ParserConfig(limits, Set.of()), response).error());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "GET / HTTP/1.1\nHost: h\n\n",
        "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\n",
        "POST / HTTP/1.1\r\nHost: h\nTransfer-Encoding: chunked\n\n3\nabc\n0\nT: v\n\n",
    })
    void bareLfLeniencyReadsRequestsTheSameWholeOrSplit(String input) {
        // RFC 9112 §2.2: "a recipient MAY recognize a single LF as a line terminator", here opted into.
        ParserConfig lenient = ParserConfig.defaults().withLeniencies(Set.of(Leniency.BARE_LF));
        Transcript transcript = requestsEveryWay(lenient, input);
        assertNull(transcript.error(), transcript::toString);
        assertEquals(ParseError.BARE_LF, requestsEveryWay(ParserConfig.defaults(), input).error());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\nX: y\r\n\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\n\n3\nabc\n0\nT: v\n\n",
    })
    void bareLfLeniencyReadsResponsesTheSameWholeOrSplit(String input) {
        // RFC 9112 §2.2, in the other direction, from the same kind of config.
        ParserConfig lenient = ParserConfig.defaults().withLeniencies(Set.of(Leniency.BARE_LF));
        Transcript transcript = responsesEveryWay(lenient, input);
        assertNull(transcript.error(), transcript::toString);
        assertEquals(ParseError.BARE_LF, responsesEveryWay(ParserConfig.defaults(), input).error());
    }

    @Test
    void leniencesAreCopiedSoTheConfigCannotChangeUnderAParser() {
        Set<Leniency> leniencies = EnumSet.of(Leniency.BARE_LF);
        ParserConfig config = new ParserConfig(ParserLimits.defaults(), leniencies);
        leniencies.clear();
        assertTrue(config.allows(Leniency.BARE_LF));
        assertFalse(ParserConfig.defaults().allows(Leniency.BARE_LF));
        assertThrows(UnsupportedOperationException.class, () -> config.leniencies().clear());
    }

    @Test
    void theSixLimitConstructorHasNoResponseBodyLimit() {
        assertEquals(ParserLimits.defaults(), new ParserLimits(4096, 8192, 100, 65_536, 10_000_000L, 4096));
        assertEquals(Long.MAX_VALUE, new ParserLimits(32, 40, 4, 128, 16, 20).maxResponseBodySize());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> ParserLimits.defaults().withMaxResponseBodySize(-1));
        assertEquals("maxResponseBodySize must be at least 0, was -1", negative.getMessage());
    }
}
