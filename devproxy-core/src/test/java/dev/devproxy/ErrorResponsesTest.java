package dev.devproxy;

import static dev.devproxy.TestSupport.assertErrorResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests the parser rejects, and a router that throws: each gets DevProxy's plain-text error format with the right
 * status, and then the connection closes.
 */
@Timeout(20)
class ErrorResponsesTest {

    /** A proxy to test, as {@link TestSupport#proxy()} builds it; with an HTTPS listener in the TLS variant. */
    DevProxy.Builder proxy() {
        return TestSupport.proxy();
    }

    /** A raw client of {@code proxy}: plain here, over TLS in {@link ErrorResponsesOverTlsTest}. */
    RawClient connect(DevProxy proxy) {
        return RawClient.connect(proxy);
    }

    private DevProxy proxy;

    @BeforeEach
    void start() {
        proxy = proxy().build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    static Stream<Arguments> badRequests() {
        StringBuilder manyHeaders = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i < 100; i++) { // 101 with Host, over the default 100
            manyHeaders.append("X-N").append(i).append(": v\r\n");
        }
        manyHeaders.append("\r\n");
        return Stream.of(
                Arguments.of("malformed request line", "GARBAGE\r\n\r\n", 400, "Bad Request"),
                Arguments.of("two spaces in the request line", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "Bad Request"),
                Arguments.of("lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400, "Bad Request"),
                Arguments.of("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400, "Bad Request"),
                Arguments.of("NUL in a header value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n", 400, "Bad Request"),
                Arguments.of("space before the colon", "GET / HTTP/1.1\r\nHost: h\r\nX-A : b\r\n\r\n", 400, "Bad Request"),
                Arguments.of("Content-Length and Transfer-Encoding together",
                        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400, "Bad Request"),
                Arguments.of("differing Content-Lengths",
                        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, "Bad Request"),
                Arguments.of("bad chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
                        "Bad Request"),
                Arguments.of("request line too long", "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414,
                        "URI Too Long"),
                Arguments.of("too many headers", manyHeaders.toString(), 431, "Request Header Fields Too Large"),
                Arguments.of("header line too long", "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n",
                        431, "Request Header Fields Too Large"),
                Arguments.of("Content-Length over the body limit",
                        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10000001\r\n\r\n", 413, "Content Too Large"),
                Arguments.of("unknown transfer coding before chunked",
                        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501,
                        "Not Implemented"),
                Arguments.of("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "HTTP Version Not Supported"));
    }

    @ParameterizedTest(name = "{0} is answered {2}")
    @MethodSource("badRequests")
    void badRequestIsAnsweredInTheErrorFormatAndTheConnectionClosed(String name, String request, int status,
            String reason) {
        try (RawClient client = connect(proxy)) {
            client.send(request);

            RawClient.RawResponse response = client.readResponse();

            assertErrorResponse(response, status, reason);
            client.assertClosedByServer();
        }
        // The response is written before the request is counted: let the loops finish before reading metrics.
        TestSupport.awaitEventLoopsIdle(proxy);
        assertEquals(1, proxy.server().metrics().errors(ErrorKind.BAD_REQUEST));
        assertEquals(1, proxy.server().metrics().requests(RouteKind.REJECT, status / 100));
        TestSupport.awaitNoOpenConnections(proxy);
        TestSupport.awaitNoBuffersInUse(proxy);
    }

    @Test
    void badRequestAfterAGoodOneOnTheSameConnectionAnswersTheGoodOneFirst() {
        try (RawClient client = connect(proxy)) {
            client.send("GET /good HTTP/1.1\r\nHost: h\r\n\r\nGET /bad HTTP/9.9\r\nHost: h\r\n\r\n");

            assertEquals(200, client.readResponse().status());
            assertErrorResponse(client.readResponse(), 505, "HTTP Version Not Supported");
            client.assertClosedByServer();
        }
    }

    @Test
    void bodyOverTheLimitWhileStreamingIsAnswered413() {
        proxy.close();
        proxy = proxy().limits(dev.devproxy.parser.ParserLimits.defaults().withMaxBodySize(1000)).build().start();
        try (RawClient client = connect(proxy)) {
            client.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3e8\r\n" + "c".repeat(1000) + "\r\n1\r\nc\r\n0\r\n\r\n");

            assertErrorResponse(client.readResponse(), 413, "Content Too Large");
            client.assertClosedByServer();
        }
    }

    @Test
    void routerThatThrowsGetsTheClientA500WithoutAStackTrace() {
        proxy.close();
        Router broken = request -> {
            throw new IllegalStateException("router bug with secret detail");
        };
        proxy = proxy().router(broken).build().start();
        try (RawClient client = connect(proxy)) {
            client.send("GET /boom HTTP/1.1\r\nHost: h\r\n\r\n");

            RawClient.RawResponse response = client.readResponse();

            assertErrorResponse(response, 500, "Internal Server Error");
            String everything = response.headers() + new String(response.body(), StandardCharsets.ISO_8859_1);
            assertFalse(everything.contains("Exception") || everything.contains("secret") || everything.contains("at dev."),
                    everything);
            client.assertClosedByServer();
        }
        assertEquals(1, proxy.server().metrics().errors(ErrorKind.INTERNAL));
    }

    @Test
    void routerThatThrowsAnErrorGetsTheClientA500AndTheEventLoopSurvives() {
        proxy.close();
        Router failingAssertion = request -> {
            if (request.path().equals("/assert")) {
                throw new AssertionError("a router written with test assertions");
            }
            return Route.echo();
        };
        proxy = proxy().ioThreads(1).router(failingAssertion).build().start();
        try (RawClient client = connect(proxy)) {
            client.send("GET /assert HTTP/1.1\r\nHost: h\r\n\r\n");

            assertErrorResponse(client.readResponse(), 500, "Internal Server Error");
        }
        try (RawClient client = connect(proxy)) { // the only event loop still serves
            client.send("GET /fine HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(200, client.readResponse().status());
        }
    }

    @Test
    void proxyKeepsServingAfterARouterThrew() {
        proxy.close();
        Router sometimesBroken = request -> {
            if (request.path().equals("/boom")) {
                throw new IllegalStateException("boom");
            }
            return Route.echo();
        };
        proxy = proxy().router(sometimesBroken).build().start();
        try (RawClient first = connect(proxy)) {
            first.send("GET /boom HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(500, first.readResponse().status());
        }
        try (RawClient second = connect(proxy)) {
            second.send("GET /fine HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(200, second.readResponse().status());
        }
    }
}
