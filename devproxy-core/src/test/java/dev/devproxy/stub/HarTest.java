package dev.devproxy.stub;

import static dev.devproxy.stub.StubKit.proxy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.devproxy.DevProxy;
import dev.devproxy.Upstream;
import dev.devproxy.internal.stub.Json;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal as an HTTP Archive and back: traffic forwarded to a real upstream (JSON, binary, gzip-encoded and
 * chunked responses, a query, a POST) is written as HAR 1.2, checked against the structure the format requires,
 * then read back as stubs that answer the same requests, byte for byte, with the upstream gone.
 */
@Timeout(30)
class HarTest {
    private static final byte[] BINARY = new byte[3000];
    private static final byte[] GZIPPED;

    static {
        new Random(5).nextBytes(BINARY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write("compressed text, compressed text".getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        GZIPPED = out.toByteArray();
    }

    @TempDir
    Path directory;

    @Test
    void forwardedTrafficIsWrittenAsHarAndReplaysByteForByteFromItsStubs() throws Exception {
        AtomicInteger counter = new AtomicInteger();
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/json", exchange -> respond(exchange, 200, "application/json",
                "{\"city\": \"Paris\", \"temperature\": 21.5}".getBytes(StandardCharsets.UTF_8)));
        upstream.createContext("/binary", exchange -> respond(exchange, 200, "application/octet-stream", BINARY));
        upstream.createContext("/gzip", exchange -> {
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            respond(exchange, 200, "text/plain", GZIPPED);
        });
        upstream.createContext("/chunked", exchange -> {
            exchange.sendResponseHeaders(201, 0);
            exchange.getResponseBody().write("one, ".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            exchange.getResponseBody().write("two".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        upstream.createContext("/counter", exchange -> respond(exchange, 200, "text/plain",
                ("call " + counter.incrementAndGet()).getBytes(StandardCharsets.UTF_8)));
        upstream.start();
        String har;
        Map<String, HttpResponse<byte[]>> recorded = new LinkedHashMap<>();
        List<String> paths = List.of("/proxy/json?city=Paris&note=a%20b", "/proxy/binary", "/proxy/gzip",
                "/proxy/chunked", "/proxy/counter", "/proxy/counter");
        try (DevProxy proxy = proxy().upstream(Upstream.of("127.0.0.1", upstream.getAddress().getPort())).build()
                .start()) {
            for (int i = 0; i < paths.size(); i++) {
                recorded.put(paths.get(i) + "#" + i, send(proxy, paths.get(i)));
            }
            har = proxy.journal().toHar();
        } finally {
            upstream.stop(0);
        }
        Path file = directory.resolve("traffic.har");
        Files.writeString(file, har);

        Map<?, ?> log = (Map<?, ?>) ((Map<?, ?>) Json.parse(har)).get("log");
        assertEquals("1.2", log.get("version"));
        List<?> entries = (List<?>) log.get("entries");
        assertEquals(paths.size(), entries.size());
        for (Object entry : entries) {
            assertHarEntry((Map<?, ?>) entry);
        }
        Map<?, ?> first = (Map<?, ?>) entries.get(0);
        Map<?, ?> request = (Map<?, ?>) first.get("request");
        assertTrue(((String) request.get("url")).endsWith("/proxy/json?city=Paris&note=a%20b"), request.toString());
        assertEquals(List.of(Map.of("name", "city", "value", "Paris"), Map.of("name", "note", "value", "a b")),
                request.get("queryString"), "query parameters, decoded");
        Map<?, ?> gzip = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) entries.get(2)).get("response")).get("content");
        assertEquals("base64", gzip.get("encoding"), "gzip bytes are not text: base64, as sent");

        List<Stub> stubs = Har.stubs(file);
        assertEquals(5, stubs.size(), "one stub per method, path and query; /counter's two calls are one stub");
        try (DevProxy replay = proxy().build().start()) {
            stubs.forEach(replay::stubFor);
            for (int i = 0; i < paths.size(); i++) {
                HttpResponse<byte[]> original = recorded.get(paths.get(i) + "#" + i);
                HttpResponse<byte[]> again = send(replay, paths.get(i));
                assertEquals(original.statusCode(), again.statusCode(), paths.get(i));
                assertArrayEquals(original.body(), again.body(), paths.get(i));
                assertEquals(original.headers().firstValue("Content-Encoding"),
                        again.headers().firstValue("Content-Encoding"), paths.get(i));
                assertEquals(original.headers().firstValue("Content-Type"),
                        again.headers().firstValue("Content-Type"), paths.get(i));
            }
            assertEquals("call 2", new String(send(replay, "/proxy/counter").body(), StandardCharsets.UTF_8),
                    "a sequence repeats its last response");
        }
    }

    @Test
    void aRequestBodyAndARefusedRequestAreDescribed() throws Exception {
        try (DevProxy proxy = proxy().maxBodySize(10).build().start()) {
            proxy.stubFor(RequestPattern.post("/form").willReturn(Responses.status(204)));
            StubKit.send(proxy, "POST", "/form", "a=1", "Content-Type", "application/x-www-form-urlencoded",
                    "Cookie", "session=abc; theme=dark");
            StubKit.send(proxy, "POST", "/form", "far more than ten bytes");

            List<?> entries = (List<?>) ((Map<?, ?>) ((Map<?, ?>) Json.parse(proxy.journal().toHar())).get("log"))
                    .get("entries");
            Map<?, ?> form = (Map<?, ?>) ((Map<?, ?>) entries.get(0)).get("request");
            assertEquals(Map.of("mimeType", "application/x-www-form-urlencoded", "text", "a=1"), form.get("postData"));
            assertEquals(List.of(Map.of("name", "session", "value", "abc"), Map.of("name", "theme", "value", "dark")),
                    form.get("cookies"));
            Map<?, ?> refused = (Map<?, ?>) entries.get(1);
            assertEquals(new BigDecimal(413), ((Map<?, ?>) refused.get("response")).get("status"));
            assertTrue(String.valueOf(refused.get("comment")).contains("maxBodySize"), refused.toString());
        }
    }

    @Test
    void whatIsNotAnArchiveIsRefusedNamingTheFieldAtFault() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Har.stubs("not json")).getMessage()
                .startsWith("not a HAR file"));
        assertEquals("(root).log: missing",
                assertThrows(IllegalArgumentException.class, () -> Har.stubs("{}")).getMessage());
        String badStatus = "{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://h/a\"},"
                + "\"response\":{\"status\":\"200\"}}]}}";
        assertEquals("log.entries[0].response.status: expected a number",
                assertThrows(IllegalArgumentException.class, () -> Har.stubs(badStatus)).getMessage());
        String badBase64 = "{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://h/a\"},"
                + "\"response\":{\"status\":200,\"content\":{\"text\":\"!!\",\"encoding\":\"base64\"}}}]}}";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Har.stubs(badBase64)).getMessage()
                .startsWith("log.entries[0].response.content.text: not base64"));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** The members HAR 1.2 requires of an entry, with their types. */
    private static void assertHarEntry(Map<?, ?> entry) {
        assertInstanceOf(String.class, entry.get("startedDateTime"));
        assertInstanceOf(BigDecimal.class, entry.get("time"));
        assertInstanceOf(Map.class, entry.get("cache"));
        Map<?, ?> timings = (Map<?, ?>) entry.get("timings");
        for (String phase : List.of("send", "wait", "receive")) {
            assertInstanceOf(BigDecimal.class, timings.get(phase), phase);
        }
        Map<?, ?> request = (Map<?, ?>) entry.get("request");
        for (String name : List.of("method", "url", "httpVersion")) {
            assertInstanceOf(String.class, request.get(name), name);
        }
        for (String name : List.of("cookies", "headers", "queryString")) {
            assertInstanceOf(List.class, request.get(name), name);
        }
        assertInstanceOf(BigDecimal.class, request.get("headersSize"));
        assertInstanceOf(BigDecimal.class, request.get("bodySize"));
        Map<?, ?> response = (Map<?, ?>) entry.get("response");
        assertInstanceOf(BigDecimal.class, response.get("status"));
        for (String name : List.of("statusText", "httpVersion", "redirectURL")) {
            assertInstanceOf(String.class, response.get(name), name);
        }
        assertInstanceOf(List.class, response.get("cookies"));
        assertInstanceOf(List.class, response.get("headers"));
        Map<?, ?> content = (Map<?, ?>) response.get("content");
        assertInstanceOf(BigDecimal.class, content.get("size"));
        assertInstanceOf(String.class, content.get("mimeType"));
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String type, byte[] body)
            throws java.io.IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static HttpResponse<byte[]> send(DevProxy proxy, String path) throws Exception {
        return StubKit.HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
