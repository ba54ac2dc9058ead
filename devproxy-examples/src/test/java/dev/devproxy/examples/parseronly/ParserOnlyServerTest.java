package dev.devproxy.examples.parseronly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.devproxy.parser.AsciiView;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.RequestParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ParserOnlyServerTest {
    static ParserOnlyServer server;
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = ParserOnlyServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAnswersOk() throws Exception {
        HttpResponse<String> response = get("/health");
        assertEquals(200, response.statusCode());
        assertEquals("ok", response.body());
    }

    @Test
    void apiRoutesOnTheVersionHeader() throws Exception {
        assertEquals("v2", get("/api/items?id=7", "X-Api-Version", "2").body());
        assertEquals("v2", get("/api/items", "x-api-version", "2").body(), "field names ignore case");
        assertEquals("v1", get("/api/items", "X-Api-Version", "3").body());
        assertEquals("v1", get("/api/items").body());
    }

    @Test
    void otherPathsAreNotFoundAndOtherMethodsNotAllowed() throws Exception {
        assertEquals(404, get("/apix").statusCode());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/x"))
                .POST(HttpRequest.BodyPublishers.ofString("a body to drop")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderThenAMalformedOneIsRejected() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /api/a HTTP/1.1\r\nHost: a\r\nX-Api-Version: 2\r\n\r\n"
                    + "GET /api/b HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /x HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));   // no Host: 400
            String answers = readAll(socket.getInputStream());
            Matcher statusLines = Pattern.compile("HTTP/1.1 (\\d{3})[^\r]*\r\n").matcher(answers);
            List<String> statuses = statusLines.results().map(m -> m.group(1)).toList();
            assertEquals(List.of("200", "200", "200", "400"), statuses, answers);
            assertTrue(answers.indexOf("ok") < answers.indexOf("v2") && answers.indexOf("v2") < answers.indexOf("v1"),
                    answers);
            assertTrue(answers.contains("MISSING_HOST"), answers);
        }
    }

    /** Reads until the server closes the connection, which it does after rejecting a request. */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void routingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] bytes = ("GET /api/items?id=7 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\nX-Api-Version: 2\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes);
        RequestParser parser = new RequestParser();
        AsciiView view = new AsciiView();
        int[] counts = new int[ParserOnlyServer.Route.values().length];
        for (int i = 0; i < 2_000; i++) {
            routeAll(parser, direct, view, counts);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 2_000; i++) {
            routeAll(parser, direct, view, counts);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(4_000, counts[ParserOnlyServer.Route.API_V2.ordinal()]);
        assertEquals(4_000, counts[ParserOnlyServer.Route.HEALTH.ordinal()]);
        // A few hundred bytes of slack for the measurement; one object per request would be 100 KB or more.
        assertTrue(allocated < 1_000, "allocated " + allocated + " bytes for 4,000 requests");
    }

    private static void routeAll(RequestParser parser, ByteBuffer input, AsciiView view, int[] counts) {
        input.clear();
        for (ParseStatus status; (status = parser.parse(input)) != ParseStatus.NEED_MORE; ) {
            if (status == ParseStatus.HEAD) {
                counts[ParserOnlyServer.route(parser.head(), view).ordinal()]++;
            } else if (status == ParseStatus.ERROR) {
                throw new AssertionError(parser.error());
            }
        }
    }

    @Test
    void theExampleUsesTheParserModuleAlone() throws IOException {
        Path sources = Path.of("src/main/java/dev/devproxy/examples/parseronly");
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("import dev.devproxy.")) {
                        assertTrue(line.startsWith("import dev.devproxy.parser."), file + ": " + line);
                    }
                }
            }
        }
    }
}
