package dev.devproxy.internal.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.devproxy.internal.stub.Json;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.RequestParser;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link EchoJson} writes, byte for byte, what echo wrote when it built its JSON from Strings
 * ({@link LegacyEchoJson}), for hostile heads and bodies fed in several splits, and the result is valid UTF-8
 * and valid JSON. One writer serves every case, as one loop serves many requests.
 */
class EchoJsonTest {
    private static final String REMOTE = "127.0.0.1:54321";
    private static final byte[] REMOTE_JSON = EchoJson.quote(REMOTE);
    /** Shared on purpose: a long answer followed by a short one must not leave anything behind. */
    private static final EchoJson WRITER = new EchoJson();

    static Stream<Arguments> requests() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(named("plain GET", get("/echo/bench?n=1", "Host: localhost\r\nUser-Agent: devproxy-jmh\r\n")));
        cases.add(named("quotes and backslashes in values",
                get("/q", "X-Quote: say \"hi\" \\ now\r\nX-Back: \\\\\\\"\r\n")));
        cases.add(named("HTAB inside a value", get("/t", "X-Tab: a\tb\t\tc\r\n")));
        cases.add(named("obs-text 0x80 to 0xFF in a value", get("/o", "X-Obs: " + latin1Range(0x80, 0x100) + "\r\n")));
        cases.add(named("obs-text next to escapes", get("/o", "X-Mix: \u00e9\"\u00ff\\\u0080\t\u00a0\r\n")));
        cases.add(named("empty values", get("/e", "X-Empty:\r\nX-Blank:    \r\nX-Tabs:\t\t\r\nX-Last:\r\n")));
        cases.add(named("99 header fields and Host, the most the parser allows", get("/many", manyFields(99))));
        cases.add(named("long field value", get("/long", "X-Long: " + "v\"\\".repeat(2_000) + "\r\n")));
        cases.add(named("names as sent, repeated", get("/",
                "Host: h\r\nX-Tag: one\r\naccept: */*\r\nx-tag: two\r\nX-TAG:   three  \r\n")));
        cases.add(named("query with quotes, backslash-free percent and a second ?",
                get("/a%20b/c?q=%C3%A9&x=\"y\"?z", "Host: h\r\n")));
        cases.add(named("query empty", get("/plain?", "Host: h\r\n")));
        cases.add(named("no query", get("/plain", "Host: h\r\n")));
        cases.add(named("unregistered method with every tchar", bytes(
                "!#$%&'*+-.^_`|~09azAZ /m HTTP/1.1\r\nHost: h\r\n\r\n")));
        cases.add(named("extension method", bytes("PURGE /cache HTTP/1.1\r\nHost: h\r\n\r\n")));
        cases.add(named("HTTP/1.0 without fields", bytes("GET /old HTTP/1.0\r\n\r\n")));
        cases.add(named("absolute-form", bytes("GET http://example.test:8080/p/a?b=c HTTP/1.1\r\nHost: example.test\r\n\r\n")));
        cases.add(named("absolute-form with empty path and a query",
                bytes("GET HTTPS://example.test?x=1 HTTP/1.1\r\nHost: example.test\r\n\r\n")));
        cases.add(named("absolute-form with empty path", bytes("GET http://example.test HTTP/1.1\r\nHost: example.test\r\n\r\n")));
        cases.add(named("authority-form", bytes("CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n")));
        cases.add(named("asterisk-form", bytes("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")));
        cases.add(named("text body with escapes and every UTF-8 length",
                post(("h\u00e9llo \"q\" \\ \n\t\u0001\u001f\u007f\b\f\r \u2713 \uD83D\uDE00 \uFEFF\uFFFF\uDBFF\uDFFF")
                        .getBytes(StandardCharsets.UTF_8))));
        cases.add(named("text body with NUL", post(new byte[] {'a', 0, 'b'})));
        cases.add(named("body with a stray continuation byte", post(new byte[] {'a', (byte) 0x80})));
        cases.add(named("body with an overlong NUL", post(new byte[] {(byte) 0xC0, (byte) 0x80})));
        cases.add(named("body with an encoded surrogate", post(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})));
        cases.add(named("body above U+10FFFF", post(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})));
        cases.add(named("body cut inside a character", post(new byte[] {'o', 'k', (byte) 0xE2, (byte) 0x9C})));
        cases.add(named("body of Latin-1 bytes", post(latin1Range(0x20, 0x100).getBytes(StandardCharsets.ISO_8859_1))));
        byte[] controls = new byte[64 * 1024];
        for (int i = 0; i < controls.length; i++) {
            controls[i] = (byte) (i % 0x80); // every ASCII byte, controls included: the longest escapes
        }
        cases.add(named("64 KiB text body, every ASCII byte", post(controls)));
        cases.add(named("64 KiB + 1 text body", post(Arrays.copyOf(controls, controls.length + 1))));
        byte[] binary = new byte[1_000_000];
        new Random(42).nextBytes(binary);
        cases.add(named("1 MB binary body", post(binary)));
        cases.add(named("chunked body with trailers, then a pipelined request", bytes(
                "POST /c?x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nX-Before: \"b\"\r\n\r\n"
                        + "4\r\nWiki\r\n6;ext=1\r\npedia \r\n0\r\nX-Trailer: \"t\"\r\nX-Other: o\r\n\r\n"
                        + "GET /next?y HTTP/1.1\r\nHost: other\r\nX-After: \u00e9\r\n\r\n")));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void writesWhatTheStringBasedWriterWrote(String name, byte[] request) throws CharacterCodingException {
        for (int split : new int[] {request.length, 4096, 7, 1}) {
            if (split < 4096 && request.length > 100_000) {
                continue; // a megabyte a byte at a time proves nothing more than 4 KiB at a time
            }
            for (String remote : new String[] {REMOTE, "[::1]:80"}) {
                List<byte[]> expected = new ArrayList<>();
                List<byte[]> actual = new ArrayList<>();
                feed(request, split, remote, expected, actual);
                assertEquals(expected.size(), actual.size());
                for (int i = 0; i < expected.size(); i++) {
                    byte[] json = actual.get(i);
                    assertArrayEquals(expected.get(i), json, () -> "split " + split + ":\nexpected "
                            + abbreviate(expected.get(expected.size() - 1)) + "\nactual   " + abbreviate(json));
                    String text = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(json)).toString();
                    Json.parse(text); // throws when it is not JSON
                }
            }
        }
    }

    @Test
    void remoteAddressesOutsideAsciiAreEncodedAsBefore() {
        byte[] request = bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        String remote = "h\u00e9\u2713\uD83D\uDE00\uD800x\"\\\u0001:1";
        List<byte[]> expected = new ArrayList<>();
        List<byte[]> actual = new ArrayList<>();

        feed(request, request.length, remote, expected, actual);

        assertArrayEquals(expected.get(0), actual.get(0));
    }

    @Test
    void aBodyTakenBackIsEmptyAndDropsALargePrefix() {
        EchoJson json = new EchoJson();
        EchoBody body = json.takeBody();
        body.add(ByteBuffer.wrap(new byte[EchoBody.MAX_KEPT_PREFIX + 1]), 0, EchoBody.MAX_KEPT_PREFIX + 1);

        json.recycle(body);
        EchoBody reused = json.takeBody();

        assertTrue(reused == body);
        assertEquals(0, reused.length());
        assertEquals(0, reused.prefix().length);
    }

    @Test
    void writingAgainAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] pipeline = bytes("GET /echo/bench?n=1 HTTP/1.1\r\nHost: localhost\r\nUser-Agent: devproxy-jmh\r\n"
                + "X-Odd: \"\u00e9\"\t\\\r\n\r\n"
                + "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhello \"w\"\n");
        EchoJson json = new EchoJson();
        RequestParser parser = new RequestParser();
        ByteBuffer input = ByteBuffer.wrap(pipeline);
        for (int i = 0; i < 5_000; i++) {
            assertEquals(2, writeAll(json, parser, input));
        }

        long before = threads.getCurrentThreadAllocatedBytes();
        int answers = 0;
        for (int i = 0; i < 5_000; i++) {
            answers += writeAll(json, parser, input);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(10_000, answers);
        // A few hundred bytes of slack for the measurement itself; one small object per answer would be 160 KB.
        assertTrue(allocated < 1_000, "allocated " + allocated + " bytes for " + answers + " answers");
    }

    /** Parses and answers every request in {@code input} as the engine does, without a socket. */
    private static int writeAll(EchoJson json, RequestParser parser, ByteBuffer input) {
        input.clear();
        int answers = 0;
        EchoBody body = null;
        while (true) {
            switch (parser.parse(input)) {
                case HEAD -> body = null;
                case BODY -> {
                    if (body == null) {
                        body = json.takeBody();
                    }
                    body.add(input, parser.bodyOffset(), parser.bodyLength());
                }
                case END -> {
                    ByteBuffer answer = json.render(parser.head(), body, REMOTE_JSON);
                    assertTrue(answer.remaining() > 200);
                    if (body != null) {
                        json.recycle(body);
                    }
                    answers++;
                }
                case NEED_MORE -> {
                    return answers;
                }
                case ERROR -> throw new AssertionError(parser.error());
            }
        }
    }

    /**
     * Feeds {@code request} to a parser {@code split} bytes at a time, answering each message both ways: the
     * legacy writer takes the head when it arrives, the new one when the message ends, as the exchange does.
     */
    private static void feed(byte[] request, int split, String remote, List<byte[]> expected, List<byte[]> actual) {
        RequestParser parser = new RequestParser();
        ByteBuffer input = ByteBuffer.allocate(request.length);
        LegacyEchoJson legacy = null;
        EchoBody body = null;
        for (int from = 0; from < request.length; from += split) {
            input.put(request, from, Math.min(split, request.length - from)).flip();
            boolean more = true;
            while (more) {
                ParseStatus status = parser.parse(input);
                switch (status) {
                    case HEAD -> {
                        legacy = new LegacyEchoJson(parser.head());
                        body = null;
                    }
                    case BODY -> {
                        legacy.addBody(input, parser.bodyOffset(), parser.bodyLength());
                        if (body == null) {
                            body = WRITER.takeBody();
                        }
                        body.add(input, parser.bodyOffset(), parser.bodyLength());
                    }
                    case END -> {
                        expected.add(legacy.finish(remote));
                        ByteBuffer answer = WRITER.render(parser.head(), body, EchoJson.quote(remote));
                        byte[] copy = new byte[answer.remaining()];
                        answer.get(copy);
                        actual.add(copy);
                        if (body != null) {
                            WRITER.recycle(body);
                            body = null;
                        }
                    }
                    case NEED_MORE -> more = false;
                    case ERROR -> throw new AssertionError(parser.error() + " in " + abbreviate(request));
                }
            }
            input.compact();
        }
        assertTrue(parser.isIdle(), "the request was not complete");
    }

    private static Arguments named(String name, byte[] request) {
        return Arguments.of(name, request);
    }

    /** A GET with {@code fields}, after a {@code Host} field unless they have one (HTTP/1.1 requires it). */
    private static byte[] get(String target, String fields) {
        String host = fields.contains("Host:") ? "" : "Host: h\r\n";
        return bytes("GET " + target + " HTTP/1.1\r\n" + host + fields + "\r\n");
    }

    private static byte[] post(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length + "\r\n\r\n"));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static String manyFields(int count) {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < count; i++) {
            fields.append("X-Field-").append(i).append(": value \"").append(i).append("\"\r\n");
        }
        return fields.toString();
    }

    private static String latin1Range(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int c = from; c < to; c++) {
            text.append((char) c);
        }
        return text.toString();
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String abbreviate(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return text.length() <= 600 ? text : text.substring(0, 300) + " ... " + text.substring(text.length() - 300);
    }
}
