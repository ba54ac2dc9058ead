package dev.devproxy.proxy;

import static dev.devproxy.proxy.ProxyTestKit.assertErrorResponse;
import static dev.devproxy.proxy.ProxyTestKit.errorCount;
import static dev.devproxy.proxy.ProxyTestKit.ok;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.ErrorKind;
import dev.devproxy.RecordedRequest;
import dev.devproxy.Response;
import dev.devproxy.Route;
import dev.devproxy.proxy.ProxyTestKit.RawClient;
import dev.devproxy.proxy.ProxyTestKit.RawResponse;
import dev.devproxy.proxy.ProxyTestKit.ScriptedUpstream;
import dev.devproxy.proxy.ProxyTestKit.UpstreamRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The four request-target forms of RFC 9112 section 3.2 on the standard router, over raw sockets: absolute-form
 * is routed by its path, CONNECT is never answered 2xx, and OPTIONS * is about the server.
 */
@Timeout(30)
class RequestTargetFormsTest {
    private ScriptedUpstream upstream;
    private DevProxy proxy;

    @BeforeEach
    void start() throws Exception {
        upstream = ScriptedUpstream.answering(request -> ok(request.target()));
        proxy = DevProxy.builder().port(0).upstream(upstream.upstream()).build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }


    private RawResponse exchange(String request) throws Exception {
        try (RawClient client = RawClient.connect(proxy)) {
            return client.exchange(request);
        }
    }

    // ---- absolute-form (RFC 9112 section 3.2.2) --------------------------------------------------------------

    @ParameterizedTest(name = "{0}://any-host/proxy/... is forwarded in origin-form (RFC 9112 §3.2.2)")
    @ValueSource(strings = {"http", "https", "HTTP"})
    void absoluteFormUnderTheProxyPrefixIsForwardedInOriginForm(String scheme) throws Exception {
        RawResponse response = exchange("GET " + scheme + "://any-host:81/proxy/api/users?x=1 HTTP/1.1\r\n"
                + "Host: any-host:81\r\n\r\n");

        assertEquals(200, response.status(), response.statusLine());
        assertEquals("/api/users?x=1", response.bodyText(), "the upstream saw the origin-form target");
        UpstreamRequest forwarded = upstream.takeRequest();
        assertEquals("/api/users?x=1", forwarded.target());
        assertEquals(upstream.upstream().authority(), forwarded.header("Host"), "Host is the upstream's, as always");
    }

    @Test
    void absoluteFormWithAnEmptyPathUnderTheProxyIsForwardedAsSlash() throws Exception {
        // RFC 9112 section 3.2.1: an empty path is sent as "/"; "/proxy" alone maps to "/".
        RawResponse response = exchange("GET http://h/proxy?q HTTP/1.1\r\nHost: h\r\n\r\n");

        assertEquals("/?q", response.bodyText());
    }

    @Test
    void whenTheTargetsAuthorityAndHostDisagreeTheTargetsWins() throws Exception {
        // RFC 9112 section 3.2.2: "the recipient MUST ignore the received Host header field ... and instead use
        // the host information of the request-target". The forwarding field reports that host.
        exchange("GET http://target.example:8080/proxy/x HTTP/1.1\r\nHost: other.example\r\n\r\n");

        UpstreamRequest forwarded = upstream.takeRequest();
        assertEquals("target.example:8080", forwarded.header("X-Forwarded-Host"));
    }

    @Test
    void absoluteFormOutsideTheProxyPrefixIsEchoedWithItsPathFormAndAuthority() throws Exception {
        RawResponse response = exchange("GET http://target.example/hello/world?x=1 HTTP/1.1\r\n"
                + "Host: other.example\r\n\r\n");

        assertEquals(200, response.status());
        String json = response.bodyText();
        assertContains(json, "\"target\":\"http://target.example/hello/world?x=1\",\"path\":\"/hello/world\","
                + "\"query\":\"x=1\",");
        assertContains(json, "\"targetForm\":\"absolute\",\"authority\":\"target.example\"}");
        assertEquals(0, upstream.accepted(), "nothing was forwarded");
    }

    @Test
    void originFormEchoReportsItsFormAndTheHostFieldAsAuthority() throws Exception {
        RawResponse response = exchange("GET /plain HTTP/1.1\r\nHost: devproxy.test:99\r\n\r\n");

        assertContains(response.bodyText(), "\"targetForm\":\"origin\",\"authority\":\"devproxy.test:99\"}");
    }

    @Test
    void absoluteFormMetricsPathServesTheMetrics() throws Exception {
        RawResponse response = exchange("GET http://h/metrics HTTP/1.1\r\nHost: h\r\n\r\n");

        assertEquals(200, response.status());
        assertContains(response.bodyText(), "devproxy_requests_total");
    }

    @Test
    void stubsAndTheJournalSeeTheAbsoluteFormsPath() throws Exception {
        proxy.stubFor(get("/users").willReturn(text(200, "stubbed")));

        RawResponse response = exchange("GET http://h/users?page=2 HTTP/1.1\r\nHost: h\r\n\r\n");

        assertEquals("stubbed", response.bodyText());
        List<RecordedRequest> requests = proxy.journal().all().stream().map(entry -> entry.request()).toList();
        assertEquals(1, requests.size());
        assertEquals("/users", requests.get(0).path());
        assertEquals("page=2", requests.get(0).query());
        assertEquals("http://h/users?page=2", requests.get(0).target(), "the journal keeps the target as sent");
    }

    // ---- authority-form: CONNECT only (RFC 9112 section 3.2.3, RFC 9110 section 9.3.6) ------------------------

    @Test
    void connectIsAnswered501AndClosedWithoutConnectingAnywhere() throws Exception {
        long before = errorCount(proxy, ErrorKind.NOT_IMPLEMENTED);
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange("CONNECT " + upstream.upstream().authority() + " HTTP/1.1\r\n"
                    + "Host: " + upstream.upstream().authority() + "\r\n\r\n");

            // A 2xx would turn the connection into a tunnel (RFC 9110 section 9.3.6); DevProxy opens none.
            assertErrorResponse(client, response, 501, "NOT IMPLEMENTED");
        }
        assertEquals(0, upstream.accepted(), "no connection was opened to the named host");
        assertEquals(before + 1, errorCount(proxy, ErrorKind.NOT_IMPLEMENTED));
    }

    @Test
    void connectIs501WhateverARouterWouldAnswer() throws Exception {
        try (DevProxy permissive = DevProxy.builder().port(0)
                .router(request -> Route.respond(Response.text(200, "tunnel? sure"))).build().start();
                RawClient client = RawClient.connect(permissive)) {
            RawResponse response = client.exchange("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");

            assertErrorResponse(client, response, 501, "NOT IMPLEMENTED");
        }
    }

    @Test
    void connectIs501EvenWhenAStubMatchesEverything() throws Exception {
        proxy.stubFor(dev.devproxy.stub.RequestPattern.request("CONNECT", dev.devproxy.stub.RequestMatchers.anyRequest())
                .willReturn(text(200, "stubbed")));
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");

            assertErrorResponse(client, response, 501, "NOT IMPLEMENTED");
        }
    }

    @ParameterizedTest(name = "CONNECT {0} is 400 (RFC 9112 §3.2.3, RFC 9110 §9.3.6)")
    @ValueSource(strings = {"example.com", "example.com:", "user@example.com:443", "http://example.com:443",
        "http://example.com:443/", "/", "*"})
    void connectWithAnInvalidAuthorityIs400(String target) throws Exception {
        long before = errorCount(proxy, ErrorKind.BAD_REQUEST);
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange("CONNECT " + target + " HTTP/1.1\r\nHost: example.com:443\r\n\r\n");

            assertErrorResponse(client, response, 400, "BAD REQUEST");
        }
        assertEquals(before + 1, errorCount(proxy, ErrorKind.BAD_REQUEST));
        assertEquals(0, upstream.accepted());
    }

    @Test
    void authorityFormWithAnotherMethodIs400() throws Exception {
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange("GET example.com:80 HTTP/1.1\r\nHost: example.com\r\n\r\n");

            assertErrorResponse(client, response, 400, "BAD REQUEST");
        }
    }

    // ---- asterisk-form: OPTIONS only (RFC 9112 section 3.2.4) -------------------------------------------------

    @Test
    void optionsAsteriskIsAnsweredWithAllowAndTheConnectionStaysOpen() throws Exception {
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");

            assertEquals(200, response.status());
            assertEquals("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", response.header("Allow"));
            assertEquals("0", response.header("Content-Length"));
            assertEquals("", response.bodyText(), "not echo");

            RawResponse next = client.exchange("GET /proxy/after HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals("/after", next.bodyText(), "the connection carries the next request");
        }
        assertEquals(1, upstream.accepted(), "only the second request was forwarded");
    }

    @Test
    void optionsAsteriskNeverReachesARouter() throws Exception {
        try (DevProxy forwardingAll = DevProxy.builder().port(0)
                .router(request -> Route.forward(upstream.upstream(), "/everything")).build().start();
                RawClient client = RawClient.connect(forwardingAll)) {
            RawResponse response = client.exchange("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");

            assertEquals(200, response.status());
            assertTrue(response.header("Allow") != null);
        }
        assertEquals(0, upstream.accepted());
    }

    @ParameterizedTest(name = "{0} * is 400 (RFC 9112 §3.2.4)")
    @ValueSource(strings = {"GET", "POST", "HEAD", "DELETE"})
    void asteriskWithAnotherMethodIs400(String method) throws Exception {
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(method + " * HTTP/1.1\r\nHost: h\r\n\r\n");

            assertEquals(400, response.status(), response.statusLine());
            assertEquals("close", response.header("Connection"));
        }
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "expected to find\n  " + part + "\nin\n  " + text);
    }
}
