package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A reused parser allocates nothing per message once its storage fits the heads it sees. Measured with the
 * JDK's per-thread allocation counter, which counts every byte this thread allocates, interpreted or compiled.
 */
class AllocationTest {
    private static final byte[] PIPELINE = ("POST /api/items?id=7 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test/1.0\r\n"
            + "Accept: */*\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello"
            + "PUT /api/items/7 HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
            + "5;ext=\"v\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 1234\r\n\r\n"
            + "GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void reusedRequestParserAllocatesNothingPerRequest() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        RequestParser parser = new RequestParser();
        ByteBuffer input = ByteBuffer.wrap(PIPELINE);
        for (int i = 0; i < 2_000; i++) {
            assertEquals(3, parseAll(parser, input));
        }

        long before = threads.getCurrentThreadAllocatedBytes();
        int requests = 0;
        for (int i = 0; i < 2_000; i++) {
            requests += parseAll(parser, input);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(6_000, requests);
        // A few hundred bytes of slack for the measurement itself; one allocation per request would be 100 KB+.
        assertTrue(allocated < 1_000, "allocated " + allocated + " bytes for " + requests + " requests");
    }

    @Test
    void theViewApiAllocatesNothingOnDirectBuffers() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        RequestParser parser = new RequestParser();
        ByteBuffer input = ByteBuffer.allocateDirect(PIPELINE.length).put(PIPELINE);
        AsciiView view = new AsciiView();
        for (int i = 0; i < 2_000; i++) {
            assertEquals(3, parseAllWithViews(parser, input, view));
        }

        long before = threads.getCurrentThreadAllocatedBytes();
        int requests = 0;
        for (int i = 0; i < 2_000; i++) {
            requests += parseAllWithViews(parser, input, view);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(6_000, requests);
        // The same slack as above: one 48-byte view made per request would be 288 KB.
        assertTrue(allocated < 1_000, "allocated " + allocated + " bytes for " + requests + " requests");
    }

    private static final HeaderName X_CHECKSUM = HeaderName.of("X-Checksum");

    /** Parses every message in {@code input} reading every part through the view API only. */
    private static int parseAllWithViews(RequestParser parser, ByteBuffer input, AsciiView view) {
        input.clear();
        int heads = 0;
        long sink = 0;
        while (true) {
            ParseStatus status = parser.parse(input);
            switch (status) {
                case HEAD -> {
                    heads++;
                    RequestHead head = parser.head();
                    HeaderFields headers = head.headers();
                    sink += head.method(view).contentEquals("POST") ? 1 : 0;
                    sink += head.target(view).length() + (head.path(view).startsWith("/api/") ? 1 : 0);
                    sink += head.query(view).length() + (head.hasQuery() ? 1 : 0);
                    sink += head.storage().limit() + (parser.isMessageComplete() ? 1 : 0);
                    int host = headers.indexOf(HeaderName.HOST);
                    sink += headers.value(host, view).equalsIgnoreCase("EXAMPLE.COM") ? 1 : 0;
                    sink += headers.indexOf(HeaderName.COOKIE) + (headers.contains(HeaderName.CONTENT_LENGTH) ? 1 : 0);
                    for (int i = 0; i < headers.size(); i++) {
                        sink += headers.name(i, view).charAt(0) + headers.value(i, view).length();
                    }
                }
                case BODY -> sink += parser.bodySlice().remaining();
                case END -> sink += parser.trailers().indexOf(X_CHECKSUM);
                case NEED_MORE -> {
                    assertTrue(sink > 0);
                    return heads;
                }
                case ERROR -> throw new AssertionError(parser.error());
            }
        }
    }

    /** Parses every message in {@code input} from its start, touching the head as a proxy would, without Strings. */
    private static int parseAll(RequestParser parser, ByteBuffer input) {
        input.clear();
        int heads = 0;
        long sink = 0;
        while (true) {
            ParseStatus status = parser.parse(input);
            switch (status) {
                case HEAD -> {
                    heads++;
                    RequestHead head = parser.head();
                    sink += head.targetLength() + head.contentLength() + head.headers().size()
                            + (head.keepAlive() ? 1 : 0) + (head.methodIs("POST") ? 1 : 0)
                            + head.headers().indexOf("Host", 0) + head.method().length();
                }
                case BODY -> sink += parser.bodyLength();
                case END -> sink += parser.trailers().size();
                case NEED_MORE -> {
                    assertTrue(sink > 0);
                    return heads;
                }
                case ERROR -> throw new AssertionError(parser.error());
            }
        }
    }
}
