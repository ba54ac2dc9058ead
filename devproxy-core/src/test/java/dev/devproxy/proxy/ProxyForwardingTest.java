package dev.devproxy.proxy;

import static dev.devproxy.proxy.ProxyTestKit.get;
import static dev.devproxy.proxy.ProxyTestKit.ok;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.proxy.ProxyTestKit.Field;
import dev.devproxy.proxy.ProxyTestKit.HttpUpstream;
import dev.devproxy.proxy.ProxyTestKit.RawClient;
import dev.devproxy.proxy.ProxyTestKit.RawResponse;
import dev.devproxy.proxy.ProxyTestKit.Received;
import dev.devproxy.proxy.ProxyTestKit.ScriptedUpstream;
import dev.devproxy.proxy.ProxyTestKit.UpstreamRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proxy mode's rewriting, on the standard router: what reaches the upstream (target, method, Host, hop-by-hop
 * fields gone, forwarding fields appended, end-to-end fields in order) and what comes back (RFC 9110 section 7.6).
 */
@Timeout(30)
class ProxyForwardingTest {
    /** Answers every request with its target as the body, so each response names the request it answers. */
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


    private UpstreamRequest forward(String request) throws Exception {
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(request);
            assertEquals(200, response.status(), response.statusLine());
        }
        return upstream.takeRequest();
    }

    // ---- Target ---------------------------------------------------------------------------------------------

    @Test
    void prefixIsStrippedAndTheQueryKept() throws Exception {
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(get("/proxy/api/users?x=1&y=%20"));

            assertEquals("/api/users?x=1&y=%20", response.bodyText(), "the upstream's answer reaches the client");
        }
        assertEquals("/api/users?x=1&y=%20", upstream.takeRequest().target());
    }

    @ParameterizedTest(name = "{0} goes upstream as {1}")
    @CsvSource({"/proxy, /", "/proxy/, /", "/proxy?x=1, /?x=1", "/proxy//double, //double"})
    void bareProxyPathBecomesTheRoot(String target, String forwarded) throws Exception {
        assertEquals(forwarded, forward(get(target)).target());
    }

    @Test
    void pathThatOnlyStartsWithProxyIsEchoedNotForwarded() throws Exception {
        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse echoed = client.exchange(get("/proxyfoo"));
            RawResponse forwarded = client.exchange(get("/proxy/after"));

            assertAll(
                    () -> assertEquals(200, echoed.status()),
                    () -> assertTrue(echoed.bodyText().contains("/proxyfoo"), echoed.bodyText()),
                    () -> assertFalse(echoed.has("Via"), "an echo is not a forwarded response"),
                    () -> assertEquals("/after", forwarded.bodyText()));
        }
        assertEquals("/after", upstream.takeRequest().target(), "only the /proxy/ request reached the upstream");
        assertEquals(0, upstream.pendingRequests());
    }

    // ---- Request head -----------------------------------------------------------------------------------------

    @Test
    void requestGoesUpstreamAsHttp11WithTheUpstreamAsHost() throws Exception {
        UpstreamRequest request = forward("DELETE /proxy/items/7 HTTP/1.1\r\nHost: public.example:8080\r\n\r\n");

        assertAll(
                () -> assertEquals("DELETE /items/7 HTTP/1.1", request.method() + " " + request.target() + " " + request.version()),
                () -> assertEquals(List.of("127.0.0.1:" + upstream.port()), request.headers("Host")),
                () -> assertEquals("Host", request.headers().get(0).name(), "Host comes first"),
                () -> assertEquals(List.of("public.example:8080"), request.headers("X-Forwarded-Host")));
    }

    @Test
    void http10RequestGoesUpstreamAsHttp11() throws Exception {
        UpstreamRequest request = forward("GET /proxy/old HTTP/1.0\r\nUser-Agent: ancient\r\n\r\n");

        assertAll(
                () -> assertEquals("HTTP/1.1", request.version()),
                () -> assertEquals(List.of("127.0.0.1:" + upstream.port()), request.headers("Host")),
                () -> assertEquals("ancient", request.header("User-Agent")),
                () -> assertFalse(request.has("X-Forwarded-Host"), "no Host, nothing to forward"));
    }

    @Test
    void hopByHopFieldsAreRemovedIncludingThoseConnectionNames() throws Exception {
        UpstreamRequest request = forward("GET /proxy/hop HTTP/1.1\r\n"
                + "Host: public.example\r\n"
                + "Connection: keep-alive, X-Hop\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "TE: trailers\r\n"
                + "Trailer: X-Checksum\r\n"
                + "Upgrade: websocket\r\n"
                + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
                + "X-Hop: named by the first Connection field\r\n"
                + "Connection: x-other-hop\r\n"
                + "x-OTHER-hop: named by the second, in another case\r\n"
                + "X-End: kept\r\n"
                + "\r\n");

        Set<String> hopByHop = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade",
                "proxy-authorization", "x-hop", "x-other-hop");
        List<String> leaked = request.fieldNames().stream().filter(name -> hopByHop.contains(name.toLowerCase())).toList();
        assertEquals(List.of(), leaked, request.rawHead());
        assertEquals("kept", request.header("X-End"));
    }

    @ParameterizedTest(name = "Connection: {0}")
    @ValueSource(strings = {"keep-alive", "Keep-Alive", "close", "CLOSE", "", "keep-alive, x-hop", "close,x-hop",
        "x-hop"})
    void connectionSayingOnlyKeepAliveOrCloseNamesNoFieldButClose(String connection) throws Exception {
        UpstreamRequest request = forward("GET /proxy/hop HTTP/1.1\r\n"
                + "Host: public.example\r\n"
                + "Connection: " + connection + "\r\n"
                + "X-Hop: named only when listed\r\n"
                + "Close: named only when listed\r\n"
                + "X-End: kept\r\n"
                + "\r\n");

        String listed = connection.toLowerCase(Locale.ROOT);
        assertAll(
                () -> assertEquals(listed.contains("x-hop"), !request.has("X-Hop"), request.rawHead()),
                () -> assertEquals(listed.contains("close"), !request.has("Close"), request.rawHead()),
                () -> assertEquals("kept", request.header("X-End")));
    }

    @Test
    void forwardingFieldsAreAppendedToTheClientsValues() throws Exception {
        UpstreamRequest request = forward("GET /proxy/fwd HTTP/1.1\r\n"
                + "Host: public.example\r\n"
                + "X-Forwarded-For: 203.0.113.7\r\n"
                + "X-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: origin.example\r\n"
                + "Via: 1.0 fred\r\n"
                + "X-Forwarded-For: 198.51.100.2, 192.0.2.1\r\n"
                + "\r\n");

        assertAll(
                () -> assertEquals(List.of("203.0.113.7, 198.51.100.2, 192.0.2.1, 127.0.0.1"), request.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("https, http"), request.headers("X-Forwarded-Proto")),
                () -> assertEquals(List.of("origin.example, public.example"), request.headers("X-Forwarded-Host")),
                () -> assertEquals(List.of("1.0 fred, 1.1 devproxy"), request.headers("Via")));
    }

    @Test
    void forwardingFieldsAreAddedWhenTheClientSentNone() throws Exception {
        UpstreamRequest request = forward(get("/proxy/plain"));

        assertAll(
                () -> assertEquals(List.of("127.0.0.1"), request.headers("X-Forwarded-For")),
                () -> assertEquals(List.of("http"), request.headers("X-Forwarded-Proto")),
                () -> assertEquals(List.of("devproxy.test"), request.headers("X-Forwarded-Host")),
                () -> assertEquals(List.of("1.1 devproxy"), request.headers("Via")));
    }

    @Test
    void endToEndFieldsPassInOrderWithRepeatsKept() throws Exception {
        UpstreamRequest request = forward("GET /proxy/order HTTP/1.1\r\n"
                + "Host: public.example\r\n"
                + "X-A: 1\r\n"
                + "Accept: text/plain\r\n"
                + "X-A: 2\r\n"
                + "Cookie: a=1\r\n"
                + "X-B:    spaced value\t\r\n"
                + "Cookie: b=2\r\n"
                + "X-Empty:\r\n"
                + "\r\n");

        Set<String> endToEnd = Set.of("x-a", "accept", "cookie", "x-b", "x-empty");
        List<Field> passed = request.headers().stream().filter(f -> endToEnd.contains(f.name().toLowerCase())).toList();
        assertEquals(List.of(new Field("X-A", "1"), new Field("Accept", "text/plain"), new Field("X-A", "2"),
                new Field("Cookie", "a=1"), new Field("X-B", "spaced value"), new Field("Cookie", "b=2"),
                new Field("X-Empty", "")), passed, request.rawHead());
    }

    @Test
    void pipelinedRequestsAreForwardedAndAnsweredInOrder() throws Exception {
        try (RawClient client = RawClient.connect(proxy)) {
            client.send(get("/proxy/one") + get("/proxy/two") + get("/proxy/three"));

            assertEquals("/one", client.read().bodyText());
            assertEquals("/two", client.read().bodyText());
            assertEquals("/three", client.read().bodyText());
        }
    }

    // ---- Response head ----------------------------------------------------------------------------------------

    @Test
    void responseLosesHopByHopFieldsAndGainsVia() throws Exception {
        upstream.close();
        upstream = ScriptedUpstream.answering("HTTP/1.1 418 I'm a teapot\r\n"
                + "Connection: X-Secret\r\n"
                + "X-Secret: hop\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "Set-Cookie: a=1\r\n"
                + "Via: 1.1 origin\r\n"
                + "X-Kept: yes\r\n"
                + "Set-Cookie: b=2\r\n"
                + "Content-Length: 2\r\n"
                + "\r\n"
                + "ok");
        proxy.close();
        proxy = DevProxy.builder().port(0).upstream(upstream.upstream()).build().start();

        try (RawClient client = RawClient.connect(proxy)) {
            RawResponse response = client.exchange(get("/proxy/teapot"));

            assertAll(
                    () -> assertEquals("HTTP/1.1 418 I'm a teapot", response.statusLine()),
                    () -> assertEquals(List.of("a=1", "b=2"), response.headers("Set-Cookie")),
                    () -> assertEquals("yes", response.header("X-Kept")),
                    () -> assertEquals(List.of("1.1 origin, 1.1 devproxy"), response.headers("Via")),
                    () -> assertNull(response.header("X-Secret")),
                    () -> assertNull(response.header("Keep-Alive")),
                    () -> assertNull(response.header("Proxy-Connection")),
                    () -> assertNull(response.header("Connection"), "the client's connection stays open: no Connection field"),
                    () -> assertEquals("ok", response.bodyText()));
            assertEquals("ok", client.exchange(get("/proxy/again")).bodyText(), "the client connection is still usable");
        }
    }

    // ---- Methods and bodies, through the JDK's client and server -----------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE"})
    void methodAndBodyReachTheUpstreamUnchanged(String method) throws Exception {
        try (HttpUpstream server = HttpUpstream.describing();
                DevProxy forwarding = DevProxy.builder().port(0).upstream(server.upstream()).build().start()) {
            HttpClient client = ProxyTestKit.HTTP;
            boolean hasBody = !Set.of("GET", "DELETE", "OPTIONS").contains(method);
            byte[] body = ("payload of " + method + " \u2603").getBytes(StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(forwarding.baseUri().resolve("/proxy/things/1?x=1"))
                    .timeout(Duration.ofSeconds(10))
                    .method(method, hasBody ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody())
                    .build();

            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

            Received received = server.take();
            assertAll(
                    () -> assertEquals(200, response.statusCode()),
                    () -> assertEquals(method + " /things/1?x=1", response.body()),
                    () -> assertEquals(method, received.method()),
                    () -> assertEquals("/things/1?x=1", received.uri().toString()),
                    () -> assertEquals(hasBody ? body.length : 0, received.bodyLength()),
                    () -> assertEquals(ProxyTestKit.sha256Hex(hasBody ? body : new byte[0]), received.bodySha256()));
        }
    }
}
