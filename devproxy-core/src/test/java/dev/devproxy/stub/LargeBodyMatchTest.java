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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 50 MB upload matched by {@code withBodyContaining} (issue 14, item 6). Before, the body was held by a
 * doubling buffer, copied to trim it and decoded into a String per matcher, and this ended in an
 * OutOfMemoryError answered 500. Now a body is held at most once, at its size, and only when something needs it
 * held: with the default routing, whose echo fallback gets the body replayed, it fits a 128 MB heap once
 * {@code maxMatchBodySize} is raised past it; with strict stubbing nothing needs it held and
 * {@code withBodyContaining} reads it as it streams, in a 32 MB heap, where the 50 MB could not be held at all.
 */
@Timeout(60)
class LargeBodyMatchTest {
    private static final int SIZE = 50 * 1024 * 1024;
    private static final String NEEDLE = "needle-at-the-end";

    @Test
    void aFiftyMegabyteUploadIsMatchedByBodyContainingInA128MegabyteHeapWithTheLimitRaised() throws Exception {
        assertEquals(201, uploadTo("-Xmx128m", "held"));
    }

    @Test
    void aFiftyMegabyteUploadIsMatchedByBodyContainingInA32MegabyteHeapWhenNothingNeedsItHeld() throws Exception {
        assertEquals(201, uploadTo("-Xmx32m", "streaming"));
    }

    /** Starts {@link LargeBodyMatchMain} in a JVM with {@code heap}, uploads the body, and gives the status. */
    private static int uploadTo(String heap, String mode) throws Exception {
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
            HttpRequest upload = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new FillerStream(SIZE, tail)), SIZE))
                    .build();
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(upload, HttpResponse.BodyHandlers.ofString());
            assertTrue(child.isAlive(), "the proxy is still up");
            assertTrue(response.statusCode() == 201, () -> "answered " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(2000, response.body().length())));
            return response.statusCode();
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
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
