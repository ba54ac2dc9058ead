package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples of devproxy-parser/README.md, verbatim, so they compile and are known to work. */
class ReadmeExamplesTest {
    private static final String PIPELINE = "POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello"
            + "PUT /chunks HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
            + "GET /bye HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n";

    // README example 1: a blocking channel (a SocketChannel, or any other), read into a direct buffer.
    static List<String> readRequests(ReadableByteChannel channel) throws IOException {
        RequestParser parser = new RequestParser();
        ByteBuffer buffer = ByteBuffer.allocateDirect(16 * 1024).flip();   // empty, ready to be parsed from
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        WritableByteChannel bodyOut = Channels.newChannel(body);
        List<String> requests = new ArrayList<>();
        while (true) {
            switch (parser.parse(buffer)) {
                case HEAD -> body.reset();
                case BODY -> bodyOut.write(parser.bodySlice());          // a read-only view of the run, no copy
                case END -> requests.add(parser.head() + " with " + body.size() + " body bytes");
                case ERROR -> throw new IOException(parser.error() + ": answer " + parser.error().status());
                case NEED_MORE -> {                                      // all input consumed: read more
                    buffer.compact();
                    int read = channel.read(buffer);
                    buffer.flip();
                    if (read < 0) {                                      // the peer closed its side
                        if (parser.endOfInput() == ParseStatus.ERROR) {
                            throw new EOFException("request cut short: " + parser.error());
                        }
                        return requests;
                    }
                }
            }
        }
    }

    // README example 3: routing on the path and a header, allocating nothing.
    static final HeaderName API_VERSION = HeaderName.of("X-Api-Version");   // encoded once

    static String route(RequestHead head, AsciiView view) {                 // one view per connection, reused
        if (!head.path(view).startsWith("/api/")) {
            return "static";
        }
        int field = head.headers().indexOf(API_VERSION);
        return field >= 0 && head.headers().value(field, view).contentEquals("2") ? "api v2" : "api v1";
    }

    // README example 4: responses, each to a request whose method the caller passes in order.
    static List<String> readResponses(ReadableByteChannel channel, Iterator<String> methods) throws IOException {
        ResponseParser parser = new ResponseParser();
        ByteBuffer buffer = ByteBuffer.allocateDirect(16 * 1024).flip();
        List<String> responses = new ArrayList<>();
        long bodyBytes = 0;
        parser.expectResponseToHead(methods.next().equals("HEAD"));         // before the response's first byte
        while (true) {
            switch (parser.parse(buffer)) {
                case HEAD -> bodyBytes = 0;
                case BODY -> bodyBytes += parser.bodyLength();
                case END -> {
                    ResponseHead head = parser.head();
                    responses.add(head.status() + " with " + bodyBytes + " body bytes");
                    if (head.status() >= 200 && methods.hasNext()) {        // a 1xx is interim: same request
                        parser.expectResponseToHead(methods.next().equals("HEAD"));
                    }
                }
                case ERROR -> throw new IOException("bad response: " + parser.error());   // a proxy answers 502
                case NEED_MORE -> {
                    buffer.compact();
                    int read = channel.read(buffer);
                    buffer.flip();
                    if (read < 0) {                                      // a close-delimited body ends here
                        ParseStatus last = parser.endOfInput();
                        if (last == ParseStatus.ERROR) {
                            throw new EOFException("response cut short: " + parser.error());
                        }
                        if (last == ParseStatus.END) {
                            responses.add(parser.head().status() + " with " + bodyBytes + " body bytes, until close");
                        }
                        return responses;
                    }
                }
            }
        }
    }

    // README example 2: ByteBuffers as they arrive, say from a selector loop.
    static List<String> targets(Iterable<ByteBuffer> arrivals, List<ByteBuffer> bodyRuns) {
        RequestParser parser = new RequestParser();
        List<String> targets = new ArrayList<>();
        for (ByteBuffer arrived : arrivals) {
            for (ParseStatus status; (status = parser.parse(arrived)) != ParseStatus.NEED_MORE; ) {
                switch (status) {
                    case HEAD -> targets.add(parser.head().target());
                    case BODY -> bodyRuns.add(arrived.slice(parser.bodyOffset(), parser.bodyLength())); // no copy
                    case ERROR -> throw new IllegalArgumentException(parser.error() + " " + parser.error().status());
                    default -> { }                                       // END: the next request may follow
                }
            }
        }
        return targets;
    }

    /** An InputStream that hands out at most seven bytes per read, as a slow network would. */
    private static InputStream trickling(String text) {
        return new FilterInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1))) {
            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return super.read(bytes, offset, Math.min(length, 7));
            }
        };
    }

    @Test
    void blockingStreamExampleReadsPipelinedRequests() throws IOException {
        assertEquals(List.of(
                        "POST /upload HTTP/1.1 with 5 body bytes",
                        "PUT /chunks HTTP/1.1 with 5 body bytes",
                        "GET /bye HTTP/1.1 with 0 body bytes"),
                readRequests(Channels.newChannel(trickling(PIPELINE))));
    }

    @Test
    void blockingStreamExampleReportsATruncatedRequest() {
        assertThrows(EOFException.class, () -> readRequests(Channels.newChannel(trickling("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nabc"))));
    }

    @Test
    void blockingStreamExampleReportsAMalformedRequest() {
        IOException malformed = assertThrows(IOException.class, () -> readRequests(Channels.newChannel(trickling("GET / HTTP/1.1\r\n\r\n"))));
        assertEquals("MISSING_HOST: answer 400", malformed.getMessage());
    }

    @Test
    void byteBufferExampleReportsTargetsAndBodyViews() {
        byte[] bytes = PIPELINE.getBytes(StandardCharsets.ISO_8859_1);
        List<ByteBuffer> arrivals = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += 10) {
            arrivals.add(ByteBuffer.wrap(bytes, at, Math.min(10, bytes.length - at)).slice());
        }
        List<ByteBuffer> bodyRuns = new ArrayList<>();

        assertEquals(List.of("/upload", "/chunks", "/bye"), targets(arrivals, bodyRuns));
        StringBuilder bodies = new StringBuilder();
        for (ByteBuffer run : bodyRuns) {
            bodies.append(StandardCharsets.ISO_8859_1.decode(run));
        }
        assertEquals("helloabcde", bodies.toString());
    }

    @Test
    void routingExampleReadsThePathAndTheVersionField() {
        // RFC 9110 section 5.1: the field name matches in any case.
        AsciiView view = new AsciiView();
        RequestParser parser = new RequestParser();
        assertEquals(ParseStatus.HEAD, parser.parse(ByteBuffer.wrap(
                "GET /api/x HTTP/1.1\r\nHost: h\r\nx-api-version: 2\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals("api v2", route(parser.head(), view));
        parser.reset();
        assertEquals(ParseStatus.HEAD, parser.parse(ByteBuffer.wrap(
                "GET /api/x HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals("api v1", route(parser.head(), view));
        parser.reset();
        assertEquals(ParseStatus.HEAD, parser.parse(ByteBuffer.wrap(
                "GET /index.html HTTP/1.1\r\nHost: h\r\nX-Api-Version: 2\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals("static", route(parser.head(), view));
    }

    @Test
    void responseExampleFramesInterimHeadAndCloseDelimitedResponses() throws IOException {
        // RFC 9112 section 6.3: rule 1 (HEAD, 1xx, 204, 304: no body), rule 6 (Content-Length), rule 8 (close).
        String responses = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"            // to HEAD: no body
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe rest";
        assertEquals(List.of("100 with 0 body bytes", "201 with 2 body bytes", "200 with 0 body bytes",
                        "200 with 3 body bytes", "200 with 8 body bytes, until close"),
                readResponses(Channels.newChannel(trickling(responses)), List.of("POST", "HEAD", "GET", "GET").iterator()));
        assertThrows(EOFException.class, () -> readResponses(Channels.newChannel(trickling(
                "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")), List.of("GET").iterator()));
    }

    @Test
    void configExampleHoldsBothDirectionsToOneFieldCountAndEachToItsBodyLimit() {
        // README, "Configuration: one value, both directions", verbatim.
        ParserConfig config = ParserConfig.defaults()
                .withLimits(ParserLimits.defaults().withMaxHeaderCount(50).withMaxResponseBodySize(100_000_000));
        RequestParser fromClients = new RequestParser(config);    // request bodies up to maxBodySize, 10 MB
        ResponseParser fromServers = new ResponseParser(config);  // the same head limits; bodies up to 100 MB

        String fields = "X: v\r\n".repeat(50);
        assertEquals(ParseStatus.ERROR, fromClients.parse(ByteBuffer.wrap(
                ("GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n").getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(ParseError.TOO_MANY_HEADERS, fromClients.error());
        assertEquals(ParseStatus.ERROR, fromServers.parse(ByteBuffer.wrap(
                ("HTTP/1.1 204 No Content\r\nDate: d\r\n" + fields + "\r\n").getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(ParseError.TOO_MANY_HEADERS, fromServers.error());

        fromServers.reset();
        assertEquals(ParseStatus.HEAD, fromServers.parse(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(ParseStatus.ERROR, new ResponseParser(config).parse(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nContent-Length: 100000001\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void readmeExamplesAreTheCodeThisTestRuns() throws IOException {
        // Surefire runs in the module directory.
        String readme = Files.readString(Path.of("README.md"));
        String source = Files.readString(Path.of("src/test/java/dev/devproxy/parser/ReadmeExamplesTest.java"));
        Matcher block = Pattern.compile("```java\n(static .*?)```", Pattern.DOTALL).matcher(readme);
        int examples = 0;
        while (block.find()) {
            examples++;
            String indented = block.group(1).lines().map(line -> line.isEmpty() ? line : "    " + line)
                    .reduce("", (text, line) -> text + line + "\n");
            assertTrue(source.contains(indented), () -> "README example not found verbatim in this test:\n" + block.group(1));
        }
        assertEquals(4, examples);
    }
}
