package dev.devproxy;

import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Echo mode: the JSON description of a request, checked as exact text since its format is fixed. */
@Timeout(20)
class EchoTest {
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String HELLO_SHA256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    private DevProxy proxy;

    @BeforeEach
    void start() {
        proxy = builder().build().start();
    }

    /** The proxy under test; {@link EchoOverTlsTest} adds an HTTPS listener. */
    DevProxy.Builder builder() {
        return proxy();
    }

    /** A raw connection to {@code target}; {@link EchoOverTlsTest} speaks TLS to its HTTPS listener. */
    RawClient connect(DevProxy target) {
        return RawClient.connect(target);
    }

    /** {@link #connect} with a small receive window. */
    RawClient connect(DevProxy target, int receiveBufferSize) {
        return RawClient.connect(target.address(), receiveBufferSize);
    }

    /** What the echo adds after {@code authority} for {@code client}'s connection: nothing on plain TCP. */
    String tlsMember(RawClient client) {
        return "";
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void echoDescribesEveryPartOfTheRequestExactly() {
        try (RawClient client = connect(proxy)) {
            client.send("POST /items/42?color=red&size=L HTTP/1.1\r\n"
                    + "Host: example.test\r\n"
                    + "Content-Type: text/plain\r\n"
                    + "Content-Length: 5\r\n"
                    + "\r\n"
                    + "hello");
            RawClient.RawResponse response = client.readResponse();

            assertEquals("HTTP/1.1 200 OK", response.statusLine());
            assertEquals("application/json", response.header("Content-Type"));
            assertEquals("{\"method\":\"POST\",\"target\":\"/items/42?color=red&size=L\",\"path\":\"/items/42\","
                    + "\"query\":\"color=red&size=L\",\"version\":\"HTTP/1.1\","
                    + "\"headers\":[[\"Host\",\"example.test\"],[\"Content-Type\",\"text/plain\"],[\"Content-Length\",\"5\"]],"
                    + "\"bodyLength\":5,\"bodySha256\":\"" + HELLO_SHA256 + "\",\"body\":\"hello\","
                    + "\"remoteAddress\":\"" + client.localAddress() + "\","
                    + "\"targetForm\":\"origin\",\"authority\":\"example.test\"" + tlsMember(client) + "}",
                    response.bodyText());
        }
    }

    @Test
    void repeatedHeadersKeepTheirArrivalOrderAndTheirNamesAsSent() {
        String json = echo("GET / HTTP/1.1\r\nHost: h\r\nX-Tag: one\r\naccept: */*\r\nx-tag: two\r\nX-TAG:   three  \r\n\r\n");

        assertContains(json, "\"headers\":[[\"Host\",\"h\"],[\"X-Tag\",\"one\"],[\"accept\",\"*/*\"],"
                + "[\"x-tag\",\"two\"],[\"X-TAG\",\"three\"]],");
    }

    @Test
    void headerValuesWithQuotesAndBackslashesAreEscaped() {
        String json = echo("GET / HTTP/1.1\r\nHost: h\r\nX-Quote: say \"hi\" \\ now\r\n\r\n");

        assertContains(json, "[\"X-Quote\",\"say \\\"hi\\\" \\\\ now\"]");
    }

    @Test
    void queryIsNullWhenTheTargetHasNone() {
        String json = echo("GET /plain HTTP/1.1\r\nHost: h\r\n\r\n");

        assertContains(json, "\"target\":\"/plain\",\"path\":\"/plain\",\"query\":null,");
    }

    @Test
    void queryIsEmptyButPresentWhenTheTargetEndsWithAQuestionMark() {
        String json = echo("GET /plain? HTTP/1.1\r\nHost: h\r\n\r\n");

        assertContains(json, "\"target\":\"/plain?\",\"path\":\"/plain\",\"query\":\"\",");
    }

    @Test
    void targetIsReportedAsSentWithoutDecoding() {
        String json = echo("GET /a%20b/c?q=%C3%A9&x=y+z HTTP/1.1\r\nHost: h\r\n\r\n");

        assertContains(json, "\"target\":\"/a%20b/c?q=%C3%A9&x=y+z\",\"path\":\"/a%20b/c\",\"query\":\"q=%C3%A9&x=y+z\",");
    }

    @Test
    void aRequestWithoutBodyHasAnEmptyBodyAndTheHashOfNothing() {
        String json = echo("DELETE /thing HTTP/1.1\r\nHost: h\r\n\r\n");

        assertContains(json, "\"method\":\"DELETE\",");
        assertContains(json, "\"bodyLength\":0,\"bodySha256\":\"" + EMPTY_SHA256 + "\",\"body\":\"\",");
    }

    @Test
    void binaryBodyIsReportedByLengthAndHashButNotAsText() {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (255 - i); // starts with 0xFF, which never occurs in UTF-8
        }

        String json = echo(post(body));

        assertContains(json, "\"bodyLength\":256,\"bodySha256\":\"" + sha256(body) + "\",\"body\":null,");
    }

    @Test
    void truncatedMultiByteSequenceMakesTheBodyBinary() {
        byte[] body = {'o', 'k', (byte) 0xE2, (byte) 0x9C}; // the first two of the three bytes of U+2713

        String json = echo(post(body));

        assertContains(json, "\"bodyLength\":4,\"bodySha256\":\"" + sha256(body) + "\",\"body\":null,");
    }

    @Test
    void textBodyIsEscapedAsJsonAndKeepsItsUnicode() {
        String text = "h\u00e9llo \"q\" \\ \n\t\u0001 \u2713 \uD83D\uDE00";
        byte[] body = text.getBytes(StandardCharsets.UTF_8);

        String json = echo(post(body));

        assertContains(json, "\"bodyLength\":" + body.length + ",\"bodySha256\":\"" + sha256(body) + "\","
                + "\"body\":\"h\u00e9llo \\\"q\\\" \\\\ \\n\\t\\u0001 \u2713 \uD83D\uDE00\",");
    }

    @Test
    void bodyOfExactly64KiBIsEchoedAsText() {
        byte[] body = new byte[64 * 1024];
        Arrays.fill(body, (byte) 'a');

        String json = echo(post(body));

        assertContains(json, "\"bodyLength\":65536,\"bodySha256\":\"" + sha256(body) + "\",\"body\":\""
                + "a".repeat(65536) + "\",");
    }

    @Test
    void bodyOneByteOver64KiBIsNotEchoedAsText() {
        byte[] body = new byte[64 * 1024 + 1];
        Arrays.fill(body, (byte) 'a');

        String json = echo(post(body));

        assertContains(json, "\"bodyLength\":65537,\"bodySha256\":\"" + sha256(body) + "\",\"body\":null,");
    }

    @Test
    void largeBodyIsHashedInFull() {
        byte[] body = new byte[3_000_000];
        new java.util.Random(42).nextBytes(body);

        String json = echo(post(body));

        assertContains(json, "\"bodyLength\":3000000,\"bodySha256\":\"" + sha256(body) + "\",\"body\":null,");
    }

    @Test
    void chunkedBodyIsDecodedBeforeItIsDescribed() {
        String json = echo("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nWiki\r\n6\r\npedia \r\n0\r\n\r\n");

        assertContains(json, "[\"Transfer-Encoding\",\"chunked\"]");
        assertContains(json, "\"bodyLength\":10,\"bodySha256\":\""
                + sha256("Wikipedia ".getBytes(StandardCharsets.US_ASCII)) + "\",\"body\":\"Wikipedia \",");
    }

    @Test
    void http10RequestIsEchoedWithItsVersionAndTheConnectionThenCloses() {
        try (RawClient client = connect(proxy)) {
            client.send("GET /old HTTP/1.0\r\n\r\n");
            RawClient.RawResponse response = client.readResponse();

            assertEquals(200, response.status());
            assertEquals("close", response.header("Connection"));
            assertEquals("{\"method\":\"GET\",\"target\":\"/old\",\"path\":\"/old\",\"query\":null,"
                    + "\"version\":\"HTTP/1.0\",\"headers\":[],\"bodyLength\":0,\"bodySha256\":\"" + EMPTY_SHA256 + "\","
                    + "\"body\":\"\",\"remoteAddress\":\"" + client.localAddress() + "\","
                    + "\"targetForm\":\"origin\",\"authority\":null" + tlsMember(client) + "}", response.bodyText());
            client.assertClosedByServer();
        }
    }

    @Test
    void theBodyIsReadInFullBeforeTheAnswer() {
        try (RawClient client = connect(proxy)) {
            client.send("POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhe");
            client.assertNothingArrivesWithin(Duration.ofMillis(300));

            client.send("llo");
            RawClient.RawResponse response = client.readResponse();

            assertContains(response.bodyText(), "\"bodyLength\":5,\"bodySha256\":\"" + HELLO_SHA256 + "\",\"body\":\"hello\",");
        }
    }

    @Test
    void expectContinueGetsAnInterimResponseBeforeTheBodyIsSent() {
        try (RawClient client = connect(proxy)) {
            client.send("PUT /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            RawClient.RawResponse interim = client.readResponse();
            assertEquals("HTTP/1.1 100 Continue", interim.statusLine());

            client.send("hello");
            RawClient.RawResponse response = client.readResponse();

            assertEquals(200, response.status());
            assertContains(response.bodyText(), "\"body\":\"hello\",");
        }
    }

    @Test
    void headRequestGetsTheHeadOfTheEchoWithoutItsBody() {
        try (RawClient client = connect(proxy)) {
            // Pipelined: if the HEAD response carried a body, it would be read as the second status line.
            client.send("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n");

            RawClient.RawResponse head = client.readHeadOnlyResponse();
            RawClient.RawResponse get = client.readResponse();

            assertEquals(200, head.status());
            assertEquals("application/json", head.header("Content-Type"));
            assertEquals("HTTP/1.1 200 OK", get.statusLine());
            assertContains(get.bodyText(), "\"method\":\"GET\",\"target\":\"/g\",");
        }
    }

    @Test
    void answersWaitingForASlowReaderAreNotOverwrittenByAnswersToOthers() throws Exception {
        // One loop, so both clients share its echo writer. Every body byte is escaped to six (\u0001): 384 KiB
        // of JSON per request, pipelined to a client whose 4 KiB window takes little at a time, so that the
        // kernel's buffers fill and answers wait in the connection while the same writer answers the other.
        byte[] body = new byte[64 * 1024];
        Arrays.fill(body, (byte) 1);
        int pipelined = 16;
        byte[] requests = new byte[0];
        for (int i = 0; i < pipelined; i++) {
            byte[] request = post(body);
            requests = Arrays.copyOf(requests, requests.length + request.length);
            System.arraycopy(request, 0, requests, requests.length - request.length, request.length);
        }
        try (DevProxy single = builder().ioThreads(1).build().start();
                RawClient slow = connect(single, 4096);
                RawClient other = connect(single)) {
            // Sent from another thread: the proxy stops reading while an answer waits, so this write blocks.
            byte[] all = requests;
            CompletableFuture<RawClient> sent = CompletableFuture.supplyAsync(() -> slow.send(all));
            for (int i = 0; i < 20; i++) {
                other.send("GET /other/" + i + " HTTP/1.1\r\nHost: h\r\n\r\n");
                assertContains(other.readResponse().bodyText(), "\"target\":\"/other/" + i + "\",");
            }

            String expected = "{\"method\":\"POST\",\"target\":\"/upload\",\"path\":\"/upload\",\"query\":null,"
                    + "\"version\":\"HTTP/1.1\",\"headers\":[[\"Host\",\"h\"],[\"Content-Length\",\"65536\"]],"
                    + "\"bodyLength\":65536,\"bodySha256\":\"" + sha256(body) + "\",\"body\":\""
                    + "\\u0001".repeat(body.length) + "\",\"remoteAddress\":\"" + slow.localAddress() + "\","
                    + "\"targetForm\":\"origin\",\"authority\":\"h\"" + tlsMember(slow) + "}";
            for (int i = 0; i < pipelined; i++) {
                String json = slow.readResponse(Duration.ofSeconds(10)).bodyText();
                assertTrue(expected.equals(json), () -> "expected\n  " + abbreviate(expected) + "\nbut was\n  " + abbreviate(json));
            }
            sent.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void echoAnswersARealHttpClient() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(proxy.baseUri().resolve("/from/java?lang=17"))
                .header("X-Client", "java.net.http")
                .POST(HttpRequest.BodyPublishers.ofString("abc"))
                .build();

        HttpResponse<String> response = TestSupport.HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        String json = response.body();
        assertTrue(json.startsWith("{\"method\":\"POST\",\"target\":\"/from/java?lang=17\",\"path\":\"/from/java\","
                + "\"query\":\"lang=17\",\"version\":\"HTTP/1.1\",\"headers\":["), json);
        assertContains(json, "[\"X-Client\",\"java.net.http\"]");
        assertContains(json, "\"bodyLength\":3,\"bodySha256\":\"" + sha256("abc".getBytes(StandardCharsets.UTF_8))
                + "\",\"body\":\"abc\",\"remoteAddress\":\"127.0.0.1:");
    }

    // ---- helpers ----

    /** Sends one request on a fresh connection and returns the echo JSON, after checking the response's head. */
    private String echo(String request) {
        return echo(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private String echo(byte[] request) {
        try (RawClient client = connect(proxy)) {
            client.send(request);
            RawClient.RawResponse response = client.readResponse(Duration.ofSeconds(10));
            assertEquals("HTTP/1.1 200 OK", response.statusLine(), response::toString);
            assertEquals("application/json", response.header("Content-Type"));
            String json = response.bodyText();
            assertTrue(json.contains(",\"remoteAddress\":\"" + client.localAddress() + "\",\"targetForm\":\"origin\","),
                    () -> abbreviate(json));
            return json;
        }
    }

    /** A POST of {@code body} with Content-Length, as bytes. */
    private static byte[] post(byte[] body) {
        byte[] head = ("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), () -> "expected to find\n  " + abbreviate(expected) + "\nin\n  "
                + abbreviate(text));
    }

    private static String abbreviate(String text) {
        return text.length() <= 3000 ? text : text.substring(0, 1500) + " ... " + text.substring(text.length() - 1500);
    }
}
