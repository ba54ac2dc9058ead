package dev.devproxy;

import static dev.devproxy.EchoTest.assertContains;
import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.parser.RequestParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The standard routing: /metrics, /proxy with its prefix stripped, and echo for everything else. */
class StandardRouterTest {
    private static final Upstream UPSTREAM = Upstream.of("localhost", 3001);

    @ParameterizedTest(name = "{0} is forwarded as {1}")
    @CsvSource({
        "/proxy/api/users?x=1, /api/users?x=1",
        "/proxy/api/users,     /api/users",
        "/proxy,               /",
        "/proxy/,              /",
        "/proxy?x=1,           /?x=1",
        "/proxy/?x=1,          /?x=1",
        "/proxy//double,       //double",
        "/proxy/proxy/a,       /proxy/a",
    })
    void proxyPrefixIsStripped(String target, String forwarded) {
        assertEquals(forwarded, StandardRouter.stripProxyPrefix(target));
    }

    @ParameterizedTest(name = "{0} is not under /proxy")
    @ValueSource(strings = {"/proxyfoo", "/proxy-api/x", "/proxy.json", "/Proxy/a", "/api/proxy/a", "/", "/prox"})
    void targetsThatOnlyLookLikeTheProxyPrefixAreNotStripped(String target) {
        assertNull(StandardRouter.stripProxyPrefix(target));
    }

    @ParameterizedTest(name = "{0} is forwarded as {1}")
    @CsvSource({
        "/proxy/api/users?x=1, /api/users?x=1",
        "/proxy,               /",
        "/proxy?x=1,           /?x=1",
    })
    void proxyTargetsAreRoutedToTheUpstream(String target, String forwarded) {
        assertEquals(Route.forward(UPSTREAM, forwarded), route(target));
    }

    @ParameterizedTest(name = "absolute-form {0} is forwarded as {1} (RFC 9112 §3.2.2)")
    @CsvSource({
        "http://any-host/proxy/api/users?x=1,   /api/users?x=1",
        "https://any-host:8443/proxy/api,       /api",
        "HTTP://any-host/proxy,                 /",
        "http://any-host,                       ",
        "http://any-host/proxyfoo,              ",
        "http://any-host?x=1,                   ",
    })
    void absoluteFormIsRoutedByItsPathAndQuery(String target, String forwarded) {
        assertEquals(forwarded == null ? Route.echo() : Route.forward(UPSTREAM, forwarded), route(target));
    }

    @Test
    void absoluteFormMetricsPathServesTheMetrics() {
        assertEquals(Route.metrics(), route("http://h/metrics?x"));
    }

    @ParameterizedTest(name = "{0} is echoed")
    @ValueSource(strings = {"/", "/proxyfoo", "/anything/else?x=1", "/metrics/more", "/metricsx", "/api/proxy"})
    void everythingElseIsEchoed(String target) {
        assertEquals(Route.echo(), route(target));
    }

    @ParameterizedTest(name = "{0} serves the metrics")
    @ValueSource(strings = {"/metrics", "/metrics?format=prometheus"})
    void metricsPathServesTheMetrics(String target) {
        assertEquals(Route.metrics(), route(target));
    }

    @Test
    @Timeout(20)
    void proxyfooIsEchoedAndMetricsServedEndToEnd() {
        try (DevProxy proxy = proxy().build().start(); RawClient client = RawClient.connect(proxy)) {
            client.send("GET /proxyfoo HTTP/1.1\r\nHost: h\r\n\r\n");
            RawClient.RawResponse echo = client.readResponse();
            client.send("GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n");
            RawClient.RawResponse metrics = client.readResponse();

            assertEquals("application/json", echo.header("Content-Type"));
            assertContains(echo.bodyText(), "\"target\":\"/proxyfoo\",\"path\":\"/proxyfoo\",");
            assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.header("Content-Type"));
            assertContains(metrics.bodyText(), "# TYPE devproxy_requests_total counter\n");
        }
    }

    private static Route route(String target) {
        RequestParser parser = new RequestParser();
        ByteBuffer request = ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(ParseStatus.HEAD, parser.parse(request));
        RequestHead head = parser.head();
        return Router.standard(UPSTREAM).route(head);
    }
}
