package dev.devproxy.stub;

import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.status;
import static dev.devproxy.stub.StubKit.HTTP;
import static dev.devproxy.stub.StubKit.proxy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.RecordedRequest;
import dev.devproxy.Route;
import dev.devproxy.Upstream;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The matching limit, {@code maxMatchBodySize} (issue 14, item 6): a body longer than it is decided on its
 * first that many bytes, where matchers that need the whole body do not match and the report says why, naming
 * the setting; the route chosen still gets the whole body; {@code withBodyContaining} and {@code withBody(String)}
 * read the body as it streams and are not bound by it.
 */
@Timeout(30)
class BodyMatchLimitTest {
    private static final int LIMIT = 64 * 1024;
    /** An echo proxy as the upstream: it answers each body's length and SHA-256, so a forward is checked whole. */
    private DevProxy echo;

    @BeforeEach
    void startEcho() {
        echo = proxy().maxBodySize(64L * 1024 * 1024).build().start();
    }

    @AfterEach
    void stopEcho() {
        echo.close();
    }

    @Test
    void aJsonMatcherOnABodyOverTheLimitDoesNotMatchAndTheReportNamesTheSetting() throws Exception {
        try (DevProxy proxy = proxy().strictStubbing(true).maxMatchBodySize(1024).build().start()) {
            proxy.stubFor(post("/orders").withJsonBody("{\"id\": 1}").willReturn(status(201)));
            String small = "{\"id\": 1}";
            String large = "{\"id\": 1, \"pad\": \"" + "x".repeat(4096 - 20) + "\"}";
            assertEquals(4096, large.length());

            assertEquals(201, upload(proxy, "/orders", small.getBytes(StandardCharsets.UTF_8), true).statusCode());
            HttpResponse<String> over = upload(proxy, "/orders", large.getBytes(StandardCharsets.UTF_8), true);

            assertEquals(404, over.statusCode());
            assertTrue(over.body().contains("JSON body {\"id\":1}: not checked: the body of 4096 bytes is over"
                    + " maxMatchBodySize (1024); raise it with DevProxy.builder().maxMatchBodySize(bytes)"), over.body());
            RecordedRequest unmatched = proxy.stubs().unmatchedRequests().get(0).request();
            assertTrue(unmatched.bodyTruncated(), unmatched::toString);
            assertEquals(1024, unmatched.body().length);
        }
    }

    @ParameterizedTest(name = "declared length: {0}")
    @ValueSource(booleans = {true, false})
    void aBodyOverTheLimitThatNoStubMatchesIsForwardedWhole(boolean declaredLength) throws Exception {
        byte[] body = randomBody(8 * 1024 * 1024);
        try (DevProxy proxy = proxy().upstream(Upstream.of("127.0.0.1", echo.port())).maxMatchBodySize(LIMIT).build().start()) {
            proxy.stubFor(post("/proxy/upload").withJsonBody("{\"never\": true}").willReturn(status(201)));

            HttpResponse<String> response = upload(proxy, "/proxy/upload", body, declaredLength);

            assertEquals(200, response.statusCode(), response.body());
            assertEchoed(body, response.body());
        }
    }

    @Test
    void anAfterBodyRouterDecidesOnTheFirstBytesAndIsToldTheBodyWasTruncated() throws Exception {
        byte[] body = randomBody(1024 * 1024);
        CompletableFuture<RecordedRequest> decided = new CompletableFuture<>();
        Upstream upstream = Upstream.of("127.0.0.1", echo.port());
        try (DevProxy proxy = proxy().maxMatchBodySize(LIMIT).router(head -> Route.afterBody(request -> {
            decided.complete(request);
            return Route.forward(upstream, "/echo");
        })).build().start()) {
            HttpResponse<String> response = upload(proxy, "/upload", body, true);

            RecordedRequest request = decided.get(5, TimeUnit.SECONDS);
            assertTrue(request.bodyTruncated());
            assertArrayEquals(Arrays.copyOf(body, LIMIT), request.body());
            assertTrue(request.bodyLength() > LIMIT && request.bodyLength() < body.length,
                    () -> "decided at " + request.bodyLength() + " bytes, before the body ended");
            assertEquals(200, response.statusCode(), response.body());
            assertEchoed(body, response.body());
        }
    }

    @Test
    void bodyContainingAndBodyEqualToMatchBodiesFarOverTheLimit() throws Exception {
        byte[] body = randomLetters(1024 * 1024, "needle-at-the-end");
        try (DevProxy proxy = proxy().strictStubbing(true).maxMatchBodySize(1024).build().start()) {
            proxy.stubFor(post("/contains").withBodyContaining("needle-at-the-end").willReturn(status(201)));
            proxy.stubFor(post("/equals").withBody(new String(body, StandardCharsets.US_ASCII)).willReturn(status(202)));

            assertEquals(201, upload(proxy, "/contains", body, true).statusCode());
            assertEquals(201, upload(proxy, "/contains", body, false).statusCode());
            assertEquals(202, upload(proxy, "/equals", body, true).statusCode());

            byte[] other = body.clone();
            other[other.length - 1] = '?';
            HttpResponse<String> missed = upload(proxy, "/contains", other, true);
            assertEquals(404, missed.statusCode());
            assertTrue(missed.body().contains("body: expected to contain \"needle-at-the-end\" but was"), missed.body());
            assertTrue(!missed.body().contains("maxMatchBodySize"), missed.body());
            assertEquals(404, upload(proxy, "/equals", other, true).statusCode());
        }
    }

    @Test
    void stubsFallingBackToTheirOwnNearMissReportStillStream() throws Exception {
        // The JUnit extension's chain: these stubs, else the same stubs' 404. The fallback is a body decision of
        // its own, fed the same chunks; the text at the end is found though only 1 KiB may be held.
        Stubs stubs = new Stubs();
        stubs.add(post("/contains").withBodyContaining("needle-at-the-end").willReturn(status(201)));
        byte[] body = randomLetters(1024 * 1024, "needle-at-the-end");
        try (DevProxy proxy = proxy().maxMatchBodySize(1024).router(stubs.orElse(stubs.orElseNotFound())).build()
                .start()) {
            assertEquals(201, upload(proxy, "/contains", body, true).statusCode());
            byte[] other = body.clone();
            other[other.length - 1] = '?';
            HttpResponse<String> missed = upload(proxy, "/contains", other, false);
            assertEquals(404, missed.statusCode());
            assertTrue(missed.body().contains("body: expected to contain \"needle-at-the-end\" but was"), missed.body());
        }
    }

    @Test
    void bodyContainingWithAForwardFallbackMatchesWhenTheTextIsInTheFirstBytes() throws Exception {
        // The forward needs the body held for its replay, so the decision comes at the limit: text found by then
        // matches; text further on cannot be seen, and the request goes to the upstream whole.
        byte[] early = randomLetters(1024 * 1024, "");
        System.arraycopy("early-text".getBytes(StandardCharsets.US_ASCII), 0, early, 100, 10);
        try (DevProxy proxy = proxy().upstream(Upstream.of("127.0.0.1", echo.port())).maxMatchBodySize(LIMIT).build().start()) {
            proxy.stubFor(post("/proxy/upload").withBodyContaining("early-text").willReturn(status(201)));

            assertEquals(201, upload(proxy, "/proxy/upload", early, true).statusCode());
            byte[] late = randomLetters(1024 * 1024, "early-text");
            HttpResponse<String> forwarded = upload(proxy, "/proxy/upload", late, true);
            assertEquals(200, forwarded.statusCode());
            assertEchoed(late, forwarded.body());
        }
    }

    private static HttpResponse<String> upload(DevProxy proxy, String path, byte[] body, boolean declaredLength)
            throws Exception {
        HttpRequest.BodyPublisher publisher = declaredLength ? HttpRequest.BodyPublishers.ofByteArray(body)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)); // sent chunked
        return HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).timeout(Duration.ofSeconds(20))
                .POST(publisher).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertEchoed(byte[] body, String echoJson) throws Exception {
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertTrue(echoJson.contains("\"bodyLength\":" + body.length + ","), echoJson);
        assertTrue(echoJson.contains("\"bodySha256\":\"" + sha256 + "\""), echoJson);
    }

    private static byte[] randomBody(int size) {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        return body;
    }

    /** {@code size} random lower-case letters ending in {@code tail}. */
    private static byte[] randomLetters(int size, String tail) {
        Random random = new Random(size);
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + random.nextInt(26));
        }
        byte[] end = tail.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(end, 0, body, size - end.length, end.length);
        return body;
    }
}
