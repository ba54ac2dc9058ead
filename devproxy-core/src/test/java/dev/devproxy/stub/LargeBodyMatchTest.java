package dev.devproxy.stub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 50 MB upload matched by {@code withBodyContaining} (issue 14, item 6). Before, the body was held by a
 * doubling buffer, copied to trim it and decoded into a String per matcher, and this ended in an
 * OutOfMemoryError answered 500. Now a body is held at most once, at its size, and only when something needs it
 * held: with the default routing, whose echo fallback gets the body replayed, it fits a 128 MB heap once
 * {@code maxMatchBodySize} is raised past it; with strict stubbing nothing needs it held and
 * {@code withBodyContaining} reads it as it streams, in a 32 MB heap, where the 50 MB could not be held at all
 * (with the body held regardless, the proxy runs out of memory there and the client gets no answer).
 * A 100 MB upload no stub matches, past a stub that needs the body whole, is forwarded from a 64 MB heap:
 * 16 MiB are held for the decision and the rest streams on.
 */
@Timeout(60)
class LargeBodyMatchTest {
    private static final int SIZE = 50 * 1024 * 1024;
    private static final String NEEDLE = "needle-at-the-end";

    @Test
    void aFiftyMegabyteUploadIsMatchedByBodyContainingInA128MegabyteHeapWithTheLimitRaised() throws Exception {
        HttpResponse<String> response = upload("-Xmx128m", "held", "/upload", SIZE);
        assertEquals(201, response.statusCode(), () -> cut(response.body()));
    }

    @Test
    void aFiftyMegabyteUploadIsMatchedByBodyContainingInA32MegabyteHeapWhenNothingNeedsItHeld() throws Exception {
        HttpResponse<String> response = upload("-Xmx32m", "streaming", "/upload", SIZE);
        assertEquals(201, response.statusCode(), () -> cut(response.body()));
    }

    @Test
    void aHundredMegabyteUploadNoStubMatchesIsForwardedWholeFromA64MegabyteHeap() throws Exception {
        // A JSON stub needs the body held: 16 MiB of it, the default limit, and then the rest streams on to
        // the upstream, which echoes the length and SHA-256 of what it got.
        int size = 100 * 1024 * 1024;
        HttpResponse<String> response = upload("-Xmx64m", "forward", "/proxy/upload", size);

        assertEquals(200, response.statusCode(), () -> cut(response.body()));
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (InputStream body = new FillerStream(size, NEEDLE.getBytes(StandardCharsets.US_ASCII))) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = body.read(buffer, 0, buffer.length)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        assertTrue(response.body().contains("\"bodyLength\":" + size + ","), () -> cut(response.body()));
        assertTrue(response.body().contains("\"bodySha256\":\"" + HexFormat.of().formatHex(sha256.digest()) + "\""),
                () -> cut(response.body()));
    }

    /** Starts {@link LargeBodyMatchMain} in a JVM with {@code heap} and uploads {@code size} bytes to {@code path}. */
    private static HttpResponse<String> upload(String heap, String mode, String path, int size) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-cp", System.getProperty("java.class.path"), LargeBodyMatchMain.class.getName(), NEEDLE, mode)
                .redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = output.readLine();
            assertTrue(line != null && line.startsWith("PORT "), "the proxy did not start: " + line);
            int port = Integer.parseInt(line.substring("PORT ".length()));

            byte[] tail = NEEDLE.getBytes(StandardCharsets.US_ASCII);
            HttpRequest upload = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new FillerStream(size, tail)), size))
                    .build();
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(upload, HttpResponse.BodyHandlers.ofString());
            assertTrue(child.isAlive(), "the proxy is still up");
            return response;
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private static String cut(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }

    /** {@code size} bytes of filler ending in {@code tail}, made as they are read. */
    private static final class FillerStream extends InputStream {
        private final long size;
        private final byte[] tail;
        private long position;

        FillerStream(long size, byte[] tail) {
            this.size = size;
            this.tail = tail;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - position);
            long tailStart = size - tail.length;
            for (int i = 0; i < n; i++) {
                long at = position + i;
                buffer[offset + i] = at >= tailStart ? tail[(int) (at - tailStart)] : (byte) 'a';
            }
            position += n;
            return n;
        }
    }
}
