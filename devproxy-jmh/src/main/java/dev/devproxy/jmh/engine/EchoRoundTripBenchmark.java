package dev.devproxy.jmh.engine;

import dev.devproxy.DevProxy;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The latency of one request/response over a keep-alive connection to a DevProxy in echo mode, on loopback.
 *
 * <p>A proxy with its defaults but one event-loop thread is started on a free port once per trial
 * ({@link Proxy}); each benchmark thread opens one blocking {@link SocketChannel} to it with TCP_NODELAY
 * ({@link Connection}). One operation writes a 75-byte {@code GET}, then reads until the whole response has
 * arrived, as its Content-Length says (410 bytes: a 109-byte head and 301 bytes of JSON). So it measures the whole path: two loopback
 * writes and reads, the selector waking up, parsing, routing, writing the echo JSON (with the SHA-256 of the
 * empty body) and the response head, and the metrics the engine records. Client and event loop are two
 * threads, so on a 2-core machine this is mostly the cost of two thread wake-ups.
 *
 * <p>Every response is checked: status 200, and a Content-Length within the buffer; {@code @Setup} checks the
 * first one also describes the request and keeps the connection open.
 *
 * <pre>
 * java -jar devproxy-jmh/target/benchmarks.jar EchoRoundTripBenchmark
 * java -jar devproxy-jmh/target/benchmarks.jar EchoRoundTripBenchmark -t 2   # two connections at once
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EchoRoundTripBenchmark {
    private static final byte[] REQUEST =
            "GET /echo/bench?n=1 HTTP/1.1\r\nHost: localhost\r\nUser-Agent: devproxy-jmh\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATUS_200 = "HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);

    /** The proxy, shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Proxy {
        @Nullable DevProxy proxy;

        @Setup(Level.Trial)
        public void start() {
            proxy = DevProxy.builder()
                    .port(0)
                    .ioThreads(1)
                    // Far beyond a trial, so a pause between iterations never closes the connection.
                    .keepAliveTimeout(Duration.ofHours(1))
                    .build()
                    .start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    /** One keep-alive connection per benchmark thread. */
    @State(Scope.Thread)
    public static class Connection {
        private @Nullable SocketChannel channel;
        private final ByteBuffer request = ByteBuffer.wrap(REQUEST);
        private final ByteBuffer response = ByteBuffer.allocate(64 * 1024);

        @Setup(Level.Trial)
        public void connect(Proxy proxy) throws IOException {
            DevProxy running = proxy.proxy;
            if (running == null) {
                throw new IllegalStateException("the proxy did not start");
            }
            SocketChannel opened = SocketChannel.open(running.address());
            opened.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel = opened;

            int length = roundTrip();
            String text = new String(response.array(), 0, length, StandardCharsets.ISO_8859_1);
            if (!text.contains("\"method\":\"GET\",\"target\":\"/echo/bench?n=1\"")
                    || !text.contains("[\"User-Agent\",\"devproxy-jmh\"]")) {
                throw new IllegalStateException("not the echo of the request sent:\n" + text);
            }
            if (text.toLowerCase(Locale.ROOT).contains("\r\nconnection: close")) {
                throw new IllegalStateException("the proxy closes the connection after a response:\n" + text);
            }
        }

        @TearDown(Level.Trial)
        public void disconnect() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }

        /**
         * Sends the request and reads its whole response into {@link #response}.
         *
         * @return the response's length in bytes, head and body
         * @throws IllegalStateException when the response is not a 200 or the connection closes
         */
        int roundTrip() throws IOException {
            SocketChannel open = channel;
            if (open == null) {
                throw new IllegalStateException("not connected");
            }
            request.rewind();
            while (request.hasRemaining()) {
                open.write(request);
            }
            response.clear();
            int headEnd = -1;
            int scanned = 0;
            while (headEnd < 0) {
                read(open);
                headEnd = indexOfEmptyLine(response.array(), scanned, response.position());
                scanned = Math.max(0, response.position() - 3);
            }
            byte[] bytes = response.array();
            if (!startsWith(bytes, STATUS_200)) {
                throw new IllegalStateException("not a 200: "
                        + new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1));
            }
            int total = headEnd + contentLength(bytes, headEnd);
            if (total > response.capacity()) {
                throw new IllegalStateException("response of " + total + " bytes exceeds the buffer");
            }
            while (response.position() < total) {
                read(open);
            }
            if (response.position() != total) {
                throw new IllegalStateException("more bytes than one response: " + response.position() + " > " + total);
            }
            return total;
        }

        private void read(SocketChannel open) throws IOException {
            if (open.read(response) < 0) {
                throw new IllegalStateException("the proxy closed the connection");
            }
        }
    }

    @Benchmark
    public int roundTrip(Connection connection) throws IOException {
        return connection.roundTrip();
    }

    /** The index just after the first CRLF CRLF in {@code bytes[from, to)}, or -1. */
    static int indexOfEmptyLine(byte[] bytes, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** The Content-Length in the head {@code bytes[0, headEnd)}; the name is matched ignoring case. */
    static int contentLength(byte[] bytes, int headEnd) {
        outer:
        for (int i = 0; i + CONTENT_LENGTH.length < headEnd; i++) {
            for (int j = 0; j < CONTENT_LENGTH.length; j++) {
                int c = bytes[i + j];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != CONTENT_LENGTH[j]) {
                    continue outer;
                }
            }
            int at = i + CONTENT_LENGTH.length;
            while (bytes[at] == ' ') {
                at++;
            }
            int value = 0;
            while (bytes[at] >= '0' && bytes[at] <= '9') {
                value = value * 10 + (bytes[at] - '0');
                at++;
            }
            return value;
        }
        throw new IllegalStateException("no Content-Length in the response head");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
