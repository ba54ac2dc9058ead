package dev.devproxy.jmh.engine;

import dev.devproxy.DevProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
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

    /** The proxy, shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Proxy {
        /**
         * Whether the proxy keeps a journal (1,000 entries, the library's default) or none (the standalone jar's
         * default, and what the allocation goal is stated for).
         */
        @Param({"off", "on"})
        public String journal = "off";

        @Nullable DevProxy proxy;

        @Setup(Level.Trial)
        public void start() {
            proxy = DevProxy.builder()
                    .port(0)
                    .ioThreads(1)
                    // Far beyond a trial, so a pause between iterations never closes the connection.
                    .keepAliveTimeout(Duration.ofHours(1))
                    .journalCapacity(journal.equals("on") ? 1000 : 0)
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
        private @Nullable LoopbackClient client;

        @Setup(Level.Trial)
        public void connect(Proxy proxy) throws IOException {
            client = LoopbackClient.openChecked(proxy.proxy, REQUEST,
                    text -> text.contains("\"method\":\"GET\",\"target\":\"/echo/bench?n=1\"")
                            && text.contains("[\"User-Agent\",\"devproxy-jmh\"]"),
                    "the echo of the request sent");
        }

        @TearDown(Level.Trial)
        public void disconnect() throws IOException {
            LoopbackClient.close(client);
        }
    }

    @Benchmark
    public int roundTrip(Connection connection) throws IOException {
        return LoopbackClient.roundTrip(connection.client);
    }
}
