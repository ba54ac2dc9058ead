package dev.devproxy.proxy;

import static dev.devproxy.proxy.ProxyTestKit.assertErrorResponse;
import static dev.devproxy.proxy.ProxyTestKit.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.devproxy.DevProxy;
import dev.devproxy.Route;
import dev.devproxy.proxy.ProxyTestKit.RawClient;
import dev.devproxy.proxy.ProxyTestKit.RawResponse;
import dev.devproxy.proxy.ProxyTestKit.ScriptedUpstream;
import dev.devproxy.parser.ParserLimits;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy reads upstream responses with the limits it is configured with, not only client requests: one
 * parser config serves both directions. The head limits bound a response's head as they bound a request's
 * (RFC 9110 section 5.4: a recipient sets its own field limits; a response over one is answered 502), while the
 * request body limit leaves response bodies alone.
 */
@Timeout(30)
class ProxyParserLimitsTest {
    /** Small head limits and a small request body limit, with the response body limit left at none. */
    private static final ParserLimits SMALL = ParserLimits.defaults()
            .withMaxRequestLineLength(64)
            .withMaxHeaderLineLength(64)
            .withMaxHeaderCount(8)
            .withMaxHeaderSectionSize(512)
            .withMaxBodySize(16);

    private static RawResponse exchangeThroughProxy(ParserLimits limits, String upstreamResponse) throws IOException {
        try (ScriptedUpstream upstream = ScriptedUpstream.answering(upstreamResponse);
                DevProxy proxy = DevProxy.builder().port(0).limits(limits)
                        .router(request -> Route.forward(upstream.upstream(), request.target()))
                        .build().start();
                RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(get("/limits"));
            if (response.status() == 502) {
                assertErrorResponse(client, response, 502, "BAD GATEWAY");
            }
            return response;
        }
    }

    private static String responseWithField(int fieldLineLength) {
        return "HTTP/1.1 200 OK\r\nX-A: " + "v".repeat(fieldLineLength - 5) + "\r\nContent-Length: 2\r\n\r\nok";
    }

    @Test
    void aResponseFieldLineAtTheConfiguredLimitIsRelayed() throws IOException {
        RawResponse response = exchangeThroughProxy(SMALL, responseWithField(64));
        assertEquals(200, response.status(), response.statusLine());
        assertEquals("ok", response.bodyText());
    }

    @Test
    void aResponseFieldLineOverTheConfiguredLimitIsAnswered502() throws IOException {
        assertEquals(502, exchangeThroughProxy(SMALL, responseWithField(65)).status());
    }

    @Test
    void theSameResponseIsRelayedUnderTheDefaultLimits() throws IOException {
        // So the 502 above comes from the configured limit, not from the response itself.
        assertEquals(200, exchangeThroughProxy(ParserLimits.defaults(), responseWithField(65)).status());
    }

    @Test
    void aStatusLineOverTheConfiguredStartLineLimitIsAnswered502() throws IOException {
        // RFC 9112 section 4: the status line, bounded like the request line.
        String response = "HTTP/1.1 200 " + "r".repeat(60) + "\r\nContent-Length: 2\r\n\r\nok";
        assertEquals(502, exchangeThroughProxy(SMALL, response).status());
    }

    @Test
    void moreResponseFieldsThanTheConfiguredCountAreAnswered502() throws IOException {
        // Eight X-Many lines and the Content-Length: one past the count of eight.
        String response = "HTTP/1.1 200 OK\r\n" + "X-Many: v\r\n".repeat(8) + "Content-Length: 2\r\n\r\nok";
        assertEquals(502, exchangeThroughProxy(SMALL, response).status());
    }

    @Test
    void theRequestBodyLimitDoesNotBoundAResponseBody() throws IOException {
        String body = "b".repeat(10_000);
        RawResponse response = exchangeThroughProxy(SMALL,
                "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertEquals(200, response.status(), response.statusLine());
        assertEquals(body, response.bodyText());
    }
}
